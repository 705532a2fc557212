package io.conductorvx.tasks;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Finds the behaviour for a definition's {@code type}. Unknown types are worker tasks. */
public final class TaskTypes {
  /** Conductor's built-in types this server does not run yet; starting a workflow using one is a 400. */
  private static final Set<String> NOT_YET_SUPPORTED = Set.of(
      "SWITCH", "DECISION", "DO_WHILE",
      "SET_VARIABLE", "INLINE", "LAMBDA", "JSON_JQ_TRANSFORM", "TERMINATE",
      "EVENT", "NOOP", "KAFKA_PUBLISH");

  private final Map<String, TaskType> byName = new HashMap<>();
  private final TaskType worker = new WorkerTask();

  public TaskTypes() {
    register(worker);
    register(new ForkJoinTask());
    register(new ForkJoinDynamicTask());
    register(new JoinTask());
    register(new ExclusiveJoinTask());
    register(new DynamicTask());
    register(new SubWorkflowTask());
    register(new StartWorkflowTask());
    register(new WaitTask());
    register(new HumanTask());
    register(new HttpTask());
  }

  public TaskTypes register(TaskType type) {
    byName.put(type.type(), type);
    return this;
  }

  public TaskType of(String type) {
    if (type == null) {
      return worker;
    }
    TaskType t = byName.get(type);
    return t != null ? t : worker;
  }

  /** True when the name is a Conductor built-in this server cannot run yet. */
  public boolean isUnsupported(String type) {
    return type != null && NOT_YET_SUPPORTED.contains(type) && !byName.containsKey(type);
  }
}
