package io.conductorvx.tasks;

import io.conductorvx.model.Task;

/**
 * The behaviour of one kind of task. Worker tasks are queued for workers; system tasks run inside
 * the server, on the owner of their workflow, through {@link #start}, {@link #evaluate} and, for
 * work done off the decision (scripts, HTTP calls, child workflows), {@link #resume}.
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

  /**
   * The node actually scheduled for {@code node}, given its resolved input. DYNAMIC answers the
   * worker task it names; every other type the node itself.
   */
  default io.conductorvx.model.WorkflowTask expand(TaskContext ctx, io.conductorvx.model.WorkflowTask node,
      java.util.Map<String, Object> resolvedInput) {
    return node;
  }

  /** Runs once, right after a system task was scheduled. May complete it at once. */
  default void start(TaskContext ctx, Task task) {}

  /**
   * Re-examines a system task that is not terminal yet, on every decision. Returns true if it
   * changed the task (the decider then evaluates the workflow once more). After a restart this is
   * also where a task whose offloaded work was lost hands it off again.
   */
  default boolean evaluate(TaskContext ctx, Task task) {
    return false;
  }

  /**
   * Receives the outcome of work handed off with {@link TaskContext#offload}; {@code error} is set
   * when it failed. Not called when the task became terminal meanwhile.
   */
  default void resume(TaskContext ctx, Task task, Object result, Throwable error) {}

  /**
   * Receives the outcome of offloaded work that came back after its task (or its workflow) had
   * already ended, so the type can undo what is no longer wanted, e.g. terminate a child workflow
   * that was started while the parent was being terminated. Nothing is decided after it.
   */
  default void discarded(TaskContext ctx, Task task, Object result, Throwable error) {}

  /** Called when the task is canceled because its workflow ended. */
  default void cancel(TaskContext ctx, Task task) {}

  /**
   * False when the completed task already led the flow into a branch of its own (a SWITCH that
   * scheduled a case), so the decider must not schedule the task that follows it.
   */
  default boolean continuesToNext(Task task) {
    return true;
  }

  /** Epoch ms at which this task wants to be evaluated again, or 0 for none. */
  default long nextCheckAt(Task task) {
    return 0;
  }
}
