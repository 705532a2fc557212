package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.RerunWorkflowRequest;
import com.netflix.conductor.common.model.BulkResponse;
import com.netflix.conductor.common.run.Workflow;
import com.netflix.conductor.common.run.WorkflowTestRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** retry / restart / rerun / skip / bulk terminate / decide (semantics.md §11, api.md §2 "Control"). */
class OperatorActionsTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  /** Registers a/b/c SIMPLE tasks (retryCount 0) and returns the workflow name; types are a_, b_, c_ + suffix. */
  private String threeStep(String suffix) {
    for (String p : List.of("a_", "b_", "c_")) {
      registerTaskDef(p + suffix, null);
    }
    String wf = uniq("ops_wf");
    registerWorkflow(wf, List.of(
        simpleTask("a_" + suffix, "a", map("in", expr("workflow.input.v"))),
        simpleTask("b_" + suffix, "b", map("prev", expr("a.output.r"))),
        simpleTask("c_" + suffix, "c", map("prev", expr("b.output.r")))), null);
    return wf;
  }

  private void completeNext(String type, Map<String, Object> output) {
    complete(awaitPoll(type, "ops-worker", null, DONE), output);
  }

  @Test
  void retryOfAFailedWorkflowReschedulesTheFailedTaskAndContinues() {
    String s = uniq("retry");
    String id = start(threeStep(s), map("v", 1));
    completeNext("a_" + s, map("r", "A"));
    Task b = awaitPoll("b_" + s, "ops-worker", null, DONE);
    fail(b, "first try");
    Workflow failed = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    assertTrue(failed.getReasonForIncompletion().contains("first try"), failed.getReasonForIncompletion());

    workflowClient.retryLastFailedTask(id);
    Workflow w = workflow(id);
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus(), Describe.workflow(w));
    assertNull(w.getReasonForIncompletion(), "retry clears the reason");
    assertTrue(w.getLastRetriedTime() > 0, "lastRetriedTime set");
    List<Task> bAttempts = attempts(w, "b");
    assertEquals(2, bAttempts.size(), Describe.workflow(w));
    assertEquals(1, bAttempts.get(1).getRetryCount());
    assertEquals(b.getTaskId(), bAttempts.get(1).getRetriedTaskId());
    assertEquals("A", bAttempts.get(1).getInputData().get("prev"), "input re-evaluated");

    completeNext("b_" + s, map("r", "B"));
    completeNext("c_" + s, map("r", "C"));
    Workflow done = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(1, attempts(done, "a").size(), "succeeded tasks are not re-run");
    assertEquals(map("r", "C"), done.getOutput());
  }

  @Test
  void retryOfARunningWorkflowIs404() {
    String s = uniq("retry_running");
    String id = start(threeStep(s), map());
    expectStatus(404, () -> workflowClient.retryLastFailedTask(id));
    workflowClient.terminateWorkflow(id, "cleanup");
  }

  @Test
  void restartOfACompletedWorkflowRunsItAgainUnderTheSameId() {
    String s = uniq("restart");
    String id = start(threeStep(s), map("v", 7));
    completeNext("a_" + s, map("r", "A1"));
    completeNext("b_" + s, map("r", "B1"));
    completeNext("c_" + s, map("r", "C1"));
    Workflow first = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    workflowClient.restart(id, false);
    Workflow restarted = workflow(id);
    assertEquals(Workflow.WorkflowStatus.RUNNING, restarted.getStatus());
    assertEquals(1, restarted.getTasks().size(), "all old tasks removed, first task scheduled: " + Describe.workflow(restarted));
    assertNotEquals(first.getTaskByRefName("a").getTaskId(), restarted.getTasks().get(0).getTaskId());
    assertEquals(map("v", 7), SimpleWorkflowTest.normalizeNumbers(restarted.getInput()), "same input");
    assertEquals(0, restarted.getEndTime(), "endTime cleared");

    completeNext("a_" + s, map("r", "A2"));
    completeNext("b_" + s, map("r", "B2"));
    completeNext("c_" + s, map("r", "C2"));
    assertEquals(map("r", "C2"), awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED).getOutput());
  }

  @Test
  void restartWithLatestDefinitionsUsesTheNewestVersion() {
    String type = uniq("restart_latest");
    String extra = uniq("restart_latest_extra");
    String wf = uniq("restart_latest_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String id = start(wf, map());
    completeNext(type, map());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    metadataClient.registerWorkflowDef(workflowDef(wf, 2, List.of(simpleTask(type, "t", Map.of()), simpleTask(extra, "x", Map.of()))));

    workflowClient.restart(id, true);
    Workflow w = workflow(id);
    assertEquals(2, w.getWorkflowVersion(), "useLatestDefinitions=true switches to v2");
    completeNext(type, map());
    completeNext(extra, map("v2", true));
    assertEquals(map("v2", true), awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED).getOutput());
  }

  @Test
  void restartOfARunningWorkflowIs409() {
    String s = uniq("restart_running");
    String id = start(threeStep(s), map());
    expectStatus(409, () -> workflowClient.restart(id, false));
    workflowClient.terminateWorkflow(id, "cleanup");
  }

  @Test
  void restartOfANonRestartableCompletedWorkflowIs404() {
    String type = uniq("nonrestartable");
    String wf = uniq("nonrestartable_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), d -> d.setRestartable(false));
    String id = start(wf, map());
    completeNext(type, map());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    expectStatus(404, () -> workflowClient.restart(id, false));
  }

  @Test
  void rerunFromATaskResetsThatTaskInPlaceAndDropsLaterTasks() {
    String s = uniq("rerun");
    String id = start(threeStep(s), map("v", 1));
    completeNext("a_" + s, map("r", "A"));
    completeNext("b_" + s, map("r", "B"));
    completeNext("c_" + s, map("r", "C"));
    Workflow done = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task b = done.getTaskByRefName("b");

    RerunWorkflowRequest req = new RerunWorkflowRequest();
    req.setReRunFromTaskId(b.getTaskId());
    req.setTaskInput(map("prev", "override"));
    String returned = workflowClient.rerunWorkflow(id, req);
    assertEquals(id, returned, "rerun returns the same id as text/plain");

    Workflow w = workflow(id);
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus());
    assertEquals(List.of("a", "b"), w.getTasks().stream().map(Task::getReferenceTaskName).toList(),
        "tasks after the rerun point are removed: " + Describe.workflow(w));
    assertEquals(Task.Status.COMPLETED, w.getTaskByRefName("a").getStatus());
    Task reset = w.getTaskByRefName("b");
    assertEquals(b.getTaskId(), reset.getTaskId(), "reset in place, same taskId");
    assertEquals(Task.Status.SCHEDULED, reset.getStatus());
    assertEquals("override", reset.getInputData().get("prev"), "taskInput replaces the input");

    Task again = awaitPoll("b_" + s, "ops-worker", null, DONE);
    assertEquals(b.getTaskId(), again.getTaskId());
    complete(again, map("r", "B2"));
    completeNext("c_" + s, map("r", "C2"));
    Workflow rerun = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals("B2", rerun.getTaskByRefName("c").getInputData().get("prev"));
  }

  @Test
  void rerunWithoutATaskStartsOverWithTheNewInput() {
    String s = uniq("rerun_all");
    String id = start(threeStep(s), map("v", 1));
    Task a = awaitPoll("a_" + s, "ops-worker", null, DONE);
    fail(a, "no");
    awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    RerunWorkflowRequest req = new RerunWorkflowRequest();
    req.setWorkflowInput(map("v", 2));
    assertEquals(id, workflowClient.rerunWorkflow(id, req));
    Workflow w = workflow(id);
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus());
    assertEquals(2, ((Number) w.getInput().get("v")).intValue());
    assertEquals(1, w.getTasks().size(), Describe.workflow(w));
    assertEquals(2, ((Number) awaitPoll("a_" + s, "ops-worker", null, DONE).getInputData().get("in")).intValue());
    workflowClient.terminateWorkflow(id, "cleanup");
  }

  @Test
  void rerunOfARunningWorkflowIs409() {
    String s = uniq("rerun_running");
    String id = start(threeStep(s), map());
    expectStatus(409, () -> workflowClient.rerunWorkflow(id, new RerunWorkflowRequest()));
    workflowClient.terminateWorkflow(id, "cleanup");
  }

  @Test
  void skippedTaskIsSteppedOverWhenTheFlowReachesIt() {
    String s = uniq("skip");
    String id = start(threeStep(s), map());
    Task a = awaitPoll("a_" + s, "ops-worker", null, DONE);
    workflowClient.skipTaskFromWorkflow(id, "b");
    complete(a, map("r", "A"));
    completeNext("c_" + s, map("r", "C"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(Task.Status.SKIPPED, w.getTaskByRefName("b").getStatus(), Describe.workflow(w));
    assertEquals(Task.Status.COMPLETED, w.getTaskByRefName("c").getStatus());
    assertNull(taskClient.pollTask("b_" + s, "ops-worker", null), "the skipped task was never queued");
  }

  @Test
  void bulkTerminateReportsEachIdIndependently() {
    String s = uniq("bulk");
    String wf = threeStep(s);
    String running = start(wf, map());
    String alsoRunning = start(wf, map());
    String missing = UUID.randomUUID().toString();
    BulkResponse resp = workflowClient.terminateWorkflows(List.of(running, missing, alsoRunning), "bulk stop");
    assertTrue(resp.getBulkSuccessfulResults().containsAll(List.of(running, alsoRunning)), resp.toString());
    assertTrue(resp.getBulkErrorResults().containsKey(missing), "unknown id reported as an error: " + resp);
    assertEquals(Workflow.WorkflowStatus.TERMINATED, workflow(running).getStatus());
    assertEquals("bulk stop", workflow(alsoRunning).getReasonForIncompletion());
  }

  @Test
  void decideOnARunningWorkflowChangesNothingVisible() {
    String s = uniq("decide");
    String id = start(threeStep(s), map());
    Workflow before = workflow(id);
    workflowClient.runDecider(id);
    Workflow after = workflow(id);
    assertEquals(Workflow.WorkflowStatus.RUNNING, after.getStatus());
    assertEquals(before.getTasks().size(), after.getTasks().size(), Describe.workflow(after));
    workflowClient.terminateWorkflow(id, "cleanup");
  }

  @Test
  void testWorkflowRunsTheDefinitionWithMockedOutputsInOrder() {
    String a = uniq("mocked_a");
    String b = uniq("mocked_b");
    registerTaskDef(a, d -> d.setRetryCount(1));
    String wf = uniq("mocked_wf");
    WorkflowDef def = registerWorkflow(wf, List.of(simpleTask(a, "a", Map.of()),
        simpleTask(b, "b", map("fromA", expr("a.output.value")))), d -> d.setOutputParameters(map("result", expr("b.output.echo"))));

    WorkflowTestRequest.TaskMock failure = new WorkflowTestRequest.TaskMock(TaskResult.Status.FAILED, Map.of("why", "first"));
    WorkflowTestRequest.TaskMock success = new WorkflowTestRequest.TaskMock(TaskResult.Status.COMPLETED, Map.of("value", 7));
    WorkflowTestRequest.TaskMock echo = new WorkflowTestRequest.TaskMock(TaskResult.Status.COMPLETED, Map.of("echo", "seven"));
    WorkflowTestRequest request = new WorkflowTestRequest();
    request.setName(wf);
    request.setVersion(def.getVersion());
    request.setInput(map());
    request.setTaskRefToMockOutput(Map.of("a", List.of(failure, success), "b", List.of(echo)));

    Workflow run = workflowClient.testWorkflow(request);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, run.getStatus(), Describe.workflow(run));
    assertEquals(Map.of("result", "seven"), run.getOutput());
    List<Task> attemptsOfA = attempts(run, "a");
    assertEquals(List.of(Task.Status.FAILED, Task.Status.COMPLETED), attemptsOfA.stream().map(Task::getStatus).toList(),
        "the first mock failed the task, its retry took the second");
    assertEquals(7, run.getTaskByRefName("b").getInputData().get("fromA"));
  }
}
