package io.conductorvx.events;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.Workflow;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Conductor's "default event queues" behind the queue admin API ({@code /api/queue}, api.md §5):
 * one built-in {@code conductor} queue per task status it can set, COMPLETED and FAILED. A message
 * carries {@code externalId} (JSON text naming {@code workflowId} and {@code taskRefName} or
 * {@code taskId}) plus output; processing it sets the first pending task it names to that status
 * with the message merged into its output. Without a reference or id, the workflow's first pending
 * WAIT task is meant.
 */
public final class StatusQueues {
  /** Status → queue name (in the {@code conductor} provider). */
  public static final Map<String, String> QUEUES = Map.of(
      "COMPLETED", "conductor_COMPLETED",
      "FAILED", "conductor_FAILED");

  private StatusQueues() {}

  static boolean isStatusQueue(EventMessage m) {
    return ConductorEventQueues.TYPE.equals(m.type()) && QUEUES.containsValue(m.queue());
  }

  /** Publishes an update for the task named by {@code target} (workflowId plus taskRefName or taskId). */
  public static Future<Void> publish(EventQueueRegistry queues, String status, Map<String, Object> target,
      Map<String, Object> output) {
    String queue = QUEUES.get(status);
    if (queue == null) {
      return Future.failedFuture(ConductorException.badRequest("There is no queue for handling " + status + " status"));
    }
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("externalId", Json.toString(target));
    if (output != null) {
      message.putAll(output);
    }
    return queues.publish(ConductorEventQueues.TYPE + ":" + queue, UUID.randomUUID().toString(), Json.toString(message));
  }

  static Future<?> apply(WorkflowEngine engine, EventMessage m) {
    TaskResult.Status status = m.queue().endsWith("_FAILED") ? TaskResult.Status.FAILED : TaskResult.Status.COMPLETED;
    Object payload = EventProcessor.parse(m.payload());
    if (!(payload instanceof Map<?, ?> body) || !(EventProcessor.parse(String.valueOf(body.get("externalId"))) instanceof Map<?, ?> ids)) {
      return Future.failedFuture(new IllegalArgumentException("no externalId in the message"));
    }
    String workflowId = text(ids.get("workflowId"));
    String taskRef = text(ids.get("taskRefName"));
    String taskId = text(ids.get("taskId"));
    if (workflowId == null) {
      return Future.failedFuture(new IllegalArgumentException("no workflowId in externalId"));
    }
    return engine.backends().executions().getWorkflow(workflowId, true).compose(wf -> {
      Task task = wf == null ? null : pending(wf, taskRef, taskId);
      if (task == null) {
        return Future.failedFuture(ConductorException.notFound("No pending task " + (taskId != null ? taskId : taskRef)
            + " in workflow " + workflowId));
      }
      TaskResult result = new TaskResult();
      result.workflowInstanceId = workflowId;
      result.taskId = task.taskId;
      result.status = status;
      result.outputData = new LinkedHashMap<>(task.outputData);
      body.forEach((k, v) -> result.outputData.put(String.valueOf(k), v));
      return engine.send(new Command.UpdateTask(workflowId, result));
    });
  }

  private static Task pending(Workflow wf, String taskRef, String taskId) {
    for (Task t : wf.tasks) {
      boolean named = taskId != null ? taskId.equals(t.taskId)
          : taskRef != null ? taskRef.equals(t.referenceTaskName) : "WAIT".equals(t.taskType);
      if (named && !t.isTerminal() && !t.retried) {
        return t;
      }
    }
    return null;
  }

  private static String text(Object v) {
    return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v);
  }
}
