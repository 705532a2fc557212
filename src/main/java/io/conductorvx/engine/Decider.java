package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.TimeoutPolicy;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.queue.ActiveWorkers;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.tasks.TaskType;
import io.conductorvx.tasks.TaskTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Conductor's decider: given a workflow's current state, schedule what comes next, retry or fail
 * what failed, enforce timeouts, and complete the workflow when nothing is left. Deciding twice on
 * the same state changes nothing the second time, so anyone may ask for a decision at any moment.
 * Pure logic over a {@link Decision}; the owner partition saves what it changed.
 */
final class Decider {
  /** Chains of system tasks complete within one decision; this bounds a runaway chain. */
  private static final int MAX_PASSES = 10_000;

  private final TaskTypes types;
  private final TaskDefCache taskDefs;
  private final ParameterResolver resolver;
  private final ActiveWorkers activeWorkers;
  private final long recheckMs;
  private final long activeWorkerMs;

  Decider(TaskTypes types, TaskDefCache taskDefs, ParameterResolver resolver, ActiveWorkers activeWorkers,
      long recheckSeconds, long activeWorkerSeconds) {
    this.types = types;
    this.taskDefs = taskDefs;
    this.resolver = resolver;
    this.activeWorkers = activeWorkers;
    this.recheckMs = Durations.ms(recheckSeconds);
    this.activeWorkerMs = Durations.ms(activeWorkerSeconds);
  }

  ParameterResolver resolver() {
    return resolver;
  }

  TaskTypes types() {
    return types;
  }

  TaskDefCache taskDefs() {
    return taskDefs;
  }

  /**
   * Decides until nothing more changes. A decision after a worker's update or a claim visits only
   * the tasks that command changed, the tasks it schedules and the pending system tasks, so its cost
   * follows the change, not the workflow's size (a fork of 10,000 tasks stays cheap). Every other
   * decision, and any decision once a timer may be due, scans every pending task.
   */
  void decide(Decision d) {
    LiveWorkflow live = d.live;
    d.fullScan = !d.incremental || !d.wasSettled || d.now() >= live.timerFloor;
    boolean settled = false;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      Boolean changed = decideOnce(d);
      if (changed == null || !changed) {
        settled = changed != null;
        break;
      }
    }
    live.settled = settled && !live.workflow.status.isTerminal();
    if (live.settled) {
      live.pendingSystemTasks = pendingSystemTasks(d);
    }
  }

  /**
   * One pass over the pending tasks.
   * @return true when it changed something worth another pass; false when there is nothing left to
   *     do; null when it stopped early (ended or paused workflow) and left tasks unvisited
   */
  private Boolean decideOnce(Decision d) {
    Workflow wf = d.workflow();
    if (wf.status.isTerminal()) {
      cancelNonTerminal(d);
      return null;
    }
    if (checkWorkflowTimeout(d)) {
      return true;
    }
    if (wf.status == WorkflowStatus.PAUSED) {
      return null;
    }
    boolean changed = false;
    List<Task> successorsOf = new ArrayList<>();
    if (!hasStarted(d.live)) {
      changed |= schedule(d, d.live.definition.first(), 0) != null;
      if (wf.status.isTerminal()) {
        return true; // the first task ended the workflow as it started (e.g. a FORK without its JOIN)
      }
    }
    for (Task task : d.fullScan ? pendingSnapshot(d.live) : changedAndSystemTasks(d)) {
      if (task.status == TaskStatus.SKIPPED) {
        continue; // stepped over when the flow reaches it
      }
      if (!task.isTerminal()) {
        changed |= checkTaskTimeouts(d, task);
        if (wf.status.isTerminal()) {
          return true;
        }
        TaskType type = types.of(task.workflowTask.type);
        if (!task.isTerminal() && !type.isWorkerTask()) {
          changed |= type.evaluate(d, task);
          if (wf.status.isTerminal()) {
            return true;
          }
        }
        if (!task.isTerminal()) {
          continue;
        }
      }
      if (!task.status.isSuccessful()) {
        if (retry(d, task)) {
          changed = true;
          continue;
        }
        if (task.workflowTask.optional) {
          task.status = TaskStatus.COMPLETED_WITH_ERRORS;
          d.statusChanged(task);
        } else {
          failWorkflow(d, task);
          return true;
        }
      }
      task.executed = true;
      d.changed(task);
      changed = true;
      successorsOf.add(task);
    }
    for (Task done : successorsOf) {
      if (!types.of(done.workflowTask.type).continuesToNext(done)) {
        continue;
      }
      WorkflowTask next = d.live.definition.next(done.workflowTask);
      if (next != null) {
        changed |= schedule(d, next, done.iteration) != null;
        if (wf.status.isTerminal()) {
          return true; // a task that started ended the workflow: schedule nothing more
        }
      }
    }
    if (!changed && isComplete(d)) {
      completeWorkflow(d);
    }
    return changed;
  }

  private static boolean hasStarted(LiveWorkflow live) {
    for (Task t : live.tasks()) {
      if (t.status != TaskStatus.SKIPPED) {
        return true;
      }
    }
    return false;
  }

  private static List<Task> pendingSnapshot(LiveWorkflow live) {
    List<Task> out = new ArrayList<>();
    for (Task t : live.tasks()) {
      if (!t.retried && !t.executed) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * The pending tasks an incremental decision visits, in task order: the ones this command changed
   * (the updated task, the tasks scheduled since) and the system tasks pending after the last
   * decision. The other pending tasks are worker tasks untouched since then: only a timer could
   * change them, and none is due (else the decision would be a full scan).
   */
  private static List<Task> changedAndSystemTasks(Decision d) {
    Set<Task> seen = new HashSet<>();
    List<Task> out = new ArrayList<>();
    for (Task t : d.live.pendingSystemTasks) {
      if (isPending(d.live, t) && seen.add(t)) {
        out.add(t);
      }
    }
    for (Task t : d.changes.tasks) {
      if (isPending(d.live, t) && seen.add(t)) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingInt(t -> t.seq));
    return out;
  }

  /** Not yet acted on by a decision, and still part of the workflow. */
  private static boolean isPending(LiveWorkflow live, Task t) {
    return !t.retried && !t.executed && live.task(t.taskId) == t;
  }

  /** The system tasks a settled workflow has pending, for the next incremental decision. */
  private List<Task> pendingSystemTasks(Decision d) {
    List<Task> out = new ArrayList<>();
    for (Task t : d.fullScan ? d.live.tasks() : changedAndSystemTasks(d)) {
      if (!isDone(t) && !types.of(t.workflowTask.type).isWorkerTask()) {
        out.add(t);
      }
    }
    return out.isEmpty() ? List.of() : out;
  }

  private static boolean isDone(Task t) {
    return t.retried || t.executed || t.status == TaskStatus.SKIPPED;
  }

  /**
   * True when every task is done. Tasks only become done during incremental decisions, so these
   * resume from where the last look stopped; a full scan starts again from the first task.
   */
  private static boolean isComplete(Decision d) {
    List<Task> tasks = d.live.tasks();
    if (tasks.isEmpty()) {
      return false;
    }
    int i = d.fullScan ? 0 : Math.min(d.live.doneCursor, tasks.size());
    while (i < tasks.size() && isDone(tasks.get(i))) {
      i++;
    }
    d.live.doneCursor = i;
    return i == tasks.size();
  }

  // ---- scheduling ----

  /**
   * Schedules the node (in loop iteration {@code iteration}, 0 outside loops). A reference that
   * already has a task is not created again; a pre-skipped one is stepped over.
   * @return the task created (or the skipped one stepped over), null when nothing changed
   */
  Task schedule(Decision d, WorkflowTask node, int iteration) {
    String ref = iteration > 0 ? node.taskReferenceName + "__" + iteration : node.taskReferenceName;
    Task existing = d.live.latest(ref);
    if (existing != null) {
      if (existing.status == TaskStatus.SKIPPED && !existing.executed) {
        existing.executed = true;
        d.changed(existing);
        WorkflowTask next = d.live.definition.next(node);
        if (next != null) {
          schedule(d, next, iteration);
        }
        return existing;
      }
      return null;
    }
    TaskType type = types.of(node.type);
    Task task = newTask(d, node, ref, iteration, type);
    WorkflowTask effective = type.expand(d, node, task.inputData);
    if (effective != node) {
      Map<String, Object> input = task.inputData;
      type = types.of(effective.type);
      task = newTask(d, effective, ref, iteration, type);
      task.inputData = input;
    }
    add(d, task, type);
    return task;
  }

  private Task newTask(Decision d, WorkflowTask node, String ref, int iteration, TaskType type) {
    Workflow wf = d.workflow();
    TaskDef def = definitionOf(node, type);
    Task t = new Task();
    t.taskId = UUID.randomUUID().toString();
    t.referenceTaskName = ref;
    t.workflowTask = node;
    t.taskType = type.isWorkerTask() && "SIMPLE".equals(node.type) ? node.name : node.type;
    t.taskDefName = node.name;
    t.status = TaskStatus.SCHEDULED;
    t.scheduledTime = d.now();
    t.updateTime = d.now();
    t.startDelayInSeconds = Math.max(0, node.startDelay);
    t.callbackAfterSeconds = t.startDelayInSeconds;
    t.responseTimeoutSeconds = def.responseTimeoutSeconds;
    t.rateLimitPerFrequency = def.rateLimitPerFrequency == null ? 0 : def.rateLimitPerFrequency;
    t.rateLimitFrequencyInSeconds = def.rateLimitFrequencyInSeconds == null ? 0 : def.rateLimitFrequencyInSeconds;
    t.isolationGroupId = def.isolationGroupId;
    t.executionNameSpace = def.executionNameSpace;
    t.workflowInstanceId = wf.workflowId;
    t.workflowType = wf.workflowDefinition.name;
    t.correlationId = wf.correlationId;
    t.workflowPriority = wf.priority;
    t.iteration = iteration;
    t.inputData = resolveInput(d, node, def, t.taskId);
    if (type.isWorkerTask()) {
      t.domain = domainFor(wf, t.taskType, d.now());
    }
    return t;
  }

  /** Adds a new task to the workflow and queues or starts it. */
  private void add(Decision d, Task task, TaskType type) {
    d.live.add(task);
    d.statusChanged(task);
    if (type.isWorkerTask() && answerFromMock(d, task)) {
      return;
    }
    if (type.isWorkerTask()) {
      enqueue(d, task, Durations.ms(task.callbackAfterSeconds));
    } else {
      task.startTime = d.now();
      type.start(d, task);
    }
  }

  /** In a test run, a worker task takes its next mocked outcome at once instead of being queued. */
  private static boolean answerFromMock(Decision d, Task task) {
    if (d.live.mocks == null) {
      return false;
    }
    java.util.Deque<io.conductorvx.model.WorkflowTestRequest.TaskMock> queue =
        d.live.mocks.get(DefinitionIndex.baseRef(task.referenceTaskName));
    if (queue == null || queue.isEmpty()) {
      return false;
    }
    io.conductorvx.model.WorkflowTestRequest.TaskMock mock = queue.pollFirst();
    task.status = mock.status == null ? TaskStatus.COMPLETED : mock.status.toTaskStatus();
    task.outputData = mock.output == null ? new LinkedHashMap<>() : new LinkedHashMap<>(mock.output);
    task.startTime = d.now() + Math.max(0, mock.queueWaitTime);
    task.endTime = task.isTerminal() ? task.startTime + Math.max(0, mock.executionTime) : 0;
    task.workerId = "mock";
    return true;
  }

  static void enqueue(Decision d, Task task, long delayMs) {
    d.changes.push(QueueNames.taskQueue(task.taskType, task.domain),
        new QueueMessage(task.taskId, task.workflowInstanceId, task.workflowPriority), delayMs);
  }

  static void dequeue(Decision d, Task task) {
    d.changes.removeFromQueue(QueueNames.taskQueue(task.taskType, task.domain), task.taskId);
  }

  private static TaskDef definitionOf(WorkflowTask node, TaskType type) {
    return node.taskDefinition != null ? node.taskDefinition : TaskDef.synthetic(node.name, type.isWorkerTask());
  }

  private Map<String, Object> resolveInput(Decision d, WorkflowTask node, TaskDef def, String taskId) {
    return resolver.resolveWithTemplate(node.inputParameters, def.inputTemplate,
        ResolutionContext.of(d.workflow(), d.live::latestForResolution), taskId);
  }

  /**
   * Conductor's domain choice: the specific task name's entry, else {@code *}; from a list, the first
   * domain with a worker that polled recently, else the last entry (NO_DOMAIN meaning none).
   */
  private String domainFor(Workflow wf, String taskType, long now) {
    if (wf.taskToDomain == null || wf.taskToDomain.isEmpty()) {
      return null;
    }
    String spec = wf.taskToDomain.get(taskType);
    if (spec == null) {
      spec = wf.taskToDomain.get("*");
    }
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String[] domains = spec.split(",");
    for (String raw : domains) {
      String domain = raw.trim();
      if (!domain.isEmpty() && !"NO_DOMAIN".equalsIgnoreCase(domain)
          && now - activeWorkers.lastPollTime(taskType, domain) <= activeWorkerMs) {
        return domain;
      }
    }
    String last = domains[domains.length - 1].trim();
    return last.isEmpty() || "NO_DOMAIN".equalsIgnoreCase(last) ? null : last;
  }

  // ---- retries and failure ----

  /** Schedules another attempt of a failed task if its definition allows. */
  private boolean retry(Decision d, Task failed) {
    TaskType type = types.of(failed.workflowTask.type);
    if (!failed.status.isRetriable() || !type.isRetriable()) {
      return false;
    }
    WorkflowTask node = failed.workflowTask;
    TaskDef def = definitionOf(node, type);
    int allowed = node.retryCount != null ? node.retryCount : def.retryCount;
    if (failed.retryCount >= allowed || totalTimeoutExceeded(d, failed, def)) {
      return false;
    }
    long delaySeconds = RetryPolicy.delaySeconds(def, failed.retryCount);
    newAttempt(d, failed, delaySeconds, RetryPolicy.jitterMs(def));
    return true;
  }

  /**
   * Replaces an ended attempt with a new one of the same reference: new id, retryCount + 1, input
   * re-resolved over the old input, queued after the delay (workers) or started (system tasks).
   */
  Task newAttempt(Decision d, Task failed, long delaySeconds, long jitterMs) {
    WorkflowTask node = failed.workflowTask;
    TaskType type = types.of(node.type);
    Task next = newTask(d, node, failed.referenceTaskName, failed.iteration, type);
    Map<String, Object> input = new LinkedHashMap<>(failed.inputData);
    input.putAll(next.inputData);
    next.inputData = input;
    next.retryCount = failed.retryCount + 1;
    next.retriedTaskId = failed.taskId;
    next.reasonForIncompletion = failed.reasonForIncompletion;
    next.callbackAfterSeconds = delaySeconds;
    next.startDelayInSeconds = (int) Math.min(Integer.MAX_VALUE, delaySeconds);
    failed.retried = true;
    d.changed(failed);
    d.live.add(next);
    d.statusChanged(next);
    if (type.isWorkerTask() && answerFromMock(d, next)) {
      return next;
    }
    if (type.isWorkerTask()) {
      enqueue(d, next, Durations.ms(delaySeconds) + jitterMs);
    } else {
      next.startTime = d.now();
      type.start(d, next);
    }
    return next;
  }

  private static boolean totalTimeoutExceeded(Decision d, Task task, TaskDef def) {
    if (def.totalTimeoutSeconds <= 0) {
      return false;
    }
    long first = firstScheduledTime(d.live, task);
    return d.now() - first >= Durations.ms(def.totalTimeoutSeconds);
  }

  private static long firstScheduledTime(LiveWorkflow live, Task task) {
    Task t = task;
    while (t.retriedTaskId != null) {
      Task prev = live.task(t.retriedTaskId);
      if (prev == null) {
        break;
      }
      t = prev;
    }
    return t.scheduledTime;
  }

  private void failWorkflow(Decision d, Task task) {
    WorkflowStatus status = switch (task.status) {
      case CANCELED -> WorkflowStatus.TERMINATED;
      case TIMED_OUT -> WorkflowStatus.TIMED_OUT;
      default -> WorkflowStatus.FAILED;
    };
    String reason = "Task " + task.taskId + " failed with status: " + task.status
        + " and reason: '" + task.reasonForIncompletion + "'";
    endWorkflow(d, status, reason, null, true, task.taskId);
  }

  // ---- timeouts ----

  private boolean checkWorkflowTimeout(Decision d) {
    Workflow wf = d.workflow();
    long timeout = wf.workflowDefinition.timeoutSeconds;
    if (timeout <= 0 || wf.workflowDefinition.timeoutPolicy != TimeoutPolicy.TIME_OUT_WF) {
      return false;
    }
    long since = wf.lastRetriedTime > 0 ? wf.lastRetriedTime : wf.createTime;
    long elapsed = d.now() - since;
    if (elapsed < Durations.ms(timeout)) {
      return false;
    }
    String reason = "Workflow timed out after " + elapsed / 1000 + " seconds. Timeout configured as "
        + timeout + " seconds. Timeout policy configured to TIME_OUT_WF";
    endWorkflow(d, WorkflowStatus.TIMED_OUT, reason, null, true, null);
    return true;
  }

  /** Task timeout, response timeout and poll timeout of one non-terminal task. */
  private boolean checkTaskTimeouts(Decision d, Task task) {
    TaskType type = types.of(task.workflowTask.type);
    TaskDef def = definitionOf(task.workflowTask, type);
    long now = d.now();
    if (def.timeoutSeconds > 0 && task.startTime > 0 && now - task.startTime >= Durations.ms(def.timeoutSeconds)) {
      String reason = "Task timed out after " + (now - task.startTime) / 1000 + " seconds. Timeout configured as "
          + def.timeoutSeconds + " seconds. Timeout policy configured to " + def.timeoutPolicy;
      if (applyTimeoutPolicy(d, task, def, reason)) {
        return true;
      }
    }
    boolean awaitsWorker = type.isWorkerTask() || !task.workflowTask.asyncComplete;
    if (task.status == TaskStatus.IN_PROGRESS && awaitsWorker && type.isWorkerTask() && def.responseTimeoutSeconds > 0
        && now - task.updateTime >= Durations.ms(def.responseTimeoutSeconds) + Durations.ms(task.callbackAfterSeconds)) {
      task.status = TaskStatus.TIMED_OUT;
      task.endTime = now;
      task.reasonForIncompletion = "responseTimeout: " + def.responseTimeoutSeconds
          + " exceeded for the taskId: " + task.taskId + " with Task Definition: " + task.taskDefName;
      d.statusChanged(task);
      return true;
    }
    if (task.status == TaskStatus.SCHEDULED && type.isWorkerTask() && def.pollTimeoutSeconds != null && def.pollTimeoutSeconds > 0) {
      long since = pollClockStart(task);
      if (now - since >= Durations.ms(def.pollTimeoutSeconds) + Durations.ms(task.callbackAfterSeconds)) {
        String reason = "Task poll timed out after " + (now - since) / 1000 + " seconds. Poll timeout configured as "
            + def.pollTimeoutSeconds + " seconds. Timeout policy configured to " + def.timeoutPolicy;
        return applyTimeoutPolicy(d, task, def, reason);
      }
    }
    return false;
  }

  private static long pollClockStart(Task task) {
    return task.pollCount == 0 ? task.scheduledTime : task.updateTime;
  }

  /** @return true if the policy changed the task or the workflow */
  private boolean applyTimeoutPolicy(Decision d, Task task, TaskDef def, String reason) {
    TimeoutPolicy policy = def.timeoutPolicy == null ? TimeoutPolicy.TIME_OUT_WF : def.timeoutPolicy;
    if (policy == TimeoutPolicy.ALERT_ONLY) {
      return false;
    }
    boolean wasQueued = task.status == TaskStatus.SCHEDULED;
    task.status = TaskStatus.TIMED_OUT;
    task.endTime = d.now();
    task.reasonForIncompletion = reason;
    d.statusChanged(task);
    if (wasQueued && types.of(task.workflowTask.type).isWorkerTask()) {
      dequeue(d, task);
    }
    if (policy == TimeoutPolicy.TIME_OUT_WF) {
      task.executed = true;
      endWorkflow(d, WorkflowStatus.TIMED_OUT, reason, null, true, task.taskId);
    }
    return true;
  }

  /**
   * When this workflow next needs a decision for a timer: epoch ms, or 0 if never. After an
   * incremental command only the tasks it changed can have moved a deadline, so the earlier answer
   * is kept and lowered by theirs; a deadline that went away leaves it early, which costs one
   * needless full decision, never a missed timer.
   */
  long nextCheckAt(Decision d) {
    LiveWorkflow live = d.live;
    long now = d.now();
    Workflow wf = live.workflow;
    if (wf.status.isTerminal()) {
      return 0;
    }
    long next = now + recheckMs;
    if (wf.workflowDefinition.timeoutSeconds > 0 && wf.workflowDefinition.timeoutPolicy == TimeoutPolicy.TIME_OUT_WF) {
      long since = wf.lastRetriedTime > 0 ? wf.lastRetriedTime : wf.createTime;
      next = Math.min(next, since + Durations.ms(wf.workflowDefinition.timeoutSeconds));
    }
    if (wf.status == WorkflowStatus.PAUSED) {
      return next;
    }
    boolean incremental = d.incremental && live.settled && live.timerFloor > now;
    next = Math.max(nextTaskTimer(incremental ? d.changes.tasks : live.tasks(),
        incremental ? Math.min(next, live.timerFloor) : next), now);
    live.timerFloor = next;
    return next;
  }

  private long nextTaskTimer(Iterable<Task> tasks, long next) {
    for (Task t : tasks) {
      if (t.retried || t.executed || t.isTerminal()) {
        continue;
      }
      TaskType type = types.of(t.workflowTask.type);
      TaskDef def = definitionOf(t.workflowTask, type);
      if (def.timeoutSeconds > 0 && t.startTime > 0 && def.timeoutPolicy != TimeoutPolicy.ALERT_ONLY) {
        next = Math.min(next, t.startTime + Durations.ms(def.timeoutSeconds));
      }
      if (type.isWorkerTask()) {
        if (t.status == TaskStatus.IN_PROGRESS && def.responseTimeoutSeconds > 0) {
          next = Math.min(next, t.updateTime + Durations.ms(def.responseTimeoutSeconds) + Durations.ms(t.callbackAfterSeconds));
        }
        if (t.status == TaskStatus.SCHEDULED && def.pollTimeoutSeconds != null && def.pollTimeoutSeconds > 0
            && def.timeoutPolicy != TimeoutPolicy.ALERT_ONLY) {
          next = Math.min(next, pollClockStart(t) + Durations.ms(def.pollTimeoutSeconds) + Durations.ms(t.callbackAfterSeconds));
        }
      } else {
        long at = type.nextCheckAt(t);
        if (at > 0) {
          next = Math.min(next, at);
        }
      }
    }
    return next;
  }

  // ---- ending a workflow ----

  private void completeWorkflow(Decision d) {
    endWorkflow(d, WorkflowStatus.COMPLETED, null, null, false, null);
  }

  /**
   * Ends the workflow: status, output, failed task names, and every unfinished task canceled.
   * {@code byDecider} marks failures that start the failure workflow (an API terminate does not).
   */
  void endWorkflow(Decision d, WorkflowStatus status, String reason, Map<String, Object> output,
      boolean byDecider, String failureTaskId) {
    Workflow wf = d.workflow();
    wf.status = status;
    wf.endTime = d.now();
    wf.updateTime = d.now();
    if (reason != null) {
      wf.reasonForIncompletion = reason;
    }
    wf.output = output != null ? output : computeOutput(d);
    for (Task t : wf.tasks) {
      if (!t.retried && (t.status == TaskStatus.FAILED || t.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR)) {
        wf.failedReferenceTaskNames.add(t.referenceTaskName);
        wf.failedTaskNames.add(t.taskDefName);
      }
    }
    cancelNonTerminal(d);
    d.changes.workflow = true;
    d.changes.workflowStatusChanged = true;
    if (byDecider && status != WorkflowStatus.COMPLETED && wf.workflowDefinition.failureWorkflow != null
        && !wf.workflowDefinition.failureWorkflow.isBlank()) {
      // the id is chosen now so the failed workflow is saved with it in one write
      d.changes.failureWorkflowId = UUID.nameUUIDFromBytes(
          ("failure:" + wf.workflowId + ":" + wf.lastRetriedTime).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
      d.changes.failureTaskId = failureTaskId;
      wf.output = new LinkedHashMap<>(wf.output);
      wf.output.put("conductor.failure_workflow", d.changes.failureWorkflowId);
    }
  }

  /** Output of a finished workflow: outputParameters if any, else the last task's output. */
  private Map<String, Object> computeOutput(Decision d) {
    Workflow wf = d.workflow();
    Map<String, Object> params = wf.workflowDefinition.outputParameters;
    if (params != null && !params.isEmpty()) {
      return resolver.resolve(params, ResolutionContext.of(wf, d.live::latestForResolution), null);
    }
    List<Task> tasks = wf.tasks;
    for (int i = tasks.size() - 1; i >= 0; i--) {
      Task last = tasks.get(i);
      if (!last.retried && last.status != TaskStatus.SKIPPED) {
        return last.outputData == null ? new LinkedHashMap<>() : new LinkedHashMap<>(last.outputData);
      }
    }
    return new LinkedHashMap<>();
  }

  private void cancelNonTerminal(Decision d) {
    for (Task t : d.live.tasks()) {
      if (!t.retried && !t.isTerminal()) {
        TaskType type = types.of(t.workflowTask.type);
        boolean wasQueued = t.status == TaskStatus.SCHEDULED;
        t.status = TaskStatus.CANCELED;
        t.endTime = d.now();
        t.updateTime = d.now();
        d.statusChanged(t);
        if (type.isWorkerTask()) {
          if (wasQueued) {
            dequeue(d, t);
          }
        } else {
          type.cancel(d, t);
        }
      }
    }
  }
}
