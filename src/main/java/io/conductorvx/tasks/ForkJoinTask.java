package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowTask;
import java.util.List;

/**
 * FORK_JOIN: a task of type FORK that completes at once and starts every branch together with the
 * JOIN that follows it, so the JOIN exists (and can be waited on) from the first moment.
 */
public final class ForkJoinTask implements TaskType {
  @Override
  public String type() {
    return "FORK_JOIN";
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    task.taskType = ControlFlow.FORK;
    WorkflowTask join = ControlFlow.joinAfter(ctx, task);
    if (join == null) {
      return;
    }
    ControlFlow.finish(ctx, task, TaskStatus.COMPLETED);
    for (List<WorkflowTask> branch : task.workflowTask.forkTasks) {
      if (!branch.isEmpty()) {
        ctx.schedule(branch.get(0), task.iteration);
      }
      if (ctx.workflow().status.isTerminal()) {
        return; // a branch head ended the workflow (a TERMINATE, a bad nested fork)
      }
    }
    ctx.schedule(join, task.iteration);
  }
}
