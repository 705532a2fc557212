package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * EXCLUSIVE_JOIN: joins the one path that actually ran, typically after a SWITCH whose cases each
 * end in a different task. The first {@code joinOn} ref that was scheduled (and not SKIPPED) is
 * the one waited for; when none was, the first such ref of {@code defaultExclusiveJoinTask}.
 * Its output becomes the join's output; its failure fails the join.
 */
public final class ExclusiveJoinTask implements TaskType {
  @Override
  public String type() {
    return "EXCLUSIVE_JOIN";
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    task.status = TaskStatus.IN_PROGRESS;
    ctx.statusChanged(task);
    evaluate(ctx, task);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    Task joined = firstScheduled(ctx, task, task.workflowTask.joinOn);
    if (joined == null) {
      List<String> defaults = task.workflowTask.defaultExclusiveJoinTask;
      if (defaults == null || defaults.isEmpty()) {
        ControlFlow.finish(ctx, task, TaskStatus.COMPLETED); // nothing ran and nothing to wait for
        return true;
      }
      joined = firstScheduled(ctx, task, defaults);
    }
    if (!JoinTask.isDone(joined)) {
      return false;
    }
    if (joined.status.isSuccessful()) {
      task.outputData = joined.outputData == null ? new LinkedHashMap<>() : new LinkedHashMap<>(joined.outputData);
      ControlFlow.finish(ctx, task, TaskStatus.COMPLETED);
    } else {
      task.reasonForIncompletion = "Task " + joined.referenceTaskName + " ended " + joined.status
          + (joined.reasonForIncompletion != null ? ": " + joined.reasonForIncompletion : "");
      ControlFlow.finish(ctx, task, TaskStatus.FAILED);
    }
    return true;
  }

  /** The first of {@code refs} (in the join's iteration) that has a task other than a SKIPPED one. */
  private static Task firstScheduled(TaskContext ctx, Task join, List<String> refs) {
    for (String ref : refs) {
      Task t = ctx.taskByRef(ControlFlow.inIteration(ref, join));
      if (t != null && t.status != TaskStatus.SKIPPED) {
        return t;
      }
    }
    return null;
  }
}
