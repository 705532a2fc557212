package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowTask;
import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Function;

/**
 * What a system task may see and do while its workflow is being decided. Everything here runs on
 * the workflow's owner, synchronously; anything slow or blocking goes through {@link #offload}.
 */
public interface TaskContext {
  Workflow workflow();

  long now();

  /** Resolves {@code ${...}} expressions against the workflow's current state. */
  Object resolve(Object value, String taskId);

  /** The latest attempt of the task with exactly that reference name (suffix included), or null. */
  Task taskByRef(String referenceName);

  /** Records that the task changed, so it is saved. */
  void changed(Task task);

  /** Records that the task's status changed, so it is saved and published. */
  void statusChanged(Task task);

  /** Records that the workflow itself (variables, output…) changed. */
  void workflowChanged();

  /**
   * Schedules a definition node in loop iteration {@code iteration} (0 outside loops), as the
   * decider would; a reference that already has a task is not created again.
   * @return the new task, or null when it already existed
   */
  Task schedule(WorkflowTask node, int iteration);

  /** The node that follows {@code node} in the definition (null at the end of a branch or loop body). */
  WorkflowTask nextNode(WorkflowTask node);

  /** The registered task definition of that name, or null. */
  io.conductorvx.model.TaskDef taskDef(String name);

  /** Deletes a task from the execution (DO_WHILE keepLastN). */
  void removeTask(Task task);

  /** Ends the workflow with that status, as a TERMINATE task does. */
  void endWorkflow(WorkflowStatus status, String reason, Map<String, Object> output);

  /**
   * Runs {@code work} after this decision's changes are saved, off the decision. Its result (or
   * failure) comes back to {@link TaskType#resume} on the owner. At most one piece of work is in
   * flight per task: a second call while one runs is ignored and answers false.
   */
  boolean offload(Task task, Function<TaskServices, Future<Object>> work);

  /** True while offloaded work of that task has not come back. */
  boolean isOffloaded(Task task);
}
