package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import java.util.Map;

/** What a system task may see and do while its workflow is being decided. */
public interface TaskContext {
  Workflow workflow();

  long now();

  /** Resolves {@code ${...}} expressions against the workflow's current state. */
  Object resolve(Object value, String taskId);

  /** The latest attempt of the task with that reference name, or null. */
  Task taskByRef(String referenceName);

  /** Records that the task changed, so it is saved and published. */
  void changed(Task task);

  /** Records that the workflow itself (variables, output…) changed. */
  void workflowChanged();

  /** Ends the workflow with that status, from a task such as TERMINATE. */
  void endWorkflow(io.conductorvx.model.WorkflowStatus status, String reason, Map<String, Object> output);
}
