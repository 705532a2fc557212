package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retry rules and backoff formulas (semantics.md §8), terminal errors, optional tasks. */
class RetryTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  @Test
  void workerFailingTwiceThenSucceedingWithRetryCount2Completes() {
    String type = uniq("flaky");
    registerTaskDef(type, d -> {
      d.setRetryCount(2);
      d.setRetryDelaySeconds(0);
    });
    String wf = uniq("flaky_wf");
    String after = uniq("after_flaky");
    registerWorkflow(wf, List.of(simpleTask(type, "flaky_ref", map("in", expr("workflow.input.v"))),
        simpleTask(after, "after_ref", map("seenAttempt", expr("flaky_ref.output.attempt"), "seenRetryCount", expr("flaky_ref.retryCount")))),
        null);
    TestWorker afterW = TestWorker.completing(after, t -> map("seenAttempt", t.getInputData().get("seenAttempt")));
    TestWorker worker = TestWorker.of(type, task -> task.getRetryCount() < 2
        ? TestWorker.result(task, TaskResult.Status.FAILED, "attempt " + task.getRetryCount() + " failed", Map.of("attempt", task.getRetryCount()))
        : TestWorker.result(task, TaskResult.Status.COMPLETED, null, Map.of("attempt", task.getRetryCount(), "in", task.getInputData().get("in"))));
    runWorkers(worker, afterW);

    String id = start(wf, map("v", "hello"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    List<Task> attempts = attempts(w, "flaky_ref");
    assertEquals(3, attempts.size(), Describe.workflow(w));
    assertEquals(4, w.getTasks().size(), "three attempts plus the next task: " + Describe.workflow(w));
    Map<String, Object> afterInput = w.getTaskByRefName("after_ref").getInputData();
    assertEquals(2, ((Number) afterInput.get("seenAttempt")).intValue(), "${ref.output} is the latest attempt's output");
    assertEquals(2, ((Number) afterInput.get("seenRetryCount")).intValue(), "${ref.retryCount} of the latest attempt");
    assertEquals(3, new HashSet<>(attempts.stream().map(Task::getTaskId).toList()).size(), "each attempt has a new taskId");
    for (int i = 0; i < 3; i++) {
      Task t = attempts.get(i);
      assertEquals(i, t.getRetryCount(), Describe.task(t));
      assertEquals(type, t.getTaskType());
      assertEquals("hello", t.getInputData().get("in"), "input re-evaluated for every attempt");
      if (i == 0) {
        assertNull(t.getRetriedTaskId(), "first attempt retries nothing");
      } else {
        assertEquals(attempts.get(i - 1).getTaskId(), t.getRetriedTaskId(), "retriedTaskId links to the previous attempt");
      }
    }
    assertEquals(Task.Status.FAILED, attempts.get(0).getStatus());
    assertEquals(Task.Status.FAILED, attempts.get(1).getStatus());
    assertEquals(Task.Status.COMPLETED, attempts.get(2).getStatus());
    assertTrue(attempts.get(0).isRetried() && attempts.get(1).isRetried(), "failed attempts are marked retried");
    assertFalse(attempts.get(2).isRetried());
    assertEquals("attempt 0 failed", attempts.get(0).getReasonForIncompletion());
    assertEquals("attempt 1 failed", attempts.get(1).getReasonForIncompletion());
    assertEquals(2, ((Number) attempts.get(2).getOutputData().get("attempt")).intValue(), "output of the successful attempt");
    assertEquals(3, worker.executions().size(), "worker ran three times");
  }

  @Test
  void workerExceptionFailsTheTaskWithItsMessageAndIsRetried() {
    // the SDK turns an exception thrown by Worker.execute into a FAILED result with the message
    String type = uniq("throws");
    registerTaskDef(type, d -> {
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    String wf = uniq("throws_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "x", Map.of())), null);
    TestWorker worker = TestWorker.of(type, t -> {
      if (t.getRetryCount() == 0) {
        throw new IllegalStateException("kaboom from the worker");
      }
      return TestWorker.result(t, TaskResult.Status.COMPLETED, null, Map.of("ok", true));
    });
    runWorkers(worker);
    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED, Workflow.WorkflowStatus.FAILED);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, w.getStatus(), Describe.workflow(w));
    Task failed = attempts(w, "x").get(0);
    assertEquals(Task.Status.FAILED, failed.getStatus());
    assertTrue(failed.getReasonForIncompletion() != null && failed.getReasonForIncompletion().contains("kaboom from the worker"),
        "reason carries the exception message: " + failed.getReasonForIncompletion());
    List<com.netflix.conductor.common.metadata.tasks.TaskExecLog> logs = taskClient.getTaskLogs(failed.getTaskId());
    assertTrue(logs != null && logs.stream().anyMatch(l -> l.getLog().contains("kaboom")),
        "the SDK's stack-trace log entry is stored: " + logs);
  }

  @Test
  void exhaustedRetriesFailTheWorkflowWithTheSpecReason() {
    String type = uniq("always_fails");
    registerTaskDef(type, d -> {
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    String wf = uniq("exhausted_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "f", Map.of()), simpleTask(uniq("never"), "after", Map.of())), null);
    runWorkers(TestWorker.of(type, t -> TestWorker.result(t, TaskResult.Status.FAILED, "boom", Map.of())));

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    List<Task> attempts = attempts(w, "f");
    assertEquals(2, attempts.size(), "retryCount 1 = 2 executions: " + Describe.workflow(w));
    Task last = attempts.get(1);
    assertEquals("Task " + last.getTaskId() + " failed with status: FAILED and reason: 'boom'", w.getReasonForIncompletion());
    assertTrue(w.getTasks().stream().noneMatch(t -> t.getReferenceTaskName().equals("after")), "next task never scheduled");
    assertTrue(w.getEndTime() > 0);
  }

  @Test
  void workflowTaskRetryCountOverridesTaskDef() {
    String type = uniq("override");
    registerTaskDef(type, d -> {
      d.setRetryCount(5);
      d.setRetryDelaySeconds(0);
    });
    WorkflowTask task = simpleTask(type, "o", Map.of());
    task.setRetryCount(0);
    String wf = uniq("override_wf");
    registerWorkflow(wf, List.of(task), null);
    runWorkers(TestWorker.of(type, t -> TestWorker.result(t, TaskResult.Status.FAILED, "nope", Map.of())));

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    assertEquals(1, attempts(w, "o").size(), "WorkflowTask.retryCount=0 wins over TaskDef.retryCount=5: " + Describe.workflow(w));
  }

  @Test
  void failedWithTerminalErrorIsNeverRetried() {
    String type = uniq("terminal");
    registerTaskDef(type, d -> {
      d.setRetryCount(3);
      d.setRetryDelaySeconds(0);
    });
    String wf = uniq("terminal_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "term", Map.of())), null);
    TestWorker worker = TestWorker.of(type,
        t -> TestWorker.result(t, TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "fatal: bad input", Map.of("code", 17)));
    runWorkers(worker);

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    List<Task> attempts = attempts(w, "term");
    assertEquals(1, attempts.size(), "no retry despite retryCount 3: " + Describe.workflow(w));
    Task t = attempts.get(0);
    assertEquals(Task.Status.FAILED_WITH_TERMINAL_ERROR, t.getStatus());
    assertEquals("fatal: bad input", t.getReasonForIncompletion());
    assertEquals(17, ((Number) t.getOutputData().get("code")).intValue());
    assertEquals("Task " + t.getTaskId() + " failed with status: FAILED_WITH_TERMINAL_ERROR and reason: 'fatal: bad input'",
        w.getReasonForIncompletion());
    // give a (wrong) retry a moment to show up
    Await.holdsFor("no retry is scheduled", Duration.ofMillis(500), () -> workflow(id).getTasks().size(), n -> n == 1);
    assertEquals(1, worker.executions().size());
  }

  @Test
  void optionalTaskFailingPermanentlyEndsCompletedWithErrorsAndTheWorkflowContinues() {
    String opt = uniq("optional");
    String next = uniq("after_optional");
    registerTaskDef(opt, d -> {
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    WorkflowTask optional = simpleTask(opt, "opt", Map.of());
    optional.setOptional(true);
    String wf = uniq("optional_wf");
    registerWorkflow(wf, List.of(optional, simpleTask(next, "next", map("prevStatus", expr("opt.status")))), null);
    TestWorker optW = TestWorker.of(opt, t -> TestWorker.result(t, TaskResult.Status.FAILED, "optional failure", Map.of()));
    TestWorker nextW = TestWorker.completing(next, t -> map("seen", t.getInputData().get("prevStatus")));
    runWorkers(optW, nextW);

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED, Workflow.WorkflowStatus.FAILED);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, w.getStatus(), Describe.workflow(w));
    List<Task> attempts = attempts(w, "opt");
    assertEquals(2, attempts.size(), "optional tasks are still retried: " + Describe.workflow(w));
    Task lastAttempt = attempts.get(1);
    assertEquals(Task.Status.COMPLETED_WITH_ERRORS, lastAttempt.getStatus(), Describe.task(lastAttempt));
    assertEquals(Task.Status.COMPLETED, w.getTaskByRefName("next").getStatus());
    assertEquals("COMPLETED_WITH_ERRORS", w.getTaskByRefName("next").getInputData().get("prevStatus"));
    assertEquals(1, nextW.executions().size());
  }

  @Test
  void unregisteredTaskIsRetriedWithTheDefaultSixtySecondDelay() {
    // synthesized default TaskDef: retryCount 3, retryDelaySeconds 60, FIXED
    String type = uniq("unregistered_retry");
    String wf = uniq("unregistered_retry_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "u", Map.of())), null);
    String id = start(wf, map());
    Task t = awaitPoll(type, "manual", null, DONE);
    fail(t, "first");
    Workflow w = awaitWorkflow("retry scheduled", id, DONE, x -> attempts(x, "u").size() == 2);
    Task retry = attempts(w, "u").get(1);
    assertEquals(60, retry.getCallbackAfterSeconds(), Describe.task(retry));
    assertEquals(1, retry.getRetryCount());
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void optionalTaskWithTerminalErrorCompletesWithErrorsWithoutRetry() {
    String opt = uniq("optional_terminal");
    registerTaskDef(opt, d -> {
      d.setRetryCount(2);
      d.setRetryDelaySeconds(0);
    });
    WorkflowTask optional = simpleTask(opt, "opt", Map.of());
    optional.setOptional(true);
    String wf = uniq("optional_terminal_wf");
    registerWorkflow(wf, List.of(optional), null);
    String id = start(wf, map());
    taskClient.updateTask(TestWorker.result(awaitPoll(opt, "manual", null, DONE),
        TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "fatal but optional", Map.of()));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED, Workflow.WorkflowStatus.FAILED);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, w.getStatus(), Describe.workflow(w));
    assertEquals(1, w.getTasks().size(), "terminal errors are not retried even when optional: " + Describe.workflow(w));
    assertEquals(Task.Status.COMPLETED_WITH_ERRORS, w.getTasks().get(0).getStatus());
  }

  // ---------------------------------------------------------------- backoff

  @Test
  void fixedBackoffSchedulesEveryRetryAfterRetryDelaySeconds() {
    assertBackoff(TaskDef.RetryLogic.FIXED, 1, new int[] {1, 1, 1});
  }

  @Test
  void linearBackoffSchedulesRetryAfterDelayTimesScaleTimesAttempt() {
    // delay × scale × (n+1) with delay 1, scale 2: 2, 4
    assertBackoff(TaskDef.RetryLogic.LINEAR_BACKOFF, 2, new int[] {2, 4});
  }

  @Test
  void exponentialBackoffSchedulesRetryAfterDelayTimesTwoToTheAttempt() {
    // delay × 2^n with delay 1: 1, 2, 4
    assertBackoff(TaskDef.RetryLogic.EXPONENTIAL_BACKOFF, 1, new int[] {1, 2, 4});
  }

  /**
   * Fails attempt n (n = 0..len-1) by hand and checks the attempt the server schedules next:
   * callbackAfterSeconds = startDelayInSeconds = expected[n], retryCount n+1, retriedTaskId, and
   * that it can't be polled before its delay. Only the delays before the last check are waited.
   */
  private void assertBackoff(TaskDef.RetryLogic logic, int scale, int[] expected) {
    String type = uniq("backoff_" + logic.name().toLowerCase());
    registerTaskDef(type, d -> {
      d.setRetryCount(expected.length);
      d.setRetryDelaySeconds(1);
      d.setRetryLogic(logic);
      d.setBackoffScaleFactor(scale);
    });
    String wf = uniq("backoff_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "b", Map.of())), null);
    String id = start(wf, map());

    long failedAt = 0;
    for (int n = 0; n < expected.length; n++) {
      int previousDelay = n == 0 ? 0 : expected[n - 1];
      Task polled = awaitPoll(type, "backoff-worker", null, Duration.ofSeconds(previousDelay + 5));
      if (n > 0) {
        long waited = System.currentTimeMillis() - failedAt;
        log(logic + " attempt " + n + " became pollable after " + waited + " ms (delay " + previousDelay + " s)");
        assertTrue(waited >= previousDelay * 1000L - 250,
            "attempt " + n + " delivered after " + waited + " ms, before its " + previousDelay + " s delay");
      }
      assertEquals(n, polled.getRetryCount(), Describe.task(polled));
      failedAt = System.currentTimeMillis();
      fail(polled, "attempt " + n);

      final int attemptNo = n;
      Workflow w = awaitWorkflow("retry attempt " + (n + 1) + " scheduled", id, Duration.ofSeconds(5),
          x -> attempts(x, "b").size() == attemptNo + 2);
      Task next = attempts(w, "b").get(n + 1);
      assertEquals(Task.Status.SCHEDULED, next.getStatus(), Describe.task(next));
      assertEquals(n + 1, next.getRetryCount());
      assertEquals(polled.getTaskId(), next.getRetriedTaskId());
      assertNotEquals(polled.getTaskId(), next.getTaskId());
      assertEquals(expected[n], next.getCallbackAfterSeconds(),
          logic + ": callbackAfterSeconds of the retry after attempt " + n + ": " + Describe.task(next));
      assertEquals(expected[n], next.getStartDelayInSeconds(),
          logic + ": startDelayInSeconds of the retry after attempt " + n + ": " + Describe.task(next));
      assertEquals(0, next.getPollCount(), "a new attempt starts unpolled");
      // not deliverable right away (every expected delay is >= 1 s)
      assertNull(taskClient.pollTask(type, "backoff-worker", null), "retry delivered before its delay");
    }
    workflowClient.terminateWorkflow(id, "backoff test done");
  }
}
