package io.conductorvx.validation;

import io.conductorvx.model.WorkflowTask;
import java.util.List;

/**
 * A task of the definition tree as the validator sees it: the task, the JSON path it was read from,
 * the list that holds it with its position (what follows it), what owns that list, and the
 * DO_WHILE tasks it sits in.
 */
record Node(WorkflowTask task, String path, List<WorkflowTask> siblings, int index, Node owner, Container container,
    List<String> enclosingLoops) {

  /** What kind of list a task sits in; it decides what follows the last task of a list. */
  enum Container { TOP, CASE, FORK_BRANCH, LOOP }

  String ref() {
    return task.taskReferenceName;
  }

  /** How messages name the task: its reference name, else its name, else its path. */
  String label() {
    if (task.taskReferenceName != null && !task.taskReferenceName.isBlank()) {
      return "'" + task.taskReferenceName + "'";
    }
    return task.name != null && !task.name.isBlank() ? "'" + task.name + "'" : "at " + path;
  }

  /**
   * The task that runs after this one completes, as the engine finds it: the next in the same
   * list; after the last task of a case, the task after the SWITCH; nothing after the last task of
   * a fork branch, loop body or the workflow.
   */
  WorkflowTask next() {
    if (index + 1 < siblings.size()) {
      return siblings.get(index + 1);
    }
    return container == Container.CASE && owner != null ? owner.next() : null;
  }
}
