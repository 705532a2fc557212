package io.conductorvx.store.memory;

import io.conductorvx.model.EventExecution;
import io.conductorvx.model.Json;
import io.conductorvx.store.EventExecutionStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Event executions in memory as JSON bytes, grouped by handler name; readers get their own copies. */
public final class MemoryEventExecutionStore implements EventExecutionStore {
  /** The bytes plus the fields lookups filter on, so only what matches is parsed. */
  private record Stored(String event, String messageId, long created, boolean skipped, byte[] json) {
    static Stored of(EventExecution e) {
      return new Stored(e.event(), e.messageId(), e.created(), e.status() == EventExecution.Status.SKIPPED, Json.toBytes(e));
    }

    EventExecution execution() {
      return Json.fromBytes(json, EventExecution.class);
    }
  }

  /** Handler name → (event, NUL, execution id) → execution. */
  private final Map<String, ConcurrentSkipListMap<String, Stored>> byHandler = new ConcurrentHashMap<>();

  private static String key(String event, String id) {
    return event + '\u0000' + id;
  }

  @Override
  public Future<Void> save(List<EventExecution> executions) {
    for (EventExecution e : executions) {
      byHandler.computeIfAbsent(e.name(), n -> new ConcurrentSkipListMap<>()).put(key(e.event(), e.id()), Stored.of(e));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<EventExecution>> forMessage(String handlerName, String event, String messageId) {
    List<EventExecution> out = new ArrayList<>();
    Map<String, Stored> rows = byHandler.get(handlerName);
    if (rows != null) {
      rows.values().forEach(s -> {
        if (s.event().equals(event) && s.messageId().equals(messageId)) {
          out.add(s.execution());
        }
      });
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<EventExecution>> forHandler(String handlerName, long createdFrom, int limit) {
    Map<String, Stored> rows = byHandler.get(handlerName);
    if (rows == null) {
      return Future.succeededFuture(List.of());
    }
    List<Stored> picked = new ArrayList<>();
    rows.values().forEach(s -> {
      if (s.created() >= createdFrom) {
        picked.add(s);
      }
    });
    picked.sort(Comparator.comparingLong(Stored::created).reversed());
    List<EventExecution> out = new ArrayList<>();
    for (int i = 0; i < picked.size() && i < limit; i++) {
      out.add(picked.get(i).execution());
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<Activity>> activity() {
    Map<String, Activity> out = new TreeMap<>();
    byHandler.forEach((name, rows) -> {
      Map<String, Set<String>> messages = new TreeMap<>();
      Map<String, Long> actions = new TreeMap<>();
      rows.values().forEach(s -> {
        messages.computeIfAbsent(s.event(), e -> new HashSet<>()).add(s.messageId());
        actions.merge(s.event(), s.skipped() ? 0L : 1L, Long::sum);
      });
      messages.forEach((event, ids) -> out.put(name + '\u0000' + event,
          new Activity(name, event, ids.size(), actions.getOrDefault(event, 0L))));
    });
    return Future.succeededFuture(new ArrayList<>(out.values()));
  }

  @Override
  public Future<Long> removeCreatedBefore(long createdBefore) {
    long removed = 0;
    for (ConcurrentSkipListMap<String, Stored> rows : byHandler.values()) {
      for (var it = rows.entrySet().iterator(); it.hasNext(); ) {
        if (it.next().getValue().created() < createdBefore) {
          it.remove();
          removed++;
        }
      }
    }
    // emptied handler maps stay: removing one could race a save into it
    return Future.succeededFuture(removed);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
