package io.conductorvx.api;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.EventHandler;
import io.conductorvx.store.EventHandlerStore;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * /api/event: event handlers (api.md §4). Every message reads the handlers from the store, so a
 * change here takes effect with the next message (Conductor refreshes its handler cache every
 * minute).
 */
final class EventResource {
  private final EventHandlerStore store;
  /** Tells the event processor that the queues to consume may have changed. */
  private final Runnable changed;

  EventResource(EventHandlerStore store, Runnable changed) {
    this.store = store;
    this.changed = changed;
  }

  void mount(Router r) {
    Routes.handle(r.post("/api/event"), this::create);
    Routes.handle(r.put("/api/event"), this::update);
    Routes.handle(r.get("/api/event"), ctx -> store.list().map(Reply::json));
    Routes.handle(r.get("/api/event/:event"), this::forEvent);
    Routes.handle(r.delete("/api/event/:name"), this::delete);
  }

  private Future<Reply> create(RoutingContext ctx) {
    EventHandler handler = validHandler(ctx);
    return store.create(handler).map(created -> {
      if (!created) {
        throw ConductorException.conflict("EventHandler with name " + handler.name + " already exists!");
      }
      changed.run();
      return Reply.ok();
    });
  }

  private Future<Reply> update(RoutingContext ctx) {
    EventHandler handler = validHandler(ctx);
    return store.update(handler).map(updated -> {
      if (!updated) {
        throw ConductorException.notFound("EventHandler with name " + handler.name + " not found!");
      }
      changed.run();
      return Reply.ok();
    });
  }

  private Future<Reply> forEvent(RoutingContext ctx) {
    String event = Requests.path(ctx, "event");
    boolean activeOnly = Requests.boolQuery(ctx, "activeOnly", true);
    return store.forEvent(event, activeOnly).map(Reply::json);
  }

  private Future<Reply> delete(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    return store.delete(name).map(deleted -> {
      if (!deleted) {
        throw ConductorException.notFound("EventHandler with name " + name + " not found!");
      }
      changed.run();
      return Reply.ok();
    });
  }

  /** The body as a handler, or a 400 listing every missing part (Conductor's messages). */
  private static EventHandler validHandler(RoutingContext ctx) {
    EventHandler h = Requests.body(ctx, EventHandler.class);
    List<String> problems = new ArrayList<>();
    if (h.name == null || h.name.isBlank()) {
      problems.add("name: Missing event handler name");
    }
    if (h.event == null || h.event.isBlank()) {
      problems.add("event: Missing event location");
    }
    if (h.actions == null || h.actions.isEmpty()) {
      problems.add("actions: No actions specified. Please specify at-least one action");
    } else {
      for (int i = 0; i < h.actions.size(); i++) {
        if (h.actions.get(i) == null || h.actions.get(i).action == null) {
          problems.add("actions[" + i + "].action: Missing action type");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ConductorException.invalid(problems);
    }
    return h;
  }
}
