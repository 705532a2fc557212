package io.conductorvx.metrics;

import io.conductorvx.engine.Command;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.Workflow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the commands sent to the decider partitions say, seen from the sender:
 * <ul>
 *   <li>{@code conductorvx_commands_seconds{partition, command, outcome}}: every command and how
 *       long its owner took to answer it (commands per partition are its count);</li>
 *   <li>Conductor's {@code workflow_decision} (every command that runs a decision),
 *       {@code workflow_start_success{workflowName, version, ownerApp}} and
 *       {@code workflow_start_error{workflowName, ownerApp}};</li>
 *   <li>{@code conductorvx_task_updates_total{taskType, status}}: worker updates applied.</li>
 * </ul>
 * Timers are held in an array by partition, command kind and outcome, built on first use.
 */
final class CommandMetrics {
  static final String COMMANDS = "conductorvx.commands";

  private static final Class<?>[] KINDS = Command.class.getPermittedSubclasses();
  private static final Map<Class<?>, Integer> KIND_INDEX = new IdentityHashMap<>();
  /** Kinds that do not run a decision: a claim only marks a task, a remove deletes. */
  private static final boolean[] DECIDES = new boolean[KINDS.length];

  static {
    for (int i = 0; i < KINDS.length; i++) {
      KIND_INDEX.put(KINDS[i], i);
      DECIDES[i] = KINDS[i] != Command.ClaimTask.class && KINDS[i] != Command.Remove.class;
    }
  }

  private final Meters meters;
  private final String[] partitionNames;
  /** [partition][kind][0 = success, 1 = failure]. */
  private final Timer[][][] timers;
  private final Timer decision;
  /** workflowName → ownerApp → version → counter. */
  private final Map<String, Map<String, Map<Integer, Counter>>> startSuccess = new ConcurrentHashMap<>();
  /** workflowName → ownerApp → counter. */
  private final Map<String, Map<String, Counter>> startError = new ConcurrentHashMap<>();
  /** taskType → by {@link TaskResult.Status#ordinal()}. */
  private final Map<String, Counter[]> updates = new ConcurrentHashMap<>();

  CommandMetrics(Meters meters, int partitions) {
    this.meters = meters;
    this.partitionNames = new String[partitions];
    for (int p = 0; p < partitions; p++) {
      partitionNames[p] = Integer.toString(p);
    }
    this.timers = new Timer[partitions][KINDS.length][2];
    this.decision = meters.conductorTimer("workflow_decision");
  }

  void answered(int partition, Command command, Object reply, Throwable failure, long nanos) {
    int kind = KIND_INDEX.get(command.getClass());
    timer(partition, kind, failure == null).record(nanos, TimeUnit.NANOSECONDS);
    if (DECIDES[kind]) {
      decision.record(nanos, TimeUnit.NANOSECONDS);
    }
    if (command instanceof Command.Start start) {
      started(start.workflow(), failure == null);
    } else if (command instanceof Command.UpdateTask update && reply instanceof Command.TaskUpdated updated
        && update.result().status != null) {
      updated(Meters.orUnknown(updated.taskType()), update.result().status).increment();
    }
  }

  private Counter updated(String taskType, TaskResult.Status status) {
    Counter[] byStatus = updates.get(taskType);
    if (byStatus == null) {
      byStatus = updates.computeIfAbsent(taskType, t -> new Counter[TaskResult.Status.values().length]);
    }
    Counter c = byStatus[status.ordinal()];
    if (c == null) {
      c = meters.counter("conductorvx.task.updates", "Task updates applied, by task type and the status reported",
          "taskType", taskType, "status", status.name());
      byStatus[status.ordinal()] = c;
    }
    return c;
  }

  private Timer timer(int partition, int kind, boolean success) {
    int outcome = success ? 0 : 1;
    Timer t = timers[partition][kind][outcome];
    if (t == null) {
      // A race builds the same meter twice: the registry answers the same one both times.
      t = meters.latency(COMMANDS, "Commands answered by the decider partitions, from sending to the answer",
          "partition", partitionNames[partition], "command", KINDS[kind].getSimpleName(),
          "outcome", success ? "success" : "failure");
      timers[partition][kind][outcome] = t;
    }
    return t;
  }

  private void started(Workflow wf, boolean success) {
    String name = Meters.orUnknown(wf.workflowName());
    String ownerApp = Meters.ownerApp(wf.ownerApp);
    if (success) {
      int version = wf.workflowDefinition == null ? 0 : wf.workflowDefinition.version;
      Map<Integer, Counter> byVersion = lookup(lookup(startSuccess, name), ownerApp);
      Counter c = byVersion.get(version);
      if (c == null) {
        c = byVersion.computeIfAbsent(version, v -> meters.counter("workflow_start_success", null,
            "workflowName", name, "version", Integer.toString(v), "ownerApp", ownerApp));
      }
      c.increment();
    } else {
      lookup(startError, name).computeIfAbsent(ownerApp, o -> meters.counter("workflow_start_error", null,
          "workflowName", name, "ownerApp", o)).increment();
    }
  }

  /** The inner map for {@code key}, created on first use; a plain get once it exists. */
  private static <K, V> Map<K, V> lookup(Map<String, Map<K, V>> outer, String key) {
    Map<K, V> inner = outer.get(key);
    return inner != null ? inner : outer.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
  }
}
