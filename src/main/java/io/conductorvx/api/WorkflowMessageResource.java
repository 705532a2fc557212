package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.model.WorkflowMessage;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * POST /api/workflow/{workflowId}/messages (Conductor's WorkflowMessageQueueResource): a JSON object
 * for the workflow's PULL_WORKFLOW_MESSAGES tasks. Answers the message id as text; 404 for an
 * unknown workflow, 409 unless it is RUNNING, 429 when its queue is full. The workflow's owner
 * queues it, in order with every other change of that workflow.
 */
final class WorkflowMessageResource {
  private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {};

  private final WorkflowEngine engine;

  WorkflowMessageResource(WorkflowEngine engine) {
    this.engine = engine;
  }

  void mount(Router r) {
    Routes.handle(r.post("/api/workflow/:workflowId/messages"), this::push);
  }

  private Future<Reply> push(RoutingContext ctx) {
    String workflowId = Requests.path(ctx, "workflowId");
    Map<String, Object> payload = Requests.body(ctx, PAYLOAD);
    WorkflowMessage message = new WorkflowMessage(UUID.randomUUID().toString(), workflowId, payload, Instant.now().toString());
    return engine.<String>send(new Command.PushMessage(workflowId, message)).map(Reply::text);
  }
}
