package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
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
        Decider.enqueue(d, task, task.callbackAfterSeconds * 1000);
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
  Command.Claim claim(Decision d, String taskId, String workerId) {
    Task task = d.live.task(taskId);
    if (task == null || task.isTerminal() || d.workflow().status.isTerminal() || task.retried) {
      return new Command.Claim(Command.Claim.Outcome.DROP, null);
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
    return new Command.Claim(Command.Claim.Outcome.CLAIMED, Json.toBytes(task));
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

  /** Hands offloaded work's outcome to its task, then decides. Late outcomes are dropped. */
  void workDone(Decision d, Command.TaskWorkDone done) {
    d.live.offloaded.remove(done.taskId());
    Task task = d.live.task(done.taskId());
    if (task == null || task.isTerminal() || task.retried || d.workflow().status.isTerminal()) {
      return;
    }
    decider.types().of(task.workflowTask.type).resume(d, task, done.result(), done.error());
    decider.decide(d);
  }
}
