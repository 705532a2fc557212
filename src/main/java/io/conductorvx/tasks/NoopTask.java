package io.conductorvx.tasks;

import io.conductorvx.model.Task;

/** NOOP: completes at once, with no output. */
public final class NoopTask implements TaskType {
  @Override
  public String type() {
    return "NOOP";
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    SystemTaskSupport.complete(ctx, task, null);
  }
}
