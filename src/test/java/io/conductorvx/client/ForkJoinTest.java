package io.conductorvx.client;

import static io.conductorvx.client.SimpleWorkflowTest.normalizeNumbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FORK_JOIN, JOIN and EXCLUSIVE_JOIN through the official client. */
class ForkJoinTest extends ClientTestBase {
  static final Duration DONE = Duration.ofSeconds(10);

  @SafeVarargs
  static WorkflowTask fork(String ref, List<WorkflowTask>... branches) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType("FORK_JOIN");
    t.setForkTasks(new ArrayList<>(Arrays.asList(branches)));
    return t;
  }

  static WorkflowTask join(String ref, String... joinOn) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType("JOIN");
    t.setJoinOn(new ArrayList<>(List.of(joinOn)));
    return t;
  }

  /** A worker whose output names the task that ran and echoes its input. */
  static TestWorker echo(String taskName) {
    return TestWorker.completing(taskName, t -> map("ref", t.getReferenceTaskName(), "in", t.getInputData()));
  }

  static List<String> refs(Workflow w) {
    return w.getTasks().stream().map(Task::getReferenceTaskName).toList();
  }

  static Task task(Workflow w, String ref) {
    return w.getTasks().stream().filter(t -> ref.equals(t.getReferenceTaskName())).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no task " + ref + " in " + Describe.workflow(w)));
  }

  @Test
  void twoBranchForkRunsBranchesAndJoinCollectsTheLastTaskOfEachBranch() {
    String a = uniq("fork_a");
    String b = uniq("fork_b");
    String after = uniq("after_join");
    registerTaskDef(a, null);
    registerTaskDef(b, null);
    registerTaskDef(after, null);
    String wf = uniq("fork2");
    registerWorkflow(wf, List.of(
        fork("fork", List.of(simpleTask(a, "a1", map("n", 1)), simpleTask(a, "a2", map("prev", expr("a1.output.ref")))),
            List.of(simpleTask(b, "b1", map("n", 2)))),
        join("join", "a2", "b1"),
        simpleTask(after, "after", map("fromA", expr("join.output.a2.ref"), "fromB", expr("join.output.b1.in.n")))), null);
    runWorkers(echo(a), echo(b), echo(after));

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("fork", "a1", "b1", "join", "a2", "after"), refs(w), Describe.workflow(w));
    Task forkTask = task(w, "fork");
    assertEquals("FORK", forkTask.getTaskType());
    assertEquals(Task.Status.COMPLETED, forkTask.getStatus());
    Task joinTask = task(w, "join");
    assertEquals("JOIN", joinTask.getTaskType());
    assertEquals(Task.Status.COMPLETED, joinTask.getStatus());
    assertEquals(List.of("a2", "b1"), joinTask.getInputData().get("joinOn"));
    assertEquals(map(
        "a2", map("ref", "a2", "in", map("prev", "a1")),
        "b1", map("ref", "b1", "in", map("n", 2))), normalizeNumbers(joinTask.getOutputData()));
    assertEquals(map("fromA", "a2", "fromB", 2), normalizeNumbers(task(w, "after").getInputData()));
    w.getTasks().forEach(t -> assertEquals(Task.Status.COMPLETED, t.getStatus(), Describe.task(t)));
    assertTrue(joinTask.getEndTime() >= task(w, "a2").getEndTime(), "JOIN ends after its last branch");
  }

  @Test
  void threeBranchForkSchedulesEveryBranchHeadWithTheJoin() {
    String t = uniq("fork3");
    registerTaskDef(t, null);
    String wf = uniq("fork3_wf");
    registerWorkflow(wf, List.of(
        fork("fork", List.of(simpleTask(t, "x", map("i", 0))), List.of(simpleTask(t, "y", map("i", 1))),
            List.of(simpleTask(t, "z", map("i", 2)))),
        join("join", "x", "y", "z")), null);

    String id = start(wf, map());
    // Before any worker runs: the FORK is done, every branch head and the JOIN exist already.
    Workflow running = workflow(id);
    assertEquals(List.of("fork", "x", "y", "z", "join"), refs(running));
    assertEquals(Task.Status.COMPLETED, task(running, "fork").getStatus());
    assertEquals(List.of(Task.Status.SCHEDULED, Task.Status.SCHEDULED, Task.Status.SCHEDULED),
        List.of(task(running, "x").getStatus(), task(running, "y").getStatus(), task(running, "z").getStatus()));
    assertEquals(Task.Status.IN_PROGRESS, task(running, "join").getStatus());

    runWorkers(echo(t));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task joinTask = task(w, "join");
    assertEquals(map(
        "x", map("ref", "x", "in", map("i", 0)),
        "y", map("ref", "y", "in", map("i", 1)),
        "z", map("ref", "z", "in", map("i", 2))), normalizeNumbers(joinTask.getOutputData()));
    assertEquals(normalizeNumbers(joinTask.getOutputData()), normalizeNumbers(w.getOutput()),
        "the JOIN is the last task, so its output is the workflow's");
  }

  @Test
  void optionalFailingBranchMakesJoinCompletedWithErrors() {
    String ok = uniq("fork_ok");
    String bad = uniq("fork_bad");
    registerTaskDef(ok, null);
    registerTaskDef(bad, null);
    WorkflowTask failing = simpleTask(bad, "bad", map());
    failing.setOptional(true);
    String wf = uniq("fork_optional");
    registerWorkflow(wf, List.of(
        fork("fork", List.of(simpleTask(ok, "good", map())), List.of(failing)),
        join("join", "good", "bad")), null);
    runWorkers(echo(ok), TestWorker.of(bad, t -> TestWorker.result(t, TaskResult.Status.FAILED, "optional boom", map("partial", true))));

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(Task.Status.COMPLETED_WITH_ERRORS, task(w, "bad").getStatus());
    assertEquals("optional boom", task(w, "bad").getReasonForIncompletion());
    Task joinTask = task(w, "join");
    assertEquals(Task.Status.COMPLETED_WITH_ERRORS, joinTask.getStatus(), Describe.task(joinTask));
    assertEquals(map("good", map("ref", "good", "in", map()), "bad", map("partial", true)),
        normalizeNumbers(joinTask.getOutputData()));
  }

  @Test
  void failingNonOptionalBranchFailsTheWorkflowWithItsReason() {
    String slow = uniq("fork_slow");
    String bad = uniq("fork_fails");
    registerTaskDef(slow, null);
    registerTaskDef(bad, null);
    String wf = uniq("fork_failure");
    registerWorkflow(wf, List.of(
        fork("fork", List.of(simpleTask(slow, "waiting", map())), List.of(simpleTask(bad, "boom", map()))),
        join("join", "waiting", "boom")), null);
    TestWorker failer = TestWorker.of(bad, t -> TestWorker.result(t, TaskResult.Status.FAILED, "disk on fire", map()));
    runWorkers(failer); // nobody runs the other branch

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    Task boom = task(w, "boom");
    assertEquals(Task.Status.FAILED, boom.getStatus());
    assertEquals("Task " + boom.getTaskId() + " failed with status: FAILED and reason: 'disk on fire'",
        w.getReasonForIncompletion());
    assertEquals(Task.Status.CANCELED, task(w, "waiting").getStatus(), "the other branch is canceled");
    assertEquals(Task.Status.CANCELED, task(w, "join").getStatus(), "the JOIN is canceled with the workflow");
    assertTrue(w.getFailedReferenceTaskNames().contains("boom"), Describe.workflow(w));
  }

  @Test
  void joinWaitsOnlyForTheTasksInJoinOn() {
    String fast = uniq("fork_fast");
    String held = uniq("fork_held");
    String after = uniq("after_partial_join");
    registerTaskDef(fast, null);
    registerTaskDef(held, null);
    registerTaskDef(after, null);
    String wf = uniq("fork_partial");
    registerWorkflow(wf, List.of(
        fork("fork", List.of(simpleTask(fast, "fast", map())), List.of(simpleTask(held, "held", map()))),
        join("join", "fast"),
        simpleTask(after, "after", map())), null);
    runWorkers(echo(fast), echo(after));

    String id = start(wf, map());
    // The JOIN completes and the flow moves on while the unlisted branch is still waiting.
    Workflow mid = awaitWorkflow("task after the join completed", id, DONE,
        x -> x.getTasks().stream().anyMatch(t -> "after".equals(t.getReferenceTaskName()) && t.getStatus() == Task.Status.COMPLETED));
    assertEquals(Workflow.WorkflowStatus.RUNNING, mid.getStatus(), "the held branch keeps the workflow running");
    assertEquals(Task.Status.SCHEDULED, task(mid, "held").getStatus());
    Task joinTask = task(mid, "join");
    assertEquals(Task.Status.COMPLETED, joinTask.getStatus());
    assertEquals(map("fast", map("ref", "fast", "in", map())), normalizeNumbers(joinTask.getOutputData()));

    complete(awaitPoll(held, "manual", null, DONE), map("late", true));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(List.of("fork", "fast", "held", "join", "after"), refs(w));
  }

  @Test
  void forkNotFollowedByJoinIsRefusedAndAStoredOneFailsTheWorkflow() {
    String t = uniq("fork_nojoin");
    registerTaskDef(t, null);
    String wf = uniq("fork_without_join");
    List<WorkflowTask> tasks = List.of(
        fork("fork", List.of(simpleTask(t, "x", map()))),
        simpleTask(t, "not_a_join", map()));
    expectInvalid(workflowDef(wf, 1, tasks), "tasks[0]", "FORK_JOIN task 'fork' must be followed by a JOIN task");
    storeWithoutValidation(wf, tasks); // registered before the rule existed

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    assertEquals("Fork task definition is not followed by a join task", w.getReasonForIncompletion());
    assertEquals(List.of("fork"), refs(w), "no branch is started: " + Describe.workflow(w));
    assertEquals("FORK", task(w, "fork").getTaskType());
    assertEquals(Task.Status.FAILED, task(w, "fork").getStatus());
  }

  @Test
  void exclusiveJoinTakesTheOutputOfTheFirstJoinOnTaskThatRan() {
    String t = uniq("xjoin_task");
    registerTaskDef(t, null);
    WorkflowTask xjoin = new WorkflowTask();
    xjoin.setName("xjoin");
    xjoin.setTaskReferenceName("xjoin");
    xjoin.setType("EXCLUSIVE_JOIN");
    xjoin.setJoinOn(List.of("never_scheduled", "ran"));
    String wf = uniq("xjoin_wf");
    registerWorkflow(wf, List.of(simpleTask(t, "ran", map("v", 7)), xjoin), null);
    runWorkers(echo(t));

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    Task joined = task(w, "xjoin");
    assertEquals("EXCLUSIVE_JOIN", joined.getTaskType());
    assertEquals(Task.Status.COMPLETED, joined.getStatus());
    assertEquals(map("ref", "ran", "in", map("v", 7)), normalizeNumbers(joined.getOutputData()));
  }

  @Test
  void exclusiveJoinFallsBackToTheDefaultExclusiveJoinTask() {
    String t = uniq("xjoin_default");
    registerTaskDef(t, null);
    WorkflowTask xjoin = new WorkflowTask();
    xjoin.setName("xjoin");
    xjoin.setTaskReferenceName("xjoin");
    xjoin.setType("EXCLUSIVE_JOIN");
    xjoin.setJoinOn(List.of("case_a_end", "case_b_end"));
    xjoin.setDefaultExclusiveJoinTask(List.of("fallback"));
    String wf = uniq("xjoin_default_wf");
    registerWorkflow(wf, List.of(simpleTask(t, "fallback", map("v", "default")), xjoin), null);
    runWorkers(echo(t));

    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(map("ref", "fallback", "in", map("v", "default")), normalizeNumbers(task(w, "xjoin").getOutputData()));
  }

  @Test
  void exclusiveJoinAfterSwitchJoinsTheCaseThatRan() {
    String t = uniq("switch_case");
    registerTaskDef(t, null);
    WorkflowTask sw = new WorkflowTask();
    sw.setName("switch");
    sw.setTaskReferenceName("switch");
    sw.setType("SWITCH");
    sw.setEvaluatorType("value-param");
    sw.setExpression("which");
    sw.setInputParameters(map("which", expr("workflow.input.which")));
    sw.setDecisionCases(Map.of(
        "a", List.of(simpleTask(t, "case_a", map("c", "a"))),
        "b", List.of(simpleTask(t, "case_b", map("c", "b")))));
    WorkflowTask xjoin = new WorkflowTask();
    xjoin.setName("xjoin");
    xjoin.setTaskReferenceName("xjoin");
    xjoin.setType("EXCLUSIVE_JOIN");
    xjoin.setJoinOn(List.of("case_a", "case_b"));
    String wf = uniq("switch_xjoin");
    registerWorkflow(wf, List.of(sw, xjoin), null);
    runWorkers(echo(t));

    Workflow w = awaitStatus(start(wf, map("which", "b")), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("switch", "case_b", "xjoin"), refs(w));
    Task joined = task(w, "xjoin");
    assertEquals(map("ref", "case_b", "in", map("c", "b")), normalizeNumbers(joined.getOutputData()));
    assertNull(joined.getReasonForIncompletion());
    assertNotNull(joined.getEndTime());
  }

  @Test
  void forkInsideADoWhileJoinsTheBranchesOfEachIteration() {
    String t = uniq("loop_fork");
    registerTaskDef(t, null);
    WorkflowTask loop = ScriptTaskTestBase.doWhile("loop", "$.loop['iteration'] < 2", map(), List.of(
        fork("fork", List.of(simpleTask(t, "a", map("it", expr("loop.output.iteration")))), List.of(simpleTask(t, "b", map()))),
        join("join", "a", "b")));
    String wf = uniq("loop_fork_wf");
    registerWorkflow(wf, List.of(loop), null);
    runWorkers(echo(t));

    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("loop", "fork__1", "a__1", "b__1", "join__1", "fork__2", "a__2", "b__2", "join__2"), refs(w),
        Describe.workflow(w));
    assertEquals("FORK", task(w, "fork__2").getTaskType());
    assertEquals(2, task(w, "join__2").getIteration());
    assertEquals(List.of("a", "b"), task(w, "join__2").getInputData().get("joinOn"), "joinOn as defined; the iteration is added when joining");
    assertEquals(map(
        "a__2", map("ref", "a__2", "in", map("it", 2)),
        "b__2", map("ref", "b__2", "in", map())), normalizeNumbers(task(w, "join__2").getOutputData()));
    assertEquals(map("ref", "a__1", "in", map("it", 1)), normalizeNumbers(task(w, "join__1").getOutputData().get("a__1")));
  }
}
