package io.conductorvx.tasks;

import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * START_WORKFLOW: starts another workflow and completes with its id, fire and forget: the new
 * workflow is not a child (no parent link), it only inherits correlationId and taskToDomain when
 * the request names none. Its id is derived from this task attempt, so a start repeated after a
 * restart does not start a second workflow.
 */
public final class StartWorkflowTask extends DeferredSystemTask {
  public static final String TYPE = "START_WORKFLOW";
  static final String INPUT_KEY = "startWorkflow";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  protected void launch(TaskContext ctx, Task task) {
    StartWorkflowRequest request;
    try {
      request = request(ctx.workflow(), task.inputData.get(INPUT_KEY));
    } catch (IllegalArgumentException e) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, e.getMessage());
      return;
    }
    String id = SystemTasks.derivedWorkflowId("startworkflow", task);
    SystemTasks.started(ctx, task);
    ctx.offload(task, services -> services.engine().startWorkflow(request, id, null, null, null).map(started -> (Object) started));
  }

  private static StartWorkflowRequest request(Workflow current, Object raw) {
    if (!(raw instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("Input '" + INPUT_KEY + "' must be a StartWorkflowRequest object, got: " + raw);
    }
    StartWorkflowRequest request;
    try {
      request = Json.MAPPER.convertValue(Json.copyMap(map), StartWorkflowRequest.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Input '" + INPUT_KEY + "' is not a valid StartWorkflowRequest: " + e.getMessage());
    }
    if ((request.name == null || request.name.isBlank()) && request.workflowDef == null) {
      throw new IllegalArgumentException("Input '" + INPUT_KEY + "' names no workflow: 'name' is required");
    }
    if (request.input == null) {
      request.input = new LinkedHashMap<>();
    }
    if (request.correlationId == null) {
      request.correlationId = current.correlationId;
    }
    if ((request.taskToDomain == null || request.taskToDomain.isEmpty()) && current.taskToDomain != null) {
      request.taskToDomain = new LinkedHashMap<>(current.taskToDomain);
    }
    return request;
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, "Unable to start workflow: " + SystemTasks.describe(error));
      return;
    }
    task.outputData.put("workflowId", result);
    SystemTasks.finish(ctx, task, TaskStatus.COMPLETED, null);
  }
}
