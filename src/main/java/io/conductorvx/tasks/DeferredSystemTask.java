package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;

/**
 * A system task whose work is handed off once it is due (after its start or retry delay), and
 * handed off again when a restart lost it: while SCHEDULED and not offloaded, it is not started.
 */
abstract class DeferredSystemTask implements TaskType {
  /** Hands the task's work off (or finishes it at once when it cannot start). */
  protected abstract void launch(TaskContext ctx, Task task);

  @Override
  public void start(TaskContext ctx, Task task) {
    if (ctx.now() >= SystemTasks.dueAt(task)) {
      launch(ctx, task);
    }
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status == TaskStatus.SCHEDULED && !ctx.isOffloaded(task) && ctx.now() >= SystemTasks.dueAt(task)) {
      launch(ctx, task);
      return task.isTerminal();
    }
    return false;
  }

  @Override
  public long nextCheckAt(Task task) {
    return task.status == TaskStatus.SCHEDULED ? SystemTasks.ahead(SystemTasks.dueAt(task)) : 0;
  }
}
