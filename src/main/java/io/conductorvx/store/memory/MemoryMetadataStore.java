package io.conductorvx.store.memory;

import io.conductorvx.model.Json;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.store.MetadataStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Definitions held in memory as JSON (task definitions as bytes, workflow definitions as text, which
 * {@link #getWorkflowDefJson} answers as it is), so callers never share objects with the store.
 */
public final class MemoryMetadataStore implements MetadataStore {
  private final Map<String, byte[]> taskDefs = new ConcurrentSkipListMap<>();
  private final Map<String, NavigableMap<Integer, String>> workflowDefs = new ConcurrentSkipListMap<>();

  @Override
  public Future<Void> saveTaskDefs(List<TaskDef> defs) {
    for (TaskDef def : defs) {
      taskDefs.put(def.name, Json.toBytes(def));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<TaskDef> getTaskDef(String name) {
    byte[] bytes = taskDefs.get(name);
    return Future.succeededFuture(bytes == null ? null : Json.fromBytes(bytes, TaskDef.class));
  }

  @Override
  public Future<List<TaskDef>> listTaskDefs() {
    List<TaskDef> out = new ArrayList<>();
    taskDefs.values().forEach(b -> out.add(Json.fromBytes(b, TaskDef.class)));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Boolean> deleteTaskDef(String name) {
    return Future.succeededFuture(taskDefs.remove(name) != null);
  }

  @Override
  public Future<Boolean> createWorkflowDef(WorkflowDef def) {
    NavigableMap<Integer, String> versions = versionsOf(def.name);
    return Future.succeededFuture(versions.putIfAbsent(def.version, Json.toString(def)) == null);
  }

  @Override
  public Future<Void> saveWorkflowDef(WorkflowDef def) {
    versionsOf(def.name).put(def.version, Json.toString(def));
    return Future.succeededFuture();
  }

  @Override
  public Future<String> getWorkflowDefJson(String name, Integer version) {
    NavigableMap<Integer, String> versions = workflowDefs.get(name);
    if (versions == null || versions.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(version == null ? lastValue(versions) : versions.get(version));
  }

  @Override
  public Future<List<WorkflowDef>> listWorkflowDefs() {
    List<WorkflowDef> out = new ArrayList<>();
    workflowDefs.values().forEach(v -> v.values().forEach(json -> out.add(Json.fromText(json, WorkflowDef.class))));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Boolean> deleteWorkflowDef(String name, int version) {
    NavigableMap<Integer, String> versions = workflowDefs.get(name);
    return Future.succeededFuture(versions != null && versions.remove(version) != null);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private NavigableMap<Integer, String> versionsOf(String name) {
    return workflowDefs.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>());
  }

  private static String lastValue(NavigableMap<Integer, String> versions) {
    Map.Entry<Integer, String> last = versions.lastEntry();
    return last == null ? null : last.getValue();
  }
}
