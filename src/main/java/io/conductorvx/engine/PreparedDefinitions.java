package io.conductorvx.engine;

import io.conductorvx.model.Json;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.store.MetadataStore;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Registered workflow definitions ready to run: parsed, normalized and given their task definitions
 * once per stored version, then shared by every execution that starts from it. Starting used to do
 * all of that per workflow. The store is still asked on every start, so a definition changed
 * anywhere (another member's API included) applies to the next start; only the work done on its
 * answer is kept, for as long as the stored JSON and the task definitions stay the same.
 *
 * <p>A prepared definition is shared and frozen (its JSON made once, see Extensible#freeze): nothing
 * may change it, its nodes or their task definitions afterwards. The engine never changes
 * a running workflow's definition in place (a restart with a new one replaces the object).
 */
final class PreparedDefinitions {
  private record Entry(String json, long taskDefsGeneration, WorkflowDef def) {}

  private final MetadataStore store;
  private final TaskDefCache taskDefs;
  /** Normalizes a parsed definition and attaches its task definitions. */
  private final Function<WorkflowDef, Future<WorkflowDef>> prepare;
  /** By name and the version asked for ("latest" is its own key). */
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  PreparedDefinitions(MetadataStore store, TaskDefCache taskDefs, Function<WorkflowDef, Future<WorkflowDef>> prepare) {
    this.store = store;
    this.taskDefs = taskDefs;
    this.prepare = prepare;
  }

  /** The prepared definition of that name and version (null: the latest), or null when none is registered. */
  Future<WorkflowDef> get(String name, Integer version) {
    String key = version == null ? name : name + '\u0000' + version;
    long generation = taskDefs.generation();
    return store.getWorkflowDefJson(name, version).compose(json -> {
      if (json == null) {
        entries.remove(key);
        return Future.succeededFuture(null);
      }
      Entry held = entries.get(key);
      if (held != null && held.taskDefsGeneration() == generation && (held.json() == json || held.json().equals(json))) {
        return Future.succeededFuture(held.def());
      }
      return prepare.apply(Json.fromText(json, WorkflowDef.class)).map(def -> {
        share(def);
        // a task definition that changed meanwhile leaves an older generation here: prepared again next time
        entries.put(key, new Entry(json, generation, def));
        return def;
      });
    });
  }

  /** Freezes the definition, its nodes and their task definitions (all its own copies), and indexes it once. */
  private static void share(WorkflowDef def) {
    DefinitionIndex index = new DefinitionIndex(def);
    for (WorkflowTask node : index.allNodes()) {
      if (node.taskDefinition != null) {
        node.taskDefinition.freeze();
      }
      node.freeze();
    }
    def.freeze();
    def.sharedIndex = index;
  }
}
