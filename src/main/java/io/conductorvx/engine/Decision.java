package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.tasks.TaskContext;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.tasks.TaskServices;
import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Function;

/** One command's view of a live workflow: its state, the time, and the changes made so far. */
final class Decision implements TaskContext {
  final LiveWorkflow live;
  final Changes changes = new Changes();
  private final long now;
  private final Decider decider;
  /**
   * Set by commands that change nothing but the tasks they record as changed (a worker's update, a
   * claim): their decision may visit just those tasks and the pending system tasks.
   */
  boolean incremental;
  /** Set by a command that changed recorded tasks and nothing of the workflow itself (a claim): only the tasks are saved. */
  boolean tasksOnly;
  /** Whether the last decision of this workflow ran to the end; the live flag is cleared while this one runs. */
  final boolean wasSettled;
  /** Whether the running decision visits every pending task; fixed when it starts. */
  boolean fullScan = true;

  Decision(LiveWorkflow live, long now, Decider decider) {
    this.live = live;
    this.now = now;
    this.decider = decider;
    this.wasSettled = live.settled;
    live.settled = false;
  }

  /** For a command that changed only recorded tasks and made no decision: the last decision's view still holds. */
  void keepSettled() {
    live.settled = wasSettled;
  }

  @Override
  public Workflow workflow() {
    return live.workflow;
  }

  @Override
  public long now() {
    return now;
  }

  @Override
  public Object resolve(Object value, String taskId) {
    return decider.resolver().resolveValue(value, ResolutionContext.of(live.workflow, live::latestForResolution), taskId);
  }

  @Override
  public Task taskByRef(String referenceName) {
    return live.latest(referenceName);
  }

  @Override
  public void changed(Task task) {
    changes.task(task);
  }

  @Override
  public void workflowChanged() {
    changes.workflow = true;
  }

  @Override
  public void endWorkflow(WorkflowStatus status, String reason, Map<String, Object> output) {
    decider.endWorkflow(this, status, reason, output, status != WorkflowStatus.COMPLETED, null);
  }

  @Override
  public void statusChanged(Task task) {
    changes.task(task);
    changes.statusChanges.add(task);
  }

  @Override
  public WorkflowTask nextNode(WorkflowTask node) {
    return live.definition.next(node);
  }

  @Override
  public io.conductorvx.model.TaskDef taskDef(String name) {
    return decider.taskDefs().get(name);
  }

  @Override
  public void removeTask(Task task) {
    live.remove(task);
    changes.tasks.remove(task);
    changes.removedTaskIds.add(task.taskId);
  }

  @Override
  public Task schedule(WorkflowTask node, int iteration) {
    return decider.schedule(this, node, iteration);
  }

  @Override
  public boolean offload(Task task, Function<TaskServices, Future<Object>> work) {
    if (!live.offloaded.add(task.taskId)) {
      return false;
    }
    changes.offloads.add(new Changes.Offload(task.taskId, work));
    return true;
  }

  @Override
  public boolean isOffloaded(Task task) {
    return live.offloaded.contains(task.taskId);
  }
}
