package io.conductorvx.engine;

import io.conductorvx.model.Json;
import io.conductorvx.model.TaskDef;
import io.conductorvx.store.MetadataStore;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registered task definitions, readable without waiting: the decider needs them in the middle of a
 * decision (dynamic tasks, forks). Loaded at startup and kept current by the metadata API of this
 * server; the metadata store stays the source of truth.
 */
public final class TaskDefCache {
  private final Map<String, byte[]> defs = new ConcurrentHashMap<>();
  /** Names looked up in the store and not found there, until the next reload (cluster read-through). */
  private final java.util.Set<String> missing = ConcurrentHashMap.newKeySet();
  /** Counts changes of the held definitions, so what was built from them knows when it is stale. */
  private final AtomicLong generation = new AtomicLong();

  public Future<Void> load(MetadataStore store) {
    return store.listTaskDefs().map(all -> {
      all.forEach(this::put);
      return null;
    });
  }

  public void put(TaskDef def) {
    hold(def);
    missing.remove(def.name);
  }

  private void hold(TaskDef def) {
    byte[] json = Json.toBytes(def);
    byte[] old = defs.put(def.name, json);
    if (old == null || !Arrays.equals(old, json)) {
      generation.incrementAndGet();
    }
  }

  /** Changes whenever a held definition is added, changed or removed. */
  long generation() {
    return generation.get();
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
        hold(def);
      }
      if (defs.keySet().retainAll(names)) {
        generation.incrementAndGet();
      }
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
    if (defs.remove(name) != null) {
      generation.incrementAndGet();
    }
  }

  /** A copy of the registered definition, or null. */
  public TaskDef get(String name) {
    byte[] bytes = name == null ? null : defs.get(name);
    return bytes == null ? null : Json.fromBytes(bytes, TaskDef.class);
  }
}
