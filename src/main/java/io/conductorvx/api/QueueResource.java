package io.conductorvx.api;

import io.conductorvx.error.ConductorException;
import io.conductorvx.events.ConductorEventQueues;
import io.conductorvx.events.EventQueueRegistry;
import io.conductorvx.events.EventQueues;
import io.conductorvx.events.StatusQueues;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** /api/queue: the built-in status queues that complete or fail a pending task (api.md §5). */
final class QueueResource {
  private final EventQueueRegistry queues;

  QueueResource(EventQueueRegistry queues) {
    this.queues = queues;
  }

  void mount(Router r) {
    Routes.handle(r.get("/api/queue/size"), this::sizes);
    Routes.handle(r.get("/api/queue"), ctx -> Future.succeededFuture(Reply.json(new TreeMap<>(StatusQueues.QUEUES))));
    Routes.handle(r.post("/api/queue/update/:workflowId/task/:taskId/:status"), ctx -> update(ctx, "taskId",
        Requests.path(ctx, "taskId")));
    Routes.handle(r.post("/api/queue/update/:workflowId/:taskRefName/:status"), ctx -> update(ctx, "taskRefName",
        Requests.path(ctx, "taskRefName")));
  }

  private Future<Reply> sizes(RoutingContext ctx) {
    EventQueues conductor = queues.provider(ConductorEventQueues.TYPE);
    Map<String, Long> pending = conductor == null ? Map.of() : conductor.sizes();
    Map<String, Long> out = new TreeMap<>();
    StatusQueues.QUEUES.values().forEach(q -> out.put(q, pending.getOrDefault(q, 0L)));
    return Future.succeededFuture(Reply.json(out));
  }

  private Future<Reply> update(RoutingContext ctx, String key, String value) {
    String status = Requests.path(ctx, "status").toUpperCase();
    if (!StatusQueues.QUEUES.containsKey(status)) {
      throw ConductorException.badRequest("There is no queue for handling " + status + " status");
    }
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("workflowId", Requests.path(ctx, "workflowId"));
    target.put(key, value);
    @SuppressWarnings("unchecked")
    Map<String, Object> output = Requests.optionalBody(ctx, Map.class);
    return StatusQueues.publish(queues, status, target, output).map(v -> Reply.ok());
  }
}
