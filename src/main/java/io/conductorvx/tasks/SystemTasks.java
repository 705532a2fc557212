package io.conductorvx.tasks;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Small helpers shared by the system task types. */
final class SystemTasks {
  private SystemTasks() {}

  /** Moves the task to a non-terminal status (SCHEDULED → IN_PROGRESS) and records it. */
  static void inProgress(TaskContext ctx, Task task) {
    if (task.status != TaskStatus.IN_PROGRESS) {
      task.status = TaskStatus.IN_PROGRESS;
      task.updateTime = ctx.now();
      ctx.statusChanged(task);
    }
  }

  /** The work really begins now (maybe after a start or retry delay): that is the task's start time. */
  static void started(TaskContext ctx, Task task) {
    task.startTime = ctx.now();
    ctx.changed(task);
  }

  /** Ends the task with that status; {@code reason} may be null. */
  static void finish(TaskContext ctx, Task task, TaskStatus status, String reason) {
    task.status = status;
    task.reasonForIncompletion = reason;
    task.endTime = ctx.now();
    task.updateTime = ctx.now();
    ctx.statusChanged(task);
  }

  /**
   * When an async system task may run: its start delay, or the delay of the retry it is, counted
   * from its scheduling (the decider starts system tasks at once; these types wait themselves).
   */
  static long dueAt(Task task) {
    return task.scheduledTime + Math.max(0, task.callbackAfterSeconds) * 1000;
  }

  /** {@code at} if it lies ahead, else 0: a past time would only make the sweeper re-decide for nothing. */
  static long ahead(long at) {
    return at > System.currentTimeMillis() ? at : 0;
  }

  /**
   * A workflow id derived from the starting task attempt, so starting again after a restart finds
   * the workflow the first try created instead of creating a second one. The scheduled time is
   * part of it because a rerun from this task resets it in place (same id and retry count) and
   * must start a new workflow.
   */
  static String derivedWorkflowId(String kind, Task task) {
    String name = kind + ":" + task.workflowInstanceId + ":" + task.taskId + ":" + task.retryCount + ":" + task.scheduledTime;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The message of a failure, without exception class noise where we made it ourselves. */
  static String describe(Throwable error) {
    if (error instanceof ConductorException ce && !ce.validationErrors().isEmpty()) {
      // a child's inline definition that breaks the rules: say which, not only that it does
      StringBuilder out = new StringBuilder("Invalid workflow definition:");
      ce.validationErrors().forEach(v -> out.append(' ').append(v.path()).append(": ").append(v.message()).append(';'));
      return out.substring(0, out.length() - 1);
    }
    if (error instanceof ConductorException || error instanceof IllegalArgumentException) {
      return error.getMessage();
    }
    String msg = error.getMessage();
    return msg == null || msg.isBlank() ? error.getClass().getSimpleName() : msg;
  }

  /** True when the failure is worth trying again later (a backend was unavailable). */
  static boolean isTransient(Throwable error) {
    return error instanceof ConductorException ce && ce.retryable();
  }

  /** An integer from a number or a numeric string; {@code fallback} for null or blank. */
  static Integer toInteger(Object value, Integer fallback, String what) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return fallback;
    }
    if (value instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException(what + " must be a whole number, got " + value);
      }
      return n.intValue();
    }
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number, got '" + value + "'");
    }
  }
}
