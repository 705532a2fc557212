package io.conductorvx.tasks;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowTask;
import java.util.Map;

/**
 * DYNAMIC: a worker task whose name is chosen at run time by the input parameter named in
 * {@code dynamicTaskNameParam}. What gets scheduled is that worker task, under the DYNAMIC node's
 * reference name and with its input; a task of type DYNAMIC only exists when the name is missing,
 * and it fails the workflow.
 */
public final class DynamicTask implements TaskType {
  @Override
  public String type() {
    return "DYNAMIC";
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public WorkflowTask expand(TaskContext ctx, WorkflowTask node, Map<String, Object> resolvedInput) {
    String name = taskName(node, resolvedInput);
    if (name == null) {
      return node; // start() explains why
    }
    // A copy, so the definition node stays DYNAMIC for the next attempt or loop iteration.
    WorkflowTask worker = Json.MAPPER.convertValue(node, WorkflowTask.class);
    worker.type = WorkerTask.SIMPLE;
    worker.name = name;
    TaskDef registered = ctx.taskDef(name);
    worker.taskDefinition = registered != null ? registered : TaskDef.synthetic(name, true);
    return worker;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    WorkflowTask node = task.workflowTask;
    ControlFlow.failWorkflow(ctx, task, "Dynamic task " + node.taskReferenceName + ": input parameter '"
        + node.dynamicTaskNameParam + "' (dynamicTaskNameParam) must name the task to run, but it is "
        + (node.dynamicTaskNameParam == null ? "not configured" : "missing or empty"));
  }

  private static String taskName(WorkflowTask node, Map<String, Object> input) {
    if (node.dynamicTaskNameParam == null) {
      return null;
    }
    Object value = input.get(node.dynamicTaskNameParam);
    return value == null || value.toString().isBlank() ? null : value.toString();
  }
}
