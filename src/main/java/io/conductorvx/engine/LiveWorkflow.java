package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * A workflow held by its owner partition between commands: the execution, its definition index,
 * and lookups by task id and reference name kept up to date as tasks are added.
 */
final class LiveWorkflow {
  final Workflow workflow;
  final DefinitionIndex definition;
  private final Map<String, Task> byId = new HashMap<>();
  private final Map<String, Task> latestByRef = new HashMap<>();
  private final Map<String, Task> latestByBaseRef = new HashMap<>();
  private int maxSeq;
  /** Tasks whose offloaded work has not come back yet. Not stored: lost work is redone after a reload. */
  final Set<String> offloaded = new HashSet<>();
  /** Mocked worker outcomes by reference name, for test runs only (POST /workflow/test). */
  java.util.Map<String, java.util.Deque<io.conductorvx.model.WorkflowTestRequest.TaskMock>> mocks;
  /** When the decider queue expects to check this workflow next; 0 when it is not queued. */
  long queuedCheckAt;
  /** The epoch of the partition lease this copy was loaded under (cluster); its writes are fenced with it. */
  long epoch;

  // What incremental decisions rely on (see Decider#decide); trusted only while settled is true.
  /** The last decision ran to the end: every pending task not in pendingSystemTasks waits on a worker or a timer. */
  boolean settled;
  /** Pending tasks that are not worker tasks, as of the last decision: they are evaluated on every decision. */
  List<Task> pendingSystemTasks = List.of();
  /** No timer of this workflow is due before this time (epoch ms). May be earlier than the truth, never later. */
  long timerFloor;
  /** Every task before this index of tasks() is done (retried, executed or skipped). */
  int doneCursor;

  LiveWorkflow(Workflow workflow) {
    this.workflow = workflow;
    this.definition = workflow.workflowDefinition.sharedIndex instanceof DefinitionIndex shared
        && shared.definition() == workflow.workflowDefinition ? shared : new DefinitionIndex(workflow.workflowDefinition);
    workflow.tasks.forEach(this::index);
  }

  private void index(Task t) {
    byId.put(t.taskId, t);
    maxSeq = Math.max(maxSeq, t.seq);
    Task prev = latestByRef.get(t.referenceTaskName);
    if (prev == null || prev.seq <= t.seq) {
      latestByRef.put(t.referenceTaskName, t);
    }
    String base = DefinitionIndex.baseRef(t.referenceTaskName);
    Task prevBase = latestByBaseRef.get(base);
    if (prevBase == null || prevBase.seq <= t.seq) {
      latestByBaseRef.put(base, t);
    }
  }

  String id() {
    return workflow.workflowId;
  }

  List<Task> tasks() {
    return workflow.tasks;
  }

  void add(Task t) {
    t.seq = ++maxSeq;
    workflow.tasks.add(t);
    index(t);
  }

  Task task(String taskId) {
    return byId.get(taskId);
  }

  /** The latest attempt of exactly that reference name (iteration suffix included). */
  Task latest(String referenceName) {
    return latestByRef.get(referenceName);
  }

  /** The latest attempt of the latest iteration of a reference name without suffix, for ${...}. */
  Task latestForResolution(String baseRef) {
    Task t = latestByBaseRef.get(baseRef);
    return t != null ? t : latestByRef.get(baseRef);
  }

  /** Deletes one task; the ref lookups fall back to the latest remaining attempt. */
  void remove(Task t) {
    unsettle();
    workflow.tasks.remove(t);
    byId.remove(t.taskId);
    latestByRef.remove(t.referenceTaskName, t);
    latestByBaseRef.remove(DefinitionIndex.baseRef(t.referenceTaskName), t);
    for (Task other : workflow.tasks) {
      if (other.referenceTaskName.equals(t.referenceTaskName)
          || DefinitionIndex.baseRef(other.referenceTaskName).equals(DefinitionIndex.baseRef(t.referenceTaskName))) {
        index(other);
      }
    }
  }

  /** Positions in the task list moved: the next decision looks at every task again. */
  private void unsettle() {
    settled = false;
    doneCursor = 0;
  }

  /** Drops every task; used by restart and rerun, which rebuild the task list. */
  void clearTasks() {
    unsettle();
    workflow.tasks.clear();
    byId.clear();
    latestByRef.clear();
    latestByBaseRef.clear();
    maxSeq = 0;
  }
}
