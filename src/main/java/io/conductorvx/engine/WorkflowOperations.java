package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.store.TaskDocument;
import io.conductorvx.tasks.TaskType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each command does to a live workflow. Runs on the owner partition only, synchronously: it
 * changes the state and records the changes; the partition then saves them.
 */
final class WorkflowOperations {
  private final Decider decider;

  WorkflowOperations(Decider decider) {
    this.decider = decider;
  }

  void start(Decision d) {
    d.changes.workflow = true;
    d.changes.workflowStatusChanged = true;
    decider.decide(d);
  }

  Command.TaskUpdated updateTask(Decision d, TaskResult result) {
    Task task = d.live.task(result.taskId);
    if (task == null) {
      throw ConductorException.notFound("No such task found by id: " + result.taskId);
    }
    Workflow wf = d.workflow();
    d.incremental = true; // a worker's update changes only its task (and what the decision then does)
    d.keepSettled();
    if (result.extendLease) {
      if (!task.isTerminal()) {
        task.updateTime = d.now();
        d.changed(task);
      }
      return updated(task);
    }
    if (task.isTerminal() || wf.status.isTerminal()) {
      return updated(task); // late or duplicate update: accepted and ignored, as Conductor does
    }
    if (result.status == null) {
      throw ConductorException.badRequest("TaskResult status cannot be null");
    }
    TaskType type = decider.types().of(task.workflowTask.type);
    boolean wasQueued = task.status == TaskStatus.SCHEDULED;
    task.outputData = result.outputData == null ? new LinkedHashMap<>() : result.outputData;
    if (result.reasonForIncompletion != null) {
      task.reasonForIncompletion = result.reasonForIncompletion;
    }
    if (result.workerId != null) {
      task.workerId = result.workerId;
    }
    if (result.subWorkflowId != null) {
      task.subWorkflowId = result.subWorkflowId;
    }
    if (result.externalOutputPayloadStoragePath != null) {
      task.externalOutputPayloadStoragePath = result.externalOutputPayloadStoragePath;
    }
    task.updateTime = d.now();
    if (result.status == TaskResult.Status.IN_PROGRESS) {
      if (type.isWorkerTask()) {
        // a worker checking in: hand the task out again after callbackAfterSeconds
        task.status = TaskStatus.SCHEDULED;
        task.callbackAfterSeconds = Math.max(0, result.callbackAfterSeconds);
        Decider.enqueue(d, task, Durations.ms(task.callbackAfterSeconds));
        d.statusChanged(task);
      } else {
        task.status = TaskStatus.IN_PROGRESS;
        d.changed(task);
      }
      return updated(task);
    }
    task.status = result.status.toTaskStatus();
    task.endTime = d.now();
    if (task.startTime == 0) {
      task.startTime = d.now();
    }
    if (wasQueued && type.isWorkerTask()) {
      Decider.dequeue(d, task);
    }
    d.statusChanged(task);
    decider.decide(d);
    return updated(task);
  }

  private static Command.TaskUpdated updated(Task task) {
    return new Command.TaskUpdated(task.taskId, task.taskType, task.domain, task.isTerminal());
  }

  /** Finds the first pending task with that reference (loop suffix optional) and updates it. */
  String updateTaskByRef(Decision d, Command.UpdateTaskByRef cmd) {
    Task target = null;
    for (Task t : d.live.tasks()) {
      if (!t.retried && !t.isTerminal() && (t.referenceTaskName.equals(cmd.referenceName())
          || DefinitionIndex.baseRef(t.referenceTaskName).equals(cmd.referenceName()))) {
        target = t;
        break;
      }
    }
    if (target == null) {
      return null;
    }
    TaskResult result = new TaskResult();
    result.workflowInstanceId = d.workflow().workflowId;
    result.taskId = target.taskId;
    result.status = cmd.status();
    result.workerId = cmd.workerId();
    Map<String, Object> output = new LinkedHashMap<>(target.outputData);
    if (cmd.output() != null) {
      output.putAll(cmd.output());
    }
    result.outputData = output;
    updateTask(d, result);
    return target.taskId;
  }

  /** Hands a popped task to a worker: IN_PROGRESS, with the poll recorded. */
  Command.Claim claim(Decision d, String taskId, String workerId, ExecutionLimits limits) {
    return claim(d, taskId, workerId, limits, 0);
  }

  /**
   * @param reclaimGuardMs a task claimed less than this long ago is not handed out again (0: it is,
   *     Conductor's redelivery). In a cluster a claim may reach the owner late (forwarded while its
   *     partition moved), after the queue message's lease ran out and another poll took it again:
   *     without the guard both polls would hand out the same task. A task whose hand-out was lost
   *     then waits for its response timeout instead.
   */
  Command.Claim claim(Decision d, String taskId, String workerId, ExecutionLimits limits, long reclaimGuardMs) {
    d.incremental = true;
    d.keepSettled();
    Task task = d.live.task(taskId);
    if (task == null || task.isTerminal() || d.workflow().status.isTerminal() || task.retried) {
      return new Command.Claim(Command.Claim.Outcome.DROP, null);
    }
    if (reclaimGuardMs > 0 && task.status == TaskStatus.IN_PROGRESS && d.now() - task.updateTime < reclaimGuardMs) {
      return new Command.Claim(Command.Claim.Outcome.DROP, null);
    }
    if (!limits.tryAcquire(task, d.now())) {
      return new Command.Claim(Command.Claim.Outcome.POSTPONE, null);
    }
    task.status = TaskStatus.IN_PROGRESS;
    if (task.startTime == 0) {
      task.startTime = d.now();
    }
    if (task.firstStartTime == 0) {
      task.firstStartTime = d.now();
    }
    task.callbackAfterSeconds = 0;
    task.workerId = workerId;
    task.pollCount++;
    task.updateTime = d.now();
    d.statusChanged(task);
    d.tasksOnly = true; // as Conductor, a poll changes the task, not the workflow (nor its updateTime)
    // one encoding for both the save that follows and the poll's answer
    byte[] document = TaskDocument.encodeForSave(task);
    return new Command.Claim(Command.Claim.Outcome.CLAIMED, TaskDocument.withComputedFields(task, document));
  }

  void pause(Decision d) {
    Workflow wf = d.workflow();
    if (wf.status.isTerminal()) {
      throw ConductorException.conflict("Workflow " + wf.workflowId + " has ended (" + wf.status + ") and cannot be paused");
    }
    if (wf.status == WorkflowStatus.PAUSED) {
      return;
    }
    wf.status = WorkflowStatus.PAUSED;
    wf.updateTime = d.now();
    d.changes.workflow = true;
    d.changes.workflowStatusChanged = true;
  }

  void resume(Decision d) {
    Workflow wf = d.workflow();
    if (wf.status != WorkflowStatus.PAUSED) {
      throw ConductorException.conflict("Workflow " + wf.workflowId + " is " + wf.status + ", not PAUSED; only a paused workflow can be resumed");
    }
    wf.status = WorkflowStatus.RUNNING;
    wf.lastRetriedTime = d.now();
    wf.updateTime = d.now();
    d.changes.workflow = true;
    d.changes.workflowStatusChanged = true;
    decider.decide(d);
  }

  void terminate(Decision d, String reason) {
    Workflow wf = d.workflow();
    if (wf.status == WorkflowStatus.COMPLETED) {
      throw ConductorException.conflict("Cannot terminate a COMPLETED workflow " + wf.workflowId);
    }
    if (wf.status == WorkflowStatus.TERMINATED) {
      return;
    }
    decider.endWorkflow(d, WorkflowStatus.TERMINATED, reason == null ? "" : reason, null, false, null);
  }

  void decide(Decision d) {
    decider.decide(d);
  }

  // ---- operator actions on finished workflows ----

  /**
   * Retries the latest failed, timed-out or canceled attempt of every reference. Control-flow
   * tasks (JOIN, DO_WHILE…) go back to IN_PROGRESS instead of getting a new attempt.
   */
  void retry(Decision d) {
    Workflow wf = d.workflow();
    if (!wf.status.isTerminal()) {
      throw ConductorException.notFound("Workflow is still running: " + wf.workflowId + " is " + wf.status);
    }
    if (wf.tasks.isEmpty()) {
      throw ConductorException.conflict("Workflow has not started yet");
    }
    Map<String, Task> latest = new LinkedHashMap<>();
    for (Task t : wf.tasks) {
      if (!t.retried) {
        latest.merge(t.referenceTaskName, t, (a, b) -> a.seq >= b.seq ? a : b);
      }
    }
    java.util.List<Task> failed = new java.util.ArrayList<>();
    for (Task t : latest.values()) {
      if (t.status == TaskStatus.FAILED || t.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR
          || t.status == TaskStatus.TIMED_OUT || t.status == TaskStatus.CANCELED) {
        failed.add(t);
      }
    }
    if (failed.isEmpty() && wf.status != WorkflowStatus.TIMED_OUT) {
      throw ConductorException.conflict("There are no retryable tasks!");
    }
    reopen(d);
    for (Task t : failed) {
      if (decider.types().of(t.workflowTask.type).isRetriable()) {
        decider.newAttempt(d, t, 0, 0);
      } else {
        reopenTask(d, t);
      }
    }
    decider.decide(d);
  }

  private static void reopenTask(Decision d, Task t) {
    t.status = TaskStatus.IN_PROGRESS;
    t.executed = false;
    t.endTime = 0;
    t.reasonForIncompletion = null;
    d.statusChanged(t);
  }

  /** A finished workflow goes back to RUNNING; its parent hears of it after the save. */
  private void reopen(Decision d) {
    Workflow wf = d.workflow();
    wf.status = WorkflowStatus.RUNNING;
    wf.lastRetriedTime = d.now();
    wf.endTime = 0;
    wf.reasonForIncompletion = null;
    wf.failedReferenceTaskNames.clear();
    wf.failedTaskNames.clear();
    d.changes.workflow = true;
    d.changes.workflowStatusChanged = true;
    d.changes.reopened = true;
  }

  /** Checks that a finished workflow may be restarted or rerun from scratch. */
  static void checkRestartable(Workflow wf, boolean rerun) {
    if (!wf.status.isTerminal()) {
      throw ConductorException.conflict("Workflow " + wf.workflowId + " is " + wf.status + "; only a finished workflow can be "
          + (rerun ? "rerun" : "restarted"));
    }
    if (!rerun && wf.status == WorkflowStatus.COMPLETED && !wf.workflowDefinition.restartable) {
      throw ConductorException.notFound("Workflow " + wf.workflowId + " is COMPLETED and its definition is not restartable");
    }
  }

  /** Starts a workflow whose task list was just emptied, as a fresh execution with the same id. */
  void restart(Decision d) {
    Workflow wf = d.workflow();
    wf.createTime = d.now();
    wf.output = new LinkedHashMap<>();
    // a copy: the definition may be shared by other executions (PreparedDefinitions)
    wf.variables = Json.copyMap(wf.workflowDefinition.variables);
    reopen(d);
    wf.lastRetriedTime = 0;
    decider.decide(d);
  }

  /** Resets one task in place, drops every later task, and runs the workflow on from there. */
  void rerunFromTask(Decision d, String taskId, Map<String, Object> taskInput) {
    Workflow wf = d.workflow();
    if (!wf.status.isTerminal()) {
      throw ConductorException.conflict("Workflow " + wf.workflowId + " is " + wf.status + "; only a finished workflow can be rerun");
    }
    Task from = d.live.task(taskId);
    if (from == null) {
      throw ConductorException.badRequest("Task " + taskId + " not found");
    }
    for (Task t : new java.util.ArrayList<>(wf.tasks)) {
      if (t.seq > from.seq) {
        d.removeTask(t);
      }
    }
    reopen(d);
    wf.output = new LinkedHashMap<>();
    for (Task t : wf.tasks) {
      if (t != from && !t.retried && t.isTerminal() && !t.status.isSuccessful()) {
        reset(d, t, null);
      }
    }
    reset(d, from, taskInput);
    decider.decide(d);
  }

  private void reset(Decision d, Task t, Map<String, Object> input) {
    if (input != null) {
      t.inputData = new LinkedHashMap<>(input);
    }
    t.status = TaskStatus.SCHEDULED;
    t.outputData = new LinkedHashMap<>();
    t.retried = false;
    t.executed = false;
    t.pollCount = 0;
    t.startTime = 0;
    t.endTime = 0;
    t.scheduledTime = d.now();
    t.updateTime = d.now();
    t.callbackAfterSeconds = 0;
    t.workerId = null;
    t.reasonForIncompletion = null;
    d.statusChanged(t);
    TaskType type = decider.types().of(t.workflowTask.type);
    if (type.isWorkerTask()) {
      Decider.enqueue(d, t, 0);
    } else {
      t.startTime = d.now();
      type.start(d, t);
    }
  }

  /** Records a reference as SKIPPED before the flow reaches it; the decider steps over it. */
  void skipTask(Decision d, Command.SkipTask cmd) {
    Workflow wf = d.workflow();
    if (wf.status != WorkflowStatus.RUNNING) {
      throw ConductorException.conflict("Workflow " + wf.workflowId + " is " + wf.status + "; tasks can be skipped only while it runs");
    }
    io.conductorvx.model.WorkflowTask node = d.live.definition.node(cmd.referenceName());
    if (node == null) {
      throw ConductorException.badRequest("No task with reference name " + cmd.referenceName() + " in the workflow definition");
    }
    if (d.live.latest(cmd.referenceName()) != null) {
      throw ConductorException.conflict("Task " + cmd.referenceName() + " is already scheduled and cannot be skipped");
    }
    Task t = new Task();
    t.taskId = java.util.UUID.randomUUID().toString();
    t.referenceTaskName = cmd.referenceName();
    t.workflowTask = node;
    t.taskType = decider.types().of(node.type).isWorkerTask() && "SIMPLE".equals(node.type) ? node.name : node.type;
    t.taskDefName = node.name;
    t.status = TaskStatus.SKIPPED;
    t.workflowInstanceId = wf.workflowId;
    t.workflowType = wf.workflowDefinition.name;
    t.correlationId = wf.correlationId;
    t.scheduledTime = d.now();
    t.updateTime = d.now();
    t.inputData = cmd.taskInput() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(cmd.taskInput());
    t.outputData = cmd.taskOutput() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(cmd.taskOutput());
    d.live.add(t);
    d.statusChanged(t);
  }

  /** Makes scheduled worker tasks waiting out a callback delay pollable now. */
  void resetCallbacks(Decision d) {
    Workflow wf = d.workflow();
    if (wf.status.isTerminal()) {
      throw ConductorException.conflict("Workflow " + wf.workflowId + " has ended (" + wf.status + ")");
    }
    for (Task t : wf.tasks) {
      if (!t.retried && t.status == TaskStatus.SCHEDULED && t.callbackAfterSeconds > 0
          && decider.types().of(t.workflowTask.type).isWorkerTask()) {
        t.callbackAfterSeconds = 0;
        d.changed(t);
        Decider.enqueue(d, t, 0);
      }
    }
  }

  /** Variables are read by later tasks' inputs, so a running workflow is decided again. */
  void updateVariables(Decision d, Map<String, Object> variables) {
    Workflow wf = d.workflow();
    Map<String, Object> merged = wf.variables == null ? new LinkedHashMap<>() : new LinkedHashMap<>(wf.variables);
    merged.putAll(variables);
    wf.variables = merged;
    d.changes.workflow = true;
    if (!wf.status.isTerminal()) {
      decider.decide(d);
    }
  }

  /** The SUB_WORKFLOW task whose child was reopened runs again, and so does this workflow. */
  void childReopened(Decision d, String parentTaskId) {
    Task task = d.live.task(parentTaskId);
    if (task == null) {
      return;
    }
    if (task.isTerminal()) {
      reopenTask(d, task);
    }
    if (d.workflow().status.isTerminal()) {
      reopen(d);
    }
    decider.decide(d);
  }

  /** Hands offloaded work's outcome to its task, then decides. Late outcomes go to {@link TaskType#discarded}. */
  void workDone(Decision d, Command.TaskWorkDone done) {
    d.live.offloaded.remove(done.taskId());
    Task task = d.live.task(done.taskId());
    if (task == null) {
      return;
    }
    if (task.isTerminal() || task.retried || d.workflow().status.isTerminal()) {
      decider.types().of(task.workflowTask.type).discarded(d, task, done.result(), done.error());
      return;
    }
    decider.types().of(task.workflowTask.type).resume(d, task, done.result(), done.error());
    decider.decide(d);
  }
}
