package io.conductorvx.tasks;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Finds the behaviour for a definition's {@code type}. Unknown types are worker tasks. */
public final class TaskTypes {
  /**
   * Every built-in type of Conductor. One that is not registered here is not run yet, and starting a
   * workflow that uses it is a 400 (never a worker task by accident).
   */
  private static final Set<String> BUILT_INS = Set.of(
      "SWITCH", "DECISION", "FORK_JOIN", "FORK_JOIN_DYNAMIC", "JOIN", "EXCLUSIVE_JOIN", "DO_WHILE",
      "SUB_WORKFLOW", "DYNAMIC", "SET_VARIABLE", "INLINE", "LAMBDA", "JSON_JQ_TRANSFORM", "TERMINATE",
      "WAIT", "HUMAN", "EVENT", "HTTP", "START_WORKFLOW", "NOOP", "KAFKA_PUBLISH", "PULL_WORKFLOW_MESSAGES");

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
    register(new EventTask());
    register(new InlineTask());
    register(new LambdaTask());
    register(new SwitchTask());
    register(new DecisionTask());
    register(new SetVariableTask());
    register(new NoopTask());
    register(new TerminateTask());
    register(new JsonJqTransformTask());
    register(new DoWhileTask());
    register(new PullWorkflowMessagesTask());
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
    return type != null && BUILT_INS.contains(type) && !byName.containsKey(type);
  }
}
