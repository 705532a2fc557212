package io.conductorvx.tasks;

import io.conductorvx.model.Task;

/**
 * The behaviour of one kind of task. Worker tasks are queued for workers; system tasks run inside
 * the server, on the owner of their workflow, through {@link #start} and {@link #evaluate}.
 */
public interface TaskType {
  /** The {@code type} string of definitions that use it (SIMPLE, SWITCH, JOIN…). */
  String type();

  /** True for tasks executed by workers that poll a queue. */
  default boolean isWorkerTask() {
    return false;
  }

  /** Control-flow tasks are never retried, whatever their definition says. */
  default boolean isRetriable() {
    return true;
  }

  /** Runs once, right after a system task was scheduled. May complete it at once. */
  default void start(TaskContext ctx, Task task) {}

  /**
   * Re-examines a system task that is not terminal yet, on every decision. Returns true if it
   * changed the task (the decider then evaluates the workflow once more).
   */
  default boolean evaluate(TaskContext ctx, Task task) {
    return false;
  }

  /** Called when the task is canceled because its workflow ended. */
  default void cancel(TaskContext ctx, Task task) {}

  /** Epoch ms at which this task wants to be evaluated again, or 0 for none. */
  default long nextCheckAt(Task task) {
    return 0;
  }
}
