package io.conductorvx.metrics;

import io.conductorvx.live.LiveEvents;
import io.conductorvx.model.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Conductor's workflow and task meters, from the status events the owner partitions publish after
 * each commit ({@link LiveEvents}), so the engine does not call metrics itself:
 * <ul>
 *   <li>{@code workflow_execution{workflowName, ownerApp}}: creation to completion of each COMPLETED
 *       workflow; {@code workflow_failure{workflowName, status, ownerApp}}: each FAILED, TIMED_OUT
 *       or TERMINATED one;</li>
 *   <li>{@code task_queue_wait{taskType}}: scheduled to first handed to a worker;</li>
 *   <li>{@code task_execution{taskType, includeRetries, status}}: start to end of each task a
 *       worker polled, once for the attempt alone ({@code includeRetries="false"}) and once with the
 *       earlier attempts it retries ({@code "true"}).</li>
 * </ul>
 * One verticle, so its maps are only touched on its own event loop.
 */
final class StatusEventMetrics extends VerticleBase {
  /** Durations kept for failed attempts a retry may follow; the oldest are forgotten first. */
  private static final int RETRIED_KEPT = 10_000;
  private static final TaskStatus[] STATUSES = TaskStatus.values();

  private record WorkflowKey(String name, String status, String ownerApp) {}

  private final Meters meters;
  private final Map<WorkflowKey, Timer> executions = new HashMap<>();
  private final Map<WorkflowKey, Counter> failures = new HashMap<>();
  private final Map<String, Timer> queueWaits = new HashMap<>();
  /** taskType → [status.ordinal() * 2 + (includeRetries ? 1 : 0)]. */
  private final Map<String, Timer[]> taskExecutions = new HashMap<>();
  /** Task id of a failed attempt → its duration plus that of the attempts before it. */
  private final Map<String, Long> retriedDurations = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > RETRIED_KEPT;
    }
  };

  StatusEventMetrics(Meters meters) {
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<JsonObject> workflows = vertx.eventBus().consumer(LiveEvents.WORKFLOW, msg -> onWorkflow(msg.body()));
    MessageConsumer<JsonObject> tasks = vertx.eventBus().consumer(LiveEvents.TASK, msg -> onTask(msg.body()));
    return Future.all(workflows.completion(), tasks.completion());
  }

  private void onWorkflow(JsonObject e) {
    String status = e.getString("status");
    switch (status) {
      case "COMPLETED" -> {
        WorkflowKey key = new WorkflowKey(Meters.orUnknown(e.getString("workflowName")), null, Meters.ownerApp(e.getString("ownerApp")));
        long millis = e.getLong("updateTime", 0L) - e.getLong("createTime", 0L);
        executions.computeIfAbsent(key, k -> meters.conductorTimer("workflow_execution",
            "workflowName", k.name(), "ownerApp", k.ownerApp())).record(Math.max(0, millis), TimeUnit.MILLISECONDS);
      }
      case "FAILED", "TIMED_OUT", "TERMINATED" -> {
        WorkflowKey key = new WorkflowKey(Meters.orUnknown(e.getString("workflowName")), status, Meters.ownerApp(e.getString("ownerApp")));
        failures.computeIfAbsent(key, k -> meters.counter("workflow_failure", null,
            "workflowName", k.name(), "status", k.status(), "ownerApp", k.ownerApp())).increment();
      }
      default -> {
        // RUNNING, PAUSED: nothing Conductor measures
      }
    }
  }

  private void onTask(JsonObject e) {
    int polls = e.getInteger("pollCount", 0);
    if (polls == 0) {
      return; // not a worker's task: Conductor measures these only for tasks handed to workers
    }
    TaskStatus status = TaskStatus.valueOf(e.getString("status"));
    String type = Meters.orUnknown(e.getString("taskDefName"));
    long start = e.getLong("startTime", 0L);
    if (status == TaskStatus.IN_PROGRESS) {
      long scheduled = e.getLong("scheduledTime", 0L);
      if (polls == 1 && start > 0 && scheduled > 0) {
        queueWaits.computeIfAbsent(type, t -> meters.conductorTimer("task_queue_wait", "taskType", t))
            .record(Math.max(0, start - scheduled), TimeUnit.MILLISECONDS);
      }
      return;
    }
    long end = e.getLong("endTime", 0L);
    if (!status.isTerminal() || start <= 0 || end < start) {
      return;
    }
    long attempt = end - start;
    String retried = e.getString("retriedTaskId");
    Long before = retried == null ? null : retriedDurations.remove(retried);
    long total = attempt + (before == null ? 0 : before);
    executionTimer(type, status, false).record(attempt, TimeUnit.MILLISECONDS);
    executionTimer(type, status, true).record(total, TimeUnit.MILLISECONDS);
    if (status != TaskStatus.COMPLETED) {
      retriedDurations.put(e.getString("taskId"), total);
    }
  }

  private Timer executionTimer(String type, TaskStatus status, boolean includeRetries) {
    Timer[] byStatus = taskExecutions.computeIfAbsent(type, t -> new Timer[STATUSES.length * 2]);
    int i = status.ordinal() * 2 + (includeRetries ? 1 : 0);
    Timer t = byStatus[i];
    if (t == null) {
      t = meters.conductorTimer("task_execution", "taskType", type, "includeRetries", Boolean.toString(includeRetries),
          "status", status.name());
      byStatus[i] = t;
    }
    return t;
  }
}
