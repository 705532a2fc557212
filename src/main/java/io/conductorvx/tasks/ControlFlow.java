package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowTask;

/** Small steps shared by the fork, join and dynamic task types. */
final class ControlFlow {
  static final String FORK = "FORK";
  static final String JOIN = "JOIN";

  private ControlFlow() {}

  /** Ends the task with a terminal status. */
  static void finish(TaskContext ctx, Task task, TaskStatus status) {
    task.status = status;
    task.endTime = ctx.now();
    task.updateTime = ctx.now();
    ctx.statusChanged(task);
  }

  /**
   * A definition or input the engine cannot run: the task fails with the reason and the workflow
   * fails with it too (Conductor's TerminateWorkflowException, whose default status is FAILED).
   */
  static void failWorkflow(TaskContext ctx, Task task, String reason) {
    task.reasonForIncompletion = reason;
    finish(ctx, task, TaskStatus.FAILED);
    ctx.endWorkflow(WorkflowStatus.FAILED, reason, null);
  }

  /** The JOIN node that must follow a fork, or null after failing the workflow when there is none. */
  static WorkflowTask joinAfter(TaskContext ctx, Task fork) {
    WorkflowTask next = ctx.nextNode(fork.workflowTask);
    if (next == null || !JOIN.equals(next.type)) {
      failWorkflow(ctx, fork, "Fork task definition is not followed by a join task");
      return null;
    }
    return next;
  }

  /** The reference name of {@code ref} in the loop iteration of {@code task} (suffix {@code __N} inside loops). */
  static String inIteration(String ref, Task task) {
    return task.iteration > 0 ? ref + "__" + task.iteration : ref;
  }
}
