package io.conductorvx.api;

import io.conductorvx.model.EventExecution;
import io.conductorvx.model.EventHandler;
import io.conductorvx.store.EventExecutionStore;
import io.conductorvx.store.EventHandlerStore;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/event/execution: what event handlers did, in the shapes the Orkes SDKs and Conductor's
 * ui-next event monitor read (extras.md §4; Conductor OSS records executions but serves no read
 * API). Mounted before /api/event/{event}, which would otherwise take "execution" as an event name.
 */
final class EventExecutionResource {
  /** Executions answered for one handler at most, newest first. */
  static final int MAX_EXECUTIONS = 1_000;
  /** A {@code from} above this is a point in time (epoch ms, after 2001), not a time window. */
  private static final long EPOCH_FROM = 1_000_000_000_000L;

  private final EventHandlerStore handlers;
  private final EventExecutionStore executions;

  EventExecutionResource(EventHandlerStore handlers, EventExecutionStore executions) {
    this.handlers = handlers;
    this.executions = executions;
  }

  void mount(Router r) {
    Routes.handle(r.get("/api/event/execution"), this::handlersWithActivity);
    Routes.handle(r.get("/api/event/execution/:name"), this::executionsOf);
  }

  /** Every handler with how many messages it saw and actions it ran: {totalHits, results}. */
  private Future<Reply> handlersWithActivity(RoutingContext ctx) {
    return Future.all(handlers.list(), executions.activity()).map(both -> {
      List<EventHandler> all = both.resultAt(0);
      List<EventExecutionStore.Activity> activity = both.resultAt(1);
      Map<String, EventExecutionStore.Activity> byHandlerEvent = new HashMap<>();
      activity.forEach(a -> byHandlerEvent.put(a.name() + '\u0000' + a.event(), a));
      List<Map<String, Object>> results = new ArrayList<>();
      for (EventHandler h : all) {
        EventExecutionStore.Activity a = byHandlerEvent.get(h.name + '\u0000' + h.event);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", h.name);
        row.put("event", h.event);
        row.put("numberOfMessages", a == null ? 0 : a.messages());
        row.put("numberOfActions", a == null ? 0 : a.actions());
        row.put("active", h.active);
        results.add(row);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("totalHits", results.size());
      body.put("results", results);
      return Reply.json(body);
    });
  }

  /**
   * The handler's executions, newest first. {@code from}: the event monitor sends a time window in
   * milliseconds (the last 5 minutes = 300000); a value that can only be a point in time (epoch ms)
   * is read as one. Absent or not positive: all of them.
   */
  private Future<Reply> executionsOf(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    long from = Requests.longQuery(ctx, "from", 0);
    long createdFrom = from <= 0 ? 0 : from >= EPOCH_FROM ? from : System.currentTimeMillis() - from;
    return executions.forHandler(name, createdFrom, MAX_EXECUTIONS).map(list -> {
      List<Map<String, Object>> out = new ArrayList<>(list.size());
      list.forEach(e -> out.add(view(e)));
      return Reply.json(out);
    });
  }

  /** Conductor's EventExecution fields plus what the event monitor shows beside them. */
  private static Map<String, Object> view(EventExecution e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", e.id());
    row.put("messageId", e.messageId());
    row.put("name", e.name());
    row.put("event", e.event());
    row.put("created", e.created());
    row.put("status", e.status());
    row.put("action", e.action());
    row.put("output", e.output() == null ? Map.of() : e.output());
    row.put("statusDescription", e.statusDescription());
    row.put("payload", e.payload());
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", e.messageId());
    message.put("event", e.event());
    message.put("name", e.name());
    message.put("message", e.payload());
    row.put("fullMessagePayload", message);
    return row;
  }
}
