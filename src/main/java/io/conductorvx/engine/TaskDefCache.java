package io.conductorvx.engine;

import io.conductorvx.model.Json;
import io.conductorvx.model.TaskDef;
import io.conductorvx.store.MetadataStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registered task definitions, readable without waiting: the decider needs them in the middle of a
 * decision (dynamic tasks, forks). Loaded at startup and kept current by the metadata API of this
 * server; the metadata store stays the source of truth.
 */
public final class TaskDefCache {
  private final Map<String, byte[]> defs = new ConcurrentHashMap<>();

  public Future<Void> load(MetadataStore store) {
    return store.listTaskDefs().map(all -> {
      all.forEach(this::put);
      return null;
    });
  }

  public void put(TaskDef def) {
    defs.put(def.name, Json.toBytes(def));
  }

  public void putAll(List<TaskDef> list) {
    list.forEach(this::put);
  }

  public void remove(String name) {
    defs.remove(name);
  }

  /** A copy of the registered definition, or null. */
  public TaskDef get(String name) {
    byte[] bytes = name == null ? null : defs.get(name);
    return bytes == null ? null : Json.fromBytes(bytes, TaskDef.class);
  }
}
