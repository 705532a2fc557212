package io.conductorvx.bench.jmh;

import io.conductorvx.engine.DeciderHarness;
import io.conductorvx.validation.DefinitionValidator;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.tasks.TaskTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Definitions, inputs and executions shared by the benchmarks, built the way the server builds them. */
final class Workflows {
  private static final TaskTypes TYPES = new TaskTypes();

  /** A typical start input: a few scalars, a nested object and a list of objects. */
  static final Map<String, Object> INPUT = Map.of(
      "orderId", "order-1234",
      "customer", Map.of("name", "Ada Lovelace", "tier", "gold",
          "address", Map.of("city", "London", "zip", "NW1 6XE")),
      "items", List.of(
          Map.of("sku", "A-1", "qty", 2, "price", 9.5),
          Map.of("sku", "B-7", "qty", 1, "price", 24.0),
          Map.of("sku", "C-3", "qty", 5, "price", 3.25)));

  private Workflows() {}

  /** {@code n} SIMPLE tasks in a row; each reads the workflow input and its predecessor's output. */
  static WorkflowDef sequential(int n) {
    WorkflowDef def = new WorkflowDef();
    def.name = "bench_sequential_" + n;
    String previous = null;
    for (int i = 0; i < n; i++) {
      String ref = "task_" + i;
      def.tasks.add(simple(ref, previous));
      previous = ref;
    }
    return ready(def);
  }

  /**
   * A FORK_JOIN of {@code branches} branches of {@code perBranch} SIMPLE tasks each, the JOIN on the
   * last task of every branch, then one SIMPLE task that reads the JOIN's output.
   */
  static WorkflowDef forkJoin(int branches, int perBranch) {
    WorkflowTask fork = node("fork", "FORK_JOIN");
    WorkflowTask join = node("join", "JOIN");
    for (int b = 0; b < branches; b++) {
      List<WorkflowTask> branch = new ArrayList<>();
      String previous = null;
      for (int i = 0; i < perBranch; i++) {
        String ref = "branch" + b + "_" + i;
        branch.add(simple(ref, previous));
        previous = ref;
      }
      fork.forkTasks.add(branch);
      join.joinOn.add(previous);
    }
    WorkflowTask after = simple("after_join", null);
    after.inputParameters.put("joined", "${join.output}");
    WorkflowDef def = new WorkflowDef();
    def.name = "bench_fork_" + branches + "x" + perBranch;
    def.tasks.addAll(List.of(fork, join, after));
    return ready(def);
  }

  private static WorkflowTask simple(String ref, String previous) {
    WorkflowTask t = node(ref, "SIMPLE");
    t.name = "bench_task";
    t.inputParameters.put("orderId", "${workflow.input.orderId}");
    t.inputParameters.put("city", "${workflow.input.customer.address.city}");
    if (previous != null) {
      t.inputParameters.put("previous", "${" + previous + ".output.result}");
    }
    return t;
  }

  private static WorkflowTask node(String ref, String type) {
    WorkflowTask t = new WorkflowTask();
    t.name = ref;
    t.taskReferenceName = ref;
    t.type = type;
    return t;
  }

  /** Validates the definition and attaches task definitions, as a workflow start does. */
  private static WorkflowDef ready(WorkflowDef def) {
    // every task here is inline (no registered definitions needed), as in the benchmarks' load
    var problems = new DefinitionValidator(name -> null).validate(def);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("invalid benchmark definition: " + problems);
    }
    attachTaskDefs(def.tasks);
    return def;
  }

  private static void attachTaskDefs(List<WorkflowTask> nodes) {
    for (WorkflowTask node : nodes) {
      node.taskDefinition = TaskDef.synthetic(node.name, TYPES.of(node.type).isWorkerTask());
      attachTaskDefs(node.children());
    }
  }

  /** A new RUNNING execution of {@code def}, with the fields the engine sets on start. */
  static Workflow newExecution(WorkflowDef def, Map<String, Object> input) {
    return DeciderHarness.newExecution(def, input);
  }

  /**
   * Plays the worker: completes every scheduled worker task, one update (one decision) at a time,
   * until nothing is scheduled. Fails unless the workflow ends COMPLETED, so a broken flow can never
   * pass for a fast one. @return the number of decisions made
   */
  static int completeAll(DeciderHarness harness, DeciderHarness.Run run) {
    Workflow wf = run.workflow();
    int decisions = 0;
    // Tasks are only ever appended here, so one pass by index sees the ones each decision adds.
    for (int i = 0; i < wf.tasks.size(); i++) {
      Task t = wf.tasks.get(i);
      if (t.status == TaskStatus.SCHEDULED && "SIMPLE".equals(t.workflowTask.type)) {
        harness.complete(run, t, output(i));
        decisions++;
      }
    }
    if (wf.status != WorkflowStatus.COMPLETED) {
      throw new IllegalStateException("workflow ended " + wf.status + ": " + wf.reasonForIncompletion);
    }
    return decisions;
  }

  /** A worker's result: a fresh map each time, as one parsed from an update request would be. */
  static Map<String, Object> output(int i) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("result", i);
    out.put("status", "ok");
    out.put("detail", Map.of("code", 200, "items", List.of(1, 2, 3)));
    return out;
  }
}
