package io.conductorvx.client;

import static io.conductorvx.client.ForkJoinTest.echo;
import static io.conductorvx.client.ForkJoinTest.join;
import static io.conductorvx.client.ForkJoinTest.refs;
import static io.conductorvx.client.ForkJoinTest.task;
import static io.conductorvx.client.SimpleWorkflowTest.normalizeNumbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** FORK_JOIN_DYNAMIC in its three input styles, through the official client. */
class DynamicForkTest extends ClientTestBase {
  static final Duration DONE = Duration.ofSeconds(10);

  /** Style 1: the task list and the per-ref inputs come from the workflow input. */
  static WorkflowTask dynamicFork(String ref) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType("FORK_JOIN_DYNAMIC");
    t.setDynamicForkTasksParam("dynamicTasks");
    t.setDynamicForkTasksInputParamName("dynamicTasksInput");
    t.setInputParameters(map("dynamicTasks", expr("workflow.input.tasks"), "dynamicTasksInput", expr("workflow.input.inputs")));
    return t;
  }

  /** Simple style: one task name, one branch per item of forkTaskInputs. */
  static WorkflowTask simpleStyleFork(String ref, String taskName) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType("FORK_JOIN_DYNAMIC");
    t.setInputParameters(map("forkTaskName", taskName, "forkTaskInputs", expr("workflow.input.items")));
    return t;
  }

  static Map<String, Object> taskJson(String name, String ref, Map<String, Object> inputParameters) {
    return map("name", name, "taskReferenceName", ref, "type", "SIMPLE", "inputParameters", inputParameters);
  }

  @Test
  void taskListStyleMergesPerTaskInputsAndJoinsEveryBranch() {
    String t = uniq("dyn_list");
    registerTaskDef(t, null);
    String wf = uniq("dyn_list_wf");
    registerWorkflow(wf, List.of(dynamicFork("dyn"), join("join")), null);
    runWorkers(echo(t));

    String id = start(wf, map(
        "greeting", "hi",
        "tasks", List.of(
            taskJson(t, "d0", map("fixed", "f", "n", -1, "greeting", expr("workflow.input.greeting"))),
            taskJson(t, "d1", map("fixed", "f")),
            taskJson(t, "d2", map())),
        "inputs", map("d0", map("n", 0), "d1", map("n", 1), "d2", map("n", 2))));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("dyn", "d0", "d1", "d2", "join"), refs(w), Describe.workflow(w));
    Task fork = task(w, "dyn");
    assertEquals("FORK", fork.getTaskType());
    assertEquals(Task.Status.COMPLETED, fork.getStatus());
    assertEquals(List.of("d0", "d1", "d2"), fork.getInputData().get("forkedTasks"));
    assertEquals(3, ((List<?>) fork.getInputData().get("forkedTaskDefs")).size());
    assertEquals(map("fixed", "f", "n", 0, "greeting", "hi"), normalizeNumbers(task(w, "d0").getInputData()),
        "the per-ref input wins over the task's own, and expressions are resolved");
    assertEquals(map("fixed", "f", "n", 1), normalizeNumbers(task(w, "d1").getInputData()));
    assertEquals(map("n", 2), normalizeNumbers(task(w, "d2").getInputData()));
    assertEquals(t, task(w, "d0").getTaskType());
    Task joinTask = task(w, "join");
    assertEquals(Task.Status.COMPLETED, joinTask.getStatus());
    assertEquals(List.of("d0", "d1", "d2"), joinTask.getInputData().get("joinOn"), "joinOn = last task of each branch");
    assertEquals(map(
        "d0", map("ref", "d0", "in", map("fixed", "f", "n", 0, "greeting", "hi")),
        "d1", map("ref", "d1", "in", map("fixed", "f", "n", 1)),
        "d2", map("ref", "d2", "in", map("n", 2))), normalizeNumbers(joinTask.getOutputData()));
  }

  @Test
  void simpleStyleNamesBranchesAfterTheTaskAndPassesTheIndex() {
    String t = uniq("dyn_simple");
    registerTaskDef(t, null);
    String after = uniq("dyn_simple_after");
    registerTaskDef(after, null);
    String wf = uniq("dyn_simple_wf");
    registerWorkflow(wf, List.of(simpleStyleFork("dyn", t), join("join"),
        simpleTask(after, "after", map("second", expr("join.output._" + t + "_1.in.input")))), null);
    runWorkers(echo(t), echo(after));

    String id = start(wf, map("items", List.of(map("a", 1), "two", 3)));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    String r0 = "_" + t + "_0";
    String r1 = "_" + t + "_1";
    String r2 = "_" + t + "_2";
    assertEquals(List.of("dyn", r0, r1, r2, "join", "after"), refs(w), Describe.workflow(w));
    assertEquals("FORK", task(w, "dyn").getTaskType());
    assertEquals(map("a", 1, "__index", 0), normalizeNumbers(task(w, r0).getInputData()));
    assertEquals(map("input", "two", "__index", 1), normalizeNumbers(task(w, r1).getInputData()));
    assertEquals(map("input", 3, "__index", 2), normalizeNumbers(task(w, r2).getInputData()));
    for (String r : List.of(r0, r1, r2)) {
      assertEquals(t, task(w, r).getTaskType());
      assertEquals(t, task(w, r).getWorkflowTask().getName());
    }
    Task joinTask = task(w, "join");
    assertEquals(List.of(r0, r1, r2), joinTask.getInputData().get("joinOn"));
    assertEquals(Set.of(r0, r1, r2), joinTask.getOutputData().keySet());
    assertEquals(map("ref", r0, "in", map("a", 1, "__index", 0)), normalizeNumbers(joinTask.getOutputData().get(r0)));
    assertEquals(map("second", "two"), task(w, "after").getInputData());
  }

  @Test
  void legacyDynamicForkJoinTasksParamStyle() {
    String t = uniq("dyn_legacy");
    registerTaskDef(t, null);
    WorkflowTask fork = new WorkflowTask();
    fork.setName("dyn");
    fork.setTaskReferenceName("dyn");
    fork.setType("FORK_JOIN_DYNAMIC");
    fork.setDynamicForkJoinTasksParam("dynamicTasksJson");
    fork.setInputParameters(map("dynamicTasksJson", expr("workflow.input.legacy")));
    String wf = uniq("dyn_legacy_wf");
    registerWorkflow(wf, List.of(fork, join("join")), null);
    runWorkers(echo(t));

    String id = start(wf, map("legacy", map("dynamicTasks", List.of(
        map("taskName", t, "referenceName", "l0", "input", map("k", 0), "type", "SIMPLE"),
        map("taskName", t, "referenceName", "l1", "input", map("k", 1))))));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("dyn", "l0", "l1", "join"), refs(w), Describe.workflow(w));
    assertEquals(map("k", 1), normalizeNumbers(task(w, "l1").getInputData()));
    assertEquals(map(
        "l0", map("ref", "l0", "in", map("k", 0)),
        "l1", map("ref", "l1", "in", map("k", 1))), normalizeNumbers(task(w, "join").getOutputData()));
  }

  @Test
  void emptyDynamicForkCompletesForkAndJoinAtOnce() {
    String wf = uniq("dyn_empty_wf");
    registerWorkflow(wf, List.of(dynamicFork("dyn"), join("join")), null);

    Workflow w = awaitStatus(start(wf, map("tasks", List.of(), "inputs", map())), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("dyn", "join"), refs(w));
    assertEquals("FORK", task(w, "dyn").getTaskType());
    assertEquals(Task.Status.COMPLETED, task(w, "dyn").getStatus());
    assertEquals(Task.Status.COMPLETED, task(w, "join").getStatus());
    assertEquals(Map.of(), task(w, "join").getOutputData());
    assertEquals(List.of(), task(w, "join").getInputData().get("joinOn"));
  }

  @Test
  void emptySimpleStyleListCompletesToo() {
    String wf = uniq("dyn_empty_simple_wf");
    registerWorkflow(wf, List.of(simpleStyleFork("dyn", uniq("never_runs")), join("join")), null);

    Workflow w = awaitStatus(start(wf, map("items", List.of())), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("dyn", "join"), refs(w));
    assertEquals(Map.of(), task(w, "join").getOutputData());
  }

  @Test
  void duplicateReferenceNamesFailTheWorkflow() {
    String t = uniq("dyn_dup");
    String wf = uniq("dyn_dup_wf");
    registerWorkflow(wf, List.of(dynamicFork("dyn"), join("join")), null);

    String id = start(wf, map("tasks", List.of(taskJson(t, "same", map()), taskJson(t, "same", map())), "inputs", map()));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    assertEquals("Dynamic fork dyn: task reference name 'same' is used more than once in the workflow",
        w.getReasonForIncompletion());
    assertEquals(List.of("dyn"), refs(w), "nothing is forked");
    assertEquals(Task.Status.FAILED, task(w, "dyn").getStatus());
  }

  @Test
  void dynamicRefEqualToADefinitionRefFailsTheWorkflow() {
    String t = uniq("dyn_clash");
    String wf = uniq("dyn_clash_wf");
    registerWorkflow(wf, List.of(dynamicFork("dyn"), join("join")), null);

    Workflow w = awaitStatus(start(wf, map("tasks", List.of(taskJson(t, "join", map())), "inputs", map())),
        DONE, Workflow.WorkflowStatus.FAILED);

    assertTrue(w.getReasonForIncompletion().contains("'join' is used more than once"), w.getReasonForIncompletion());
  }

  @Test
  void inputsThatAreNotAMapFailTheWorkflow() {
    String t = uniq("dyn_badinput");
    String wf = uniq("dyn_badinput_wf");
    registerWorkflow(wf, List.of(dynamicFork("dyn"), join("join")), null);

    Workflow w = awaitStatus(start(wf, map("tasks", List.of(taskJson(t, "d0", map())), "inputs", List.of("nope"))),
        DONE, Workflow.WorkflowStatus.FAILED);

    assertTrue(w.getReasonForIncompletion().startsWith(
        "Dynamic fork dyn: input 'dynamicTasksInput' (dynamicForkTasksInputParamName) must be a map"), w.getReasonForIncompletion());
  }

  @Test
  void dynamicForkNotFollowedByJoinIsRefusedAndAStoredOneFailsTheWorkflow() {
    String t = uniq("dyn_nojoin");
    String wf = uniq("dyn_nojoin_wf");
    List<WorkflowTask> tasks = List.of(dynamicFork("dyn"), simpleTask(t, "x", map()));
    expectInvalid(workflowDef(wf, 1, tasks), "tasks[0]", "FORK_JOIN_DYNAMIC task 'dyn' must be followed by a JOIN task");
    storeWithoutValidation(wf, tasks); // registered before the rule existed

    Workflow w = awaitStatus(start(wf, map("tasks", List.of(taskJson(t, "d0", map())), "inputs", map())),
        DONE, Workflow.WorkflowStatus.FAILED);

    assertEquals("Fork task definition is not followed by a join task", w.getReasonForIncompletion());
    assertEquals(List.of("dyn"), refs(w));
  }

  @Test
  void optionalSimpleStyleForkMakesFailedBranchesCompletedWithErrors() {
    String t = uniq("dyn_optional");
    registerTaskDef(t, null);
    WorkflowTask fork = simpleStyleFork("dyn", t);
    fork.setOptional(true);
    String wf = uniq("dyn_optional_wf");
    registerWorkflow(wf, List.of(fork, join("join")), null);
    runWorkers(TestWorker.of(t, task -> ((Number) task.getInputData().get("__index")).intValue() == 1
        ? TestWorker.result(task, TaskResult.Status.FAILED, "item 1 is bad", map())
        : TestWorker.result(task, TaskResult.Status.COMPLETED, null, map("ok", true))));

    Workflow w = awaitStatus(start(wf, map("items", List.of("a", "b", "c"))), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertTrue(task(w, "_" + t + "_1").getWorkflowTask().isOptional(), "the fork's optional flag reaches its branches");
    assertEquals(Task.Status.COMPLETED_WITH_ERRORS, task(w, "_" + t + "_1").getStatus());
    assertEquals(Task.Status.COMPLETED_WITH_ERRORS, task(w, "join").getStatus());
  }

  @Test
  void simpleStyleForkTaskWorkflowRunsOneChildWorkflowPerItem() {
    String childTask = uniq("child_task");
    registerTaskDef(childTask, null);
    String child = uniq("dyn_child_wf");
    registerWorkflow(child, List.of(simpleTask(childTask, "c", map("x", expr("workflow.input.x")))), null);
    WorkflowTask fork = new WorkflowTask();
    fork.setName("dyn");
    fork.setTaskReferenceName("dyn");
    fork.setType("FORK_JOIN_DYNAMIC");
    fork.setInputParameters(map("forkTaskName", "sub", "forkTaskWorkflow", child, "forkTaskWorkflowVersion", "1",
        "forkTaskInputs", expr("workflow.input.items")));
    String wf = uniq("dyn_sub_wf");
    registerWorkflow(wf, List.of(fork, join("join")), null);

    String id = start(wf, map("items", List.of(map("x", 1), map("x", 2))));
    Workflow scheduled = workflow(id);
    assertEquals(List.of("dyn", "_sub_0", "_sub_1", "join"), refs(scheduled), Describe.workflow(scheduled));
    for (int i = 0; i < 2; i++) {
      Task branch = task(scheduled, "_sub_" + i);
      assertEquals("SUB_WORKFLOW", branch.getWorkflowTask().getType());
      assertEquals("SUB_WORKFLOW", branch.getTaskType());
      assertEquals(child, branch.getWorkflowTask().getSubWorkflowParam().getName());
      assertEquals(Integer.valueOf(1), branch.getWorkflowTask().getSubWorkflowParam().getVersion());
      assertEquals(i + 1, ((Number) branch.getInputData().get("x")).intValue());
      assertEquals(i, ((Number) branch.getInputData().get("__index")).intValue());
    }
    assertEquals(List.of("_sub_0", "_sub_1"), task(scheduled, "join").getInputData().get("joinOn"));

    runWorkers(echo(childTask));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Map<String, Object> joined = task(w, "join").getOutputData();
    for (int i = 0; i < 2; i++) {
      Task branch = task(w, "_sub_" + i);
      assertEquals(Task.Status.COMPLETED, branch.getStatus());
      Workflow childRun = workflow(branch.getSubWorkflowId());
      assertEquals(child, childRun.getWorkflowName());
      assertEquals(map("x", i + 1, "__index", i), normalizeNumbers(childRun.getInput()), "each child gets its item and index");
      assertEquals(map("ref", "c", "in", map("x", i + 1), "subWorkflowId", branch.getSubWorkflowId()),
          normalizeNumbers(joined.get("_sub_" + i)));
    }
  }

  @Test
  void dynamicForkInsideADoWhileSuffixesItsBranchesWithTheIteration() {
    String t = uniq("loop_dyn");
    registerTaskDef(t, null);
    WorkflowTask loop = ScriptTaskTestBase.doWhile("loop", "$.loop['iteration'] < 2", map(),
        List.of(simpleStyleFork("dyn", t), join("join")));
    String wf = uniq("loop_dyn_wf");
    registerWorkflow(wf, List.of(loop), null);
    runWorkers(echo(t));

    Workflow w = awaitStatus(start(wf, map("items", List.of("p", "q"))), DONE, Workflow.WorkflowStatus.COMPLETED);

    String r0 = "_" + t + "_0";
    String r1 = "_" + t + "_1";
    assertEquals(List.of("loop", "dyn__1", r0 + "__1", r1 + "__1", "join__1", "dyn__2", r0 + "__2", r1 + "__2", "join__2"),
        refs(w), Describe.workflow(w));
    assertEquals(List.of(r0, r1), task(w, "join__2").getInputData().get("joinOn"));
    assertEquals(Set.of(r0 + "__2", r1 + "__2"), task(w, "join__2").getOutputData().keySet());
    assertEquals(map("input", "q", "__index", 1), normalizeNumbers(task(w, r1 + "__2").getInputData()));
  }

  @Test
  void dynamicForkOf2000SimpleTasksWith8WorkersCompletes() {
    runLargeFork(2_000, 8, Duration.ofSeconds(300));
  }

  /**
   * Benchmark for the 10,000-branch target (≤ 15 s); prints the time and asserts only completion.
   * Off by default to keep the suite short: {@code -Dforks.benchmark=true} runs it, and
   * {@code -Dforks.benchmark.size=N} changes the size.
   */
  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "forks.benchmark", matches = "true")
  void dynamicForkOf10000SimpleTasksCompletes() {
    runLargeFork(Integer.getInteger("forks.benchmark.size", 10_000), 8, Duration.ofSeconds(600));
  }

  /**
   * A worker task builds the task list (as users usually do); the fork reads it from that task's
   * output. Every branch is a SIMPLE task run by {@code threads} worker threads.
   */
  private void runLargeFork(int size, int threads, Duration timeout) {
    String t = uniq("dyn_big");
    String generator = uniq("dyn_big_gen");
    registerTaskDef(t, null);
    registerTaskDef(generator, null);
    WorkflowTask fork = dynamicFork("dyn");
    fork.setInputParameters(map("dynamicTasks", expr("gen.output.tasks"), "dynamicTasksInput", expr("gen.output.inputs")));
    String wf = uniq("dyn_big_wf");
    registerWorkflow(wf, List.of(simpleTask(generator, "gen", map("size", expr("workflow.input.size"))), fork, join("join")), null);
    TestWorker gen = TestWorker.completing(generator, task -> {
      int n = ((Number) task.getInputData().get("size")).intValue();
      List<Object> tasks = new ArrayList<>(n);
      Map<String, Object> inputs = new java.util.LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        tasks.add(taskJson(t, "b" + i, map()));
        inputs.put("b" + i, map("i", i));
      }
      return map("tasks", tasks, "inputs", inputs);
    });
    TestWorker worker = TestWorker.completing(t, task -> map("i", task.getInputData().get("i")));
    runWorkers(RunnerOptions.defaults().threads(threads), worker, gen);

    long cpuBefore = serverEventLoopCpuMs();
    long startedAt = System.nanoTime();
    String id = start(wf, map("size", size));
    Await.await("dynamic fork of " + size + " to complete", timeout,
        () -> workflowClient.getWorkflow(id, false), x -> x.getStatus() == Workflow.WorkflowStatus.COMPLETED);
    long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
    log("dynamic fork of " + size + " SIMPLE tasks, " + threads + " worker threads: completed in " + elapsedMs
        + " ms; server event-loop CPU " + (serverEventLoopCpuMs() - cpuBefore) + " ms; load average "
        + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    Workflow w = workflow(id);
    assertEquals(size + 3, w.getTasks().size());
    Task joinTask = task(w, "join");
    assertEquals(Task.Status.COMPLETED, joinTask.getStatus());
    assertEquals(size, joinTask.getOutputData().size());
    assertEquals(map("i", size - 1), normalizeNumbers(joinTask.getOutputData().get("b" + (size - 1))));
    Set<String> ran = new HashSet<>();
    worker.executions().forEach(e -> ran.add(e.ref()));
    assertEquals(size, ran.size(), "every branch ran");
  }

  /**
   * CPU time of the Vert.x event loops (the server's deciders and HTTP verticles run there; the
   * SDK workers do not), which unlike wall time does not depend on what else the machine runs.
   */
  private static long serverEventLoopCpuMs() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("vert.x-eventloop-thread")) {
        total += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total / 1_000_000;
  }
}
