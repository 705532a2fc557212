package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * TERMINATE: ends the workflow with {@code terminationStatus} (COMPLETED, FAILED or TERMINATED),
 * {@code terminationReason} and {@code workflowOutput} as the workflow's output; every other
 * unfinished task is canceled. Nothing follows it in the definition.
 */
public final class TerminateTask implements TaskType {
  private static final Set<String> STATUSES = Set.of("COMPLETED", "FAILED", "TERMINATED");

  @Override
  public String type() {
    return "TERMINATE";
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    Object status = task.inputData.get("terminationStatus");
    if (!(status instanceof String s) || !STATUSES.contains(s)) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, "terminationStatus must be one of COMPLETED, FAILED, TERMINATED; got: " + status);
      return;
    }
    Object reason = task.inputData.get("terminationReason");
    String why = reason == null || reason.toString().isBlank()
        ? "Workflow is " + s + " by TERMINATE task: " + task.taskId : reason.toString();
    SystemTaskSupport.complete(ctx, task, output(task.inputData.get("workflowOutput")));
    ctx.endWorkflow(WorkflowStatus.valueOf(s), why, new LinkedHashMap<>(task.outputData));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> output(Object workflowOutput) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (workflowOutput instanceof Map<?, ?> map) {
      out.putAll((Map<String, Object>) map);
    } else if (workflowOutput != null) {
      out.put("output", workflowOutput);
    }
    return out;
  }
}
