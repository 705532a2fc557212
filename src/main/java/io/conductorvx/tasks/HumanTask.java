package io.conductorvx.tasks;

import io.conductorvx.model.Task;

/**
 * HUMAN: goes IN_PROGRESS and waits, without expiry, for someone to update it (task update,
 * update by reference, signal). Timeouts apply only if a TaskDef with its name is registered.
 */
public final class HumanTask implements TaskType {
  public static final String TYPE = "HUMAN";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    SystemTasks.inProgress(ctx, task);
  }
}
