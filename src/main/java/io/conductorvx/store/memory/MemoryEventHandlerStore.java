package io.conductorvx.store.memory;

import io.conductorvx.model.EventHandler;
import io.conductorvx.model.Json;
import io.conductorvx.store.EventHandlerStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

/** Event handlers held in memory as JSON bytes, so callers never share objects with the store. */
public final class MemoryEventHandlerStore implements EventHandlerStore {
  /** The JSON plus the two fields {@link #forEvent} filters on, so it parses only what matches. */
  private record Stored(String event, boolean active, byte[] json) {
    static Stored of(EventHandler h) {
      return new Stored(h.event, h.active, Json.toBytes(h));
    }

    EventHandler handler() {
      return Json.fromBytes(json, EventHandler.class);
    }
  }

  private final ConcurrentSkipListMap<String, Stored> byName = new ConcurrentSkipListMap<>();

  @Override
  public Future<Boolean> create(EventHandler handler) {
    return Future.succeededFuture(byName.putIfAbsent(handler.name, Stored.of(handler)) == null);
  }

  @Override
  public Future<Boolean> update(EventHandler handler) {
    return Future.succeededFuture(byName.replace(handler.name, Stored.of(handler)) != null);
  }

  @Override
  public Future<List<EventHandler>> list() {
    List<EventHandler> out = new ArrayList<>();
    byName.values().forEach(s -> out.add(s.handler()));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<EventHandler>> forEvent(String event, boolean activeOnly) {
    List<EventHandler> out = new ArrayList<>();
    for (Stored s : byName.values()) {
      if (Objects.equals(s.event(), event) && (s.active() || !activeOnly)) {
        out.add(s.handler());
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Boolean> delete(String name) {
    return Future.succeededFuture(byName.remove(name) != null);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
