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
  /** Names looked up in the store and not found there, until the next reload (cluster read-through). */
  private final java.util.Set<String> missing = ConcurrentHashMap.newKeySet();

  public Future<Void> load(MetadataStore store) {
    return store.listTaskDefs().map(all -> {
      all.forEach(this::put);
      return null;
    });
  }

  public void put(TaskDef def) {
    defs.put(def.name, Json.toBytes(def));
    missing.remove(def.name);
  }

  /**
   * Replaces the whole cache with what the store holds: in a cluster another member's metadata API
   * changes definitions this one would not hear of otherwise.
   */
  public Future<Void> reload(MetadataStore store) {
    return store.listTaskDefs().map(all -> {
      java.util.Set<String> names = new java.util.HashSet<>();
      for (TaskDef def : all) {
        names.add(def.name);
        defs.put(def.name, Json.toBytes(def));
      }
      defs.keySet().retainAll(names);
      missing.clear();
      return null;
    });
  }

  /** Whether the name was looked up in the store since the last reload and not found. */
  boolean knownMissing(String name) {
    return missing.contains(name);
  }

  void markMissing(String name) {
    missing.add(name);
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
