package io.conductorvx.tasks;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SET_VARIABLE: every key of the resolved input is written into {@code workflow.variables}. If the
 * variables would exceed 256 KB as JSON nothing changes and the task fails terminally.
 */
public final class SetVariableTask implements TaskType {
  /** Conductor's maxWorkflowVariablesPayloadSizeThreshold. */
  static final long MAX_VARIABLES_BYTES = 256 * 1024;

  @Override
  public String type() {
    return "SET_VARIABLE";
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    Map<String, Object> variables = ctx.workflow().variables == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(ctx.workflow().variables);
    variables.putAll(task.inputData);
    long size = Json.toBytes(variables).length;
    if (size > MAX_VARIABLES_BYTES) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, "The variables payload size: " + size
          + " bytes of workflow " + task.workflowInstanceId + " is greater than the permissible limit: "
          + MAX_VARIABLES_BYTES + " bytes");
      return;
    }
    ctx.workflow().variables = variables; // a new map: the old one stays intact if anything above failed
    ctx.workflowChanged();
    SystemTaskSupport.complete(ctx, task, null);
  }
}
