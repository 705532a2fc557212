package io.conductorvx.tasks;

import io.conductorvx.error.ConductorException;
import io.conductorvx.events.ConductorEventQueues;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EVENT: publishes the task's output as a message to the queue its {@code sink} names, for the
 * event handlers listening there (semantics §6 EVENT, §16). The sink {@code conductor} means the
 * built-in queue {@code conductor:<workflowName>:<taskRef>}, {@code conductor:<x>} means
 * {@code conductor:<workflowName>:<x>}; any other {@code <type>:<queue>} is used as it is and fails
 * the task when no provider of that type exists.
 *
 * <p>Publishing is I/O, so it is offloaded; the task stays SCHEDULED until the queue took the
 * message (so after a restart {@link #evaluate} knows to publish again), then COMPLETES, or goes
 * IN_PROGRESS for an external update when {@code asyncComplete} is set. Message id = task id.
 */
public final class EventTask implements TaskType {
  public static final String TYPE = "EVENT";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    // as Conductor's mapper does: the raw sink and asyncComplete are part of the input (and so of the message)
    task.inputData.put("sink", task.workflowTask.sink);
    task.inputData.put("asyncComplete", task.workflowTask.asyncComplete);
    publish(ctx, task);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status == TaskStatus.SCHEDULED && !ctx.isOffloaded(task)) {
      publish(ctx, task); // the publish of a previous run of the server was lost
      return task.isTerminal();
    }
    return false;
  }

  private static void publish(TaskContext ctx, Task task) {
    Workflow wf = ctx.workflow();
    String event;
    try {
      event = eventName(ctx.resolve(task.workflowTask.sink, task.taskId), wf.workflowDefinition.name, task.referenceTaskName);
    } catch (IllegalArgumentException e) {
      finish(ctx, task, TaskStatus.FAILED, e.getMessage());
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> output = Json.fromBytes(Json.toBytes(task.inputData), LinkedHashMap.class);
    output.put("workflowInstanceId", wf.workflowId);
    output.put("workflowType", wf.workflowDefinition.name);
    output.put("workflowVersion", wf.workflowDefinition.version);
    output.put("correlationId", wf.correlationId);
    output.put("taskToDomain", wf.taskToDomain);
    output.put("event_produced", event);
    task.outputData = output;
    ctx.changed(task);
    String payload = Json.toString(output);
    String messageId = task.taskId;
    ctx.offload(task, services -> services.engine().backends().eventQueues()
        .publish(event, messageId, payload).map(v -> (Object) event));
  }

  /** The queue name a resolved sink stands for; IllegalArgumentException for an unusable sink. */
  static String eventName(Object sink, String workflowName, String taskRef) {
    if (!(sink instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("No sink specified in task (got: " + sink + ")");
    }
    String conductor = ConductorEventQueues.TYPE;
    if (s.equals(conductor)) {
      return conductor + ":" + workflowName + ":" + taskRef;
    }
    if (s.startsWith(conductor + ":")) {
      String queue = s.substring(conductor.length() + 1);
      if (queue.isBlank()) {
        throw new IllegalArgumentException("Invalid / Unsupported sink specified: " + s);
      }
      return conductor + ":" + workflowName + ":" + queue;
    }
    int colon = s.indexOf(':');
    if (s.startsWith(conductor) || colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("Invalid / Unsupported sink specified: " + s
          + " (expected 'conductor', 'conductor:<name>' or '<type>:<queue>')");
    }
    return s;
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      String why = error instanceof ConductorException ? error.getMessage() : String.valueOf(error);
      finish(ctx, task, TaskStatus.FAILED, "Failed to publish the event to " + task.outputData.get("event_produced") + ": " + why);
      return;
    }
    if (task.workflowTask.asyncComplete) {
      task.status = TaskStatus.IN_PROGRESS; // waits for an external update
      task.updateTime = ctx.now();
      ctx.statusChanged(task);
      return;
    }
    finish(ctx, task, TaskStatus.COMPLETED, null);
  }

  private static void finish(TaskContext ctx, Task task, TaskStatus status, String reason) {
    task.status = status;
    task.reasonForIncompletion = reason;
    task.endTime = ctx.now();
    task.updateTime = ctx.now();
    ctx.statusChanged(task);
  }
}
