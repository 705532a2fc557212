package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowTask;
import java.util.List;
import java.util.Map;

/**
 * What SWITCH and DECISION share: a case value computed from the task input, either at once (an
 * input parameter) or by a script run off the decision; then the matching case list (else the
 * default) starts with its first task, in the SWITCH's own loop iteration.
 */
abstract class CaseSelectingTask implements TaskType {
  static final String HAS_CHILDREN = "hasChildren";

  /** The script that computes the case, or null when {@link #caseParameter} gives it. */
  abstract String caseScript(WorkflowTask node);

  /** The input parameter holding the case value; used when there is no script. */
  abstract String caseParameter(WorkflowTask node);

  /** Why the node cannot be evaluated (bad evaluator type…), or null. */
  String invalid(WorkflowTask node) {
    return null;
  }

  /** The output recording the chosen case. */
  abstract Map<String, Object> output(String caseValue);

  @Override
  public final boolean isRetriable() {
    return false;
  }

  @Override
  public final void start(TaskContext ctx, Task task) {
    String problem = invalid(task.workflowTask);
    if (problem != null) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, problem);
      return;
    }
    String script = caseScript(task.workflowTask);
    if (script == null) {
      select(ctx, task, task.inputData.get(caseParameter(task.workflowTask)));
    } else {
      SystemTaskSupport.inProgress(ctx, task);
      SystemTaskSupport.offloadScript(ctx, task, script, task.inputData);
    }
  }

  @Override
  public final boolean evaluate(TaskContext ctx, Task task) {
    String script = caseScript(task.workflowTask);
    if (script != null && task.status == TaskStatus.IN_PROGRESS && !ctx.isOffloaded(task)) {
      SystemTaskSupport.offloadScript(ctx, task, script, task.inputData); // lost in a restart
    }
    return false;
  }

  @Override
  public final void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, "Error while evaluating script expression: "
          + SystemTaskSupport.message(error));
    } else {
      select(ctx, task, result);
    }
  }

  /** Completes the task first, then starts the chosen list, which may itself end the workflow. */
  private void select(TaskContext ctx, Task task, Object value) {
    String caseValue = String.valueOf(value);
    WorkflowTask node = task.workflowTask;
    List<WorkflowTask> chosen = node.decisionCases.get(caseValue);
    if (chosen == null || chosen.isEmpty()) {
      chosen = node.defaultCase;
    }
    task.inputData.put("case", caseValue);
    if (!chosen.isEmpty()) {
      task.inputData.put(HAS_CHILDREN, "true");
    }
    SystemTaskSupport.complete(ctx, task, output(caseValue));
    if (!chosen.isEmpty()) {
      ctx.schedule(chosen.get(0), task.iteration);
    }
  }

  /** A task that started a case list continues at the end of that list, not after itself. */
  @Override
  public final boolean continuesToNext(Task task) {
    return !"true".equals(String.valueOf(task.inputData.get(HAS_CHILDREN)));
  }
}
