package io.conductorvx.metrics;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Conductor's workflow and task meters, from what each commit changed (the same changes the status
 * events report), seen after the save:
 * <ul>
 *   <li>{@code workflow_execution{workflowName, ownerApp}}: creation to completion of each COMPLETED
 *       workflow; {@code workflow_failure{workflowName, status, ownerApp}}: each one that ends
 *       FAILED, TIMED_OUT or TERMINATED;</li>
 *   <li>{@code task_queue_wait{taskType}}: scheduled to first handed to a worker;</li>
 *   <li>{@code task_execution{taskType, includeRetries, status}}: start to end of each task a worker
 *       polled, once for the attempt alone ({@code includeRetries="false"}) and once with the
 *       attempts before it that it retries ({@code "true"}).</li>
 * </ul>
 * Called on every partition's event loop: meters are found in concurrent maps by name, then in
 * arrays by status, built on first use.
 */
final class StatusMetrics {
  /** Durations kept for failed attempts a retry may follow; the oldest are forgotten first. */
  private static final int RETRIED_KEPT = 10_000;
  private static final int TASK_STATUSES = TaskStatus.values().length;
  private static final int WORKFLOW_STATUSES = WorkflowStatus.values().length;

  private final Meters meters;
  /** workflowName → ownerApp → [status.ordinal()]: the execution timer at COMPLETED, failure counters else. */
  private final Map<String, Map<String, WorkflowMeters>> workflows = new ConcurrentHashMap<>();
  private final Map<String, Timer> queueWaits = new ConcurrentHashMap<>();
  /** taskType → [status.ordinal() * 2 + (includeRetries ? 1 : 0)]. */
  private final Map<String, Timer[]> taskExecutions = new ConcurrentHashMap<>();
  /** Task id of a failed attempt → its duration plus that of the attempts before it; rarely touched. */
  private final Map<String, Long> retriedDurations = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > RETRIED_KEPT;
    }
  };

  /** One workflow name and ownerApp: the execution timer and a failure counter per status. */
  private final class WorkflowMeters {
    final String name;
    final String ownerApp;
    final Timer execution;
    final Counter[] failures = new Counter[WORKFLOW_STATUSES];

    WorkflowMeters(String name, String ownerApp) {
      this.name = name;
      this.ownerApp = ownerApp;
      this.execution = meters.conductorTimer("workflow_execution", "workflowName", name, "ownerApp", ownerApp);
    }

    Counter failure(WorkflowStatus status) {
      Counter c = failures[status.ordinal()];
      if (c == null) {
        c = meters.counter("workflow_failure", null, "workflowName", name, "status", status.name(), "ownerApp", ownerApp);
        failures[status.ordinal()] = c;
      }
      return c;
    }
  }

  StatusMetrics(Meters meters) {
    this.meters = meters;
  }

  void committed(Workflow wf, boolean workflowStatusChanged, List<Task> statusChanges) {
    for (int i = 0; i < statusChanges.size(); i++) {
      task(statusChanges.get(i));
    }
    if (workflowStatusChanged && wf.status != null && wf.status.isTerminal()) {
      WorkflowMeters m = workflow(Meters.orUnknown(wf.workflowName()), Meters.ownerApp(wf.ownerApp));
      if (wf.status == WorkflowStatus.COMPLETED) {
        long end = wf.endTime > 0 ? wf.endTime : wf.updateTime;
        m.execution.record(Math.max(0, end - wf.createTime), TimeUnit.MILLISECONDS);
      } else {
        m.failure(wf.status).increment();
      }
    }
  }

  private WorkflowMeters workflow(String name, String ownerApp) {
    Map<String, WorkflowMeters> byOwner = workflows.get(name);
    if (byOwner == null) {
      byOwner = workflows.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    }
    WorkflowMeters m = byOwner.get(ownerApp);
    return m != null ? m : byOwner.computeIfAbsent(ownerApp, owner -> new WorkflowMeters(name, owner));
  }

  private void task(Task t) {
    if (t.pollCount == 0 || t.status == null) {
      return; // not a worker's task: Conductor measures these only for tasks handed to workers
    }
    String type = Meters.orUnknown(t.taskDefName);
    if (t.status == TaskStatus.IN_PROGRESS) {
      if (t.pollCount == 1 && t.startTime > 0 && t.scheduledTime > 0) {
        Timer wait = queueWaits.get(type);
        if (wait == null) {
          wait = queueWaits.computeIfAbsent(type, x -> meters.conductorTimer("task_queue_wait", "taskType", x));
        }
        wait.record(Math.max(0, t.startTime - t.scheduledTime), TimeUnit.MILLISECONDS);
      }
      return;
    }
    if (!t.status.isTerminal() || t.startTime <= 0 || t.endTime < t.startTime) {
      return;
    }
    long attempt = t.endTime - t.startTime;
    long total = attempt;
    if (t.retriedTaskId != null || t.status != TaskStatus.COMPLETED) {
      synchronized (retriedDurations) {
        Long before = t.retriedTaskId == null ? null : retriedDurations.remove(t.retriedTaskId);
        total += before == null ? 0 : before;
        if (t.status != TaskStatus.COMPLETED) {
          retriedDurations.put(t.taskId, total);
        }
      }
    }
    executionTimer(type, t.status, false).record(attempt, TimeUnit.MILLISECONDS);
    executionTimer(type, t.status, true).record(total, TimeUnit.MILLISECONDS);
  }

  private Timer executionTimer(String type, TaskStatus status, boolean includeRetries) {
    Timer[] byStatus = taskExecutions.get(type);
    if (byStatus == null) {
      byStatus = taskExecutions.computeIfAbsent(type, x -> new Timer[TASK_STATUSES * 2]);
    }
    int i = status.ordinal() * 2 + (includeRetries ? 1 : 0);
    Timer t = byStatus[i];
    if (t == null) {
      // a race builds the same meter twice: the registry answers the same one both times
      t = meters.conductorTimer("task_execution", "taskType", type, "includeRetries", Boolean.toString(includeRetries),
          "status", status.name());
      byStatus[i] = t;
    }
    return t;
  }
}
