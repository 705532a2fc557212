package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Response / task / poll / workflow timeouts (semantics.md §9) and lease extension (§7). */
class TimeoutTest extends ClientTestBase {

  private String workflowWithOneTask(String type) {
    String wf = uniq("timeout_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    return wf;
  }

  /** Sends extendLease updates every 400 ms until the workflow satisfies {@code until} (bounded). */
  private Workflow keepAliveUntil(Task task, String workflowId, Duration timeout, Predicate<Workflow> until) {
    TaskResult lease = new TaskResult(task);
    lease.setStatus(TaskResult.Status.IN_PROGRESS);
    lease.setExtendLease(true);
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextLease = 0;
    while (true) {
      Workflow w = workflow(workflowId);
      if (until.test(w)) {
        return w;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + timeout + ": " + Describe.workflow(w));
      }
      if (System.nanoTime() >= nextLease) {
        taskClient.updateTask(lease);
        nextLease = System.nanoTime() + Duration.ofMillis(400).toNanos();
      }
      Await.sleep(Await.POLL_MS);
    }
  }

  // ---------------------------------------------------------------- response timeout

  @Test
  void responseTimeoutTimesOutASilentWorkerAndSchedulesARetry() {
    String type = uniq("silent");
    registerTaskDef(type, d -> {
      d.setResponseTimeoutSeconds(1);
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
      // policy deliberately TIME_OUT_WF: response timeouts are retried regardless of policy
      d.setTimeoutPolicy(TaskDef.TimeoutPolicy.TIME_OUT_WF);
    });
    String id = start(workflowWithOneTask(type), map());
    Task first = awaitPoll(type, "silent-worker", null, Duration.ofSeconds(5));
    long polledAt = System.currentTimeMillis();
    assertEquals(1, first.getResponseTimeoutSeconds());

    Workflow w = awaitWorkflow("first attempt TIMED_OUT and a retry scheduled", id, Duration.ofSeconds(6),
        x -> attempts(x, "t").size() == 2);
    long detectedAfter = System.currentTimeMillis() - polledAt;
    log("response timeout detected " + detectedAfter + " ms after the poll (responseTimeoutSeconds=1)");
    assertTrue(detectedAfter >= 900, "timed out before responseTimeoutSeconds elapsed: " + detectedAfter + " ms");
    List<Task> attempts = attempts(w, "t");
    Task timedOut = attempts.get(0);
    assertEquals(Task.Status.TIMED_OUT, timedOut.getStatus(), Describe.workflow(w));
    assertNotNull(timedOut.getReasonForIncompletion());
    assertTrue(timedOut.getReasonForIncompletion().contains("responseTimeout"),
        "reason mentions responseTimeout: " + timedOut.getReasonForIncompletion());
    Task retry = attempts.get(1);
    assertEquals(first.getTaskId(), retry.getRetriedTaskId());
    assertEquals(1, retry.getRetryCount());
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus(), "response timeout does not apply TIME_OUT_WF");

    // a late answer for the timed-out attempt is ignored
    complete(first, map("late", true));
    Task second = awaitPoll(type, "silent-worker", null, Duration.ofSeconds(5));
    assertEquals(retry.getTaskId(), second.getTaskId());
    complete(second, map("ok", true));
    Workflow done = awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
    assertEquals(Task.Status.TIMED_OUT, attempts(done, "t").get(0).getStatus(), "late update didn't revive the attempt");
    assertEquals(map("ok", true), done.getOutput());
  }

  @Test
  void extendLeaseKeepsAnInProgressTaskAliveAndChangesNothingElse() {
    String type = uniq("leased");
    registerTaskDef(type, d -> {
      d.setResponseTimeoutSeconds(2);
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    String id = start(workflowWithOneTask(type), map());
    Task task = awaitPoll(type, "lease-worker", null, Duration.ofSeconds(5));

    TaskResult lease = new TaskResult(task);
    lease.setStatus(TaskResult.Status.IN_PROGRESS);
    lease.setExtendLease(true);
    lease.setOutputData(Map.of("mustBeIgnored", true));
    long until = System.currentTimeMillis() + 3_500;
    while (System.currentTimeMillis() < until) {
      taskClient.updateTask(lease);
      Await.sleep(500);
    }
    Workflow w = workflow(id);
    assertEquals(1, w.getTasks().size(), "no timeout/retry while the lease is extended: " + Describe.workflow(w));
    Task t = w.getTasks().get(0);
    assertEquals(Task.Status.IN_PROGRESS, t.getStatus(), "extendLease must not re-queue or change status");
    assertFalse(t.getOutputData().containsKey("mustBeIgnored"), "extendLease ignores everything but the lease");
    assertEquals(1, t.getPollCount());

    complete(task, map("done", 1));
    assertEquals(Workflow.WorkflowStatus.COMPLETED, awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED).getStatus());
  }

  @Test
  void sdkLeaseExtensionKeepsALongRunningWorkerTaskAlive() {
    // TaskRunner extends the lease every round(0.8 × responseTimeoutSeconds) s = 2 s for 3 s.
    String type = uniq("long_running");
    registerTaskDef(type, d -> {
      d.setResponseTimeoutSeconds(3);
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    TestWorker worker = new TestWorker(type, "lease-sdk-worker", 20, task -> {
      Await.sleep(4_500);
      return TestWorker.result(task, TaskResult.Status.COMPLETED, null, Map.of("slept", true));
    }) {
      @Override
      public boolean leaseExtendEnabled() {
        return true;
      }
    };
    runWorkers(worker);
    server.clearExchanges();
    String id = start(workflowWithOneTask(type), map());
    Workflow w = awaitStatus(id, Duration.ofSeconds(12), Workflow.WorkflowStatus.COMPLETED, Workflow.WorkflowStatus.FAILED,
        Workflow.WorkflowStatus.TIMED_OUT);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, w.getStatus(), Describe.workflow(w));
    assertEquals(1, w.getTasks().size(), "the lease kept the first attempt alive: " + Describe.workflow(w));
    assertEquals(1, worker.executions().size());
    // one or more lease extensions plus the final update
    assertTrue(server.allExchanges().stream().filter(e -> e.contains("ms POST /api/tasks ")).count() >= 2,
        "expected lease-extension POSTs to /api/tasks: " + server.lastExchanges(30));
  }

  // ---------------------------------------------------------------- task timeout (timeoutSeconds)

  private String startTaskTimeoutWorkflow(TaskDef.TimeoutPolicy p, String type) {
    registerTaskDef(type, d -> {
      d.setTimeoutSeconds(2);
      d.setResponseTimeoutSeconds(2);
      d.setTimeoutPolicy(p);
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    return start(workflowWithOneTask(type), map());
  }

  @Test
  void taskTimeoutWithRetryPolicyTimesOutTheAttemptAndRetries() {
    String type = uniq("task_timeout_retry");
    String id = startTaskTimeoutWorkflow(TaskDef.TimeoutPolicy.RETRY, type);
    Task task = awaitPoll(type, "tt-worker", null, Duration.ofSeconds(5));
    long polledAt = System.currentTimeMillis();
    // keep the response timeout from firing: only timeoutSeconds may expire the attempt
    Workflow w = keepAliveUntil(task, id, Duration.ofSeconds(7), x -> attempts(x, "t").size() == 2);
    long after = System.currentTimeMillis() - polledAt;
    log("task timeout (RETRY) detected after " + after + " ms (timeoutSeconds=2)");
    assertTrue(after >= 1_900, "timed out too early: " + after + " ms");
    List<Task> attempts = attempts(w, "t");
    assertEquals(Task.Status.TIMED_OUT, attempts.get(0).getStatus(), Describe.workflow(w));
    assertEquals(1, attempts.get(1).getRetryCount());
    assertEquals(task.getTaskId(), attempts.get(1).getRetriedTaskId());
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus());
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void taskTimeoutWithTimeOutWfPolicyTimesOutTheWorkflow() {
    String type = uniq("task_timeout_wf");
    String id = startTaskTimeoutWorkflow(TaskDef.TimeoutPolicy.TIME_OUT_WF, type);
    Task task = awaitPoll(type, "tt-worker", null, Duration.ofSeconds(5));
    Workflow w = keepAliveUntil(task, id, Duration.ofSeconds(7), x -> x.getStatus() != Workflow.WorkflowStatus.RUNNING);
    assertEquals(Workflow.WorkflowStatus.TIMED_OUT, w.getStatus(), Describe.workflow(w));
    assertEquals(1, w.getTasks().size(), "TIME_OUT_WF does not retry: " + Describe.workflow(w));
    assertEquals(Task.Status.TIMED_OUT, w.getTasks().get(0).getStatus());
    assertNotNull(w.getReasonForIncompletion());
    assertTrue(w.getEndTime() > 0);
  }

  @Test
  void taskTimeoutWithAlertOnlyPolicyChangesNothing() {
    String type = uniq("task_timeout_alert");
    String id = startTaskTimeoutWorkflow(TaskDef.TimeoutPolicy.ALERT_ONLY, type);
    Task task = awaitPoll(type, "tt-worker", null, Duration.ofSeconds(5));
    long until = System.currentTimeMillis() + 3_500;
    keepAliveUntil(task, id, Duration.ofSeconds(6), x -> {
      assertEquals(1, x.getTasks().size(), "ALERT_ONLY must not retry: " + Describe.workflow(x));
      assertEquals(Task.Status.IN_PROGRESS, x.getTasks().get(0).getStatus(), Describe.workflow(x));
      assertEquals(Workflow.WorkflowStatus.RUNNING, x.getStatus());
      return System.currentTimeMillis() >= until;
    });
    complete(task, map("finally", true));
    Workflow w = awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
    assertEquals(Task.Status.COMPLETED, w.getTasks().get(0).getStatus());
  }

  @Test
  void totalTimeoutSecondsStopsFurtherRetries() {
    String type = uniq("total_budget");
    registerTaskDef(type, d -> {
      d.setRetryCount(50);
      d.setRetryDelaySeconds(0);
      d.setTotalTimeoutSeconds(2);
      d.setTimeoutPolicy(TaskDef.TimeoutPolicy.TIME_OUT_WF);
    });
    TestWorker worker = TestWorker.of(type, t -> {
      Await.sleep(100);
      return TestWorker.result(t, TaskResult.Status.FAILED, "again", Map.of());
    });
    runWorkers(worker);
    String id = start(workflowWithOneTask(type), map());
    Workflow w = awaitStatus(id, Duration.ofSeconds(8), Workflow.WorkflowStatus.TIMED_OUT, Workflow.WorkflowStatus.FAILED,
        Workflow.WorkflowStatus.COMPLETED);
    log("totalTimeoutSeconds=2: workflow " + w.getStatus() + " after " + (w.getEndTime() - w.getStartTime())
        + " ms and " + attempts(w, "t").size() + " attempts");
    assertTrue(w.getStatus() == Workflow.WorkflowStatus.TIMED_OUT || w.getStatus() == Workflow.WorkflowStatus.FAILED,
        Describe.workflow(w));
    assertTrue(attempts(w, "t").size() < 51, "retries stopped by the total budget");
    assertTrue(w.getEndTime() - w.getStartTime() < 10_000, "ended reasonably soon after the 2 s budget");
  }

  @Test
  void checkInWithCallbackLongerThanResponseTimeoutDoesNotTimeOut() {
    // a SCHEDULED (checked-in) task is not subject to the response timeout
    String type = uniq("slow_checkin");
    registerTaskDef(type, d -> {
      d.setResponseTimeoutSeconds(1);
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    String id = start(workflowWithOneTask(type), map());
    Task t = awaitPoll(type, "checkin-worker", null, Duration.ofSeconds(5));
    TaskResult r = TestWorker.result(t, TaskResult.Status.IN_PROGRESS, null, Map.of("phase", 1));
    r.setCallbackAfterSeconds(2);
    taskClient.updateTask(r);
    Task again = awaitPoll(type, "checkin-worker", null, Duration.ofSeconds(5));
    assertEquals(t.getTaskId(), again.getTaskId(), "the same attempt comes back after the callback");
    assertEquals(2, again.getPollCount());
    Workflow w = workflow(id);
    assertEquals(1, w.getTasks().size(), "no response timeout while waiting for the callback: " + Describe.workflow(w));
    complete(again, map());
    awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void inProgressCheckInsDoNotResetTheTaskTimeout() {
    String type = uniq("checkin_timeout");
    registerTaskDef(type, d -> {
      d.setTimeoutSeconds(2);
      d.setResponseTimeoutSeconds(2);
      d.setTimeoutPolicy(TaskDef.TimeoutPolicy.TIME_OUT_WF);
    });
    String id = start(workflowWithOneTask(type), map());
    long firstPoll = 0;
    Workflow w = workflow(id);
    long deadline = System.currentTimeMillis() + 7_000;
    while (w.getStatus() == Workflow.WorkflowStatus.RUNNING && System.currentTimeMillis() < deadline) {
      Task t = taskClient.pollTask(type, "checkin-worker", null);
      if (t != null) {
        if (firstPoll == 0) {
          firstPoll = System.currentTimeMillis();
        }
        TaskResult r = TestWorker.result(t, TaskResult.Status.IN_PROGRESS, null, Map.of());
        r.setCallbackAfterSeconds(0);
        taskClient.updateTask(r);
      }
      Await.sleep(150);
      w = workflow(id);
    }
    long after = System.currentTimeMillis() - firstPoll;
    log("task timeout with periodic IN_PROGRESS check-ins fired " + after + " ms after the first poll");
    assertEquals(Workflow.WorkflowStatus.TIMED_OUT, w.getStatus(), "check-ins must not keep the attempt alive past timeoutSeconds: "
        + Describe.workflow(w));
    assertTrue(after >= 1_900, "timed out before timeoutSeconds: " + after + " ms");
    assertEquals(Task.Status.TIMED_OUT, w.getTasks().get(0).getStatus());
  }

  @Test
  void resumeRestartsTheWorkflowTimeoutClock() {
    String wf = uniq("resume_clock");
    registerWorkflow(wf, List.of(simpleTask(uniq("resume_clock_task"), "t", Map.of())), d -> {
      d.setTimeoutSeconds(2);
      d.setTimeoutPolicy(WorkflowDef.TimeoutPolicy.TIME_OUT_WF);
    });
    String id = start(wf, map());
    Await.sleep(1_400);
    workflowClient.pauseWorkflow(id);
    workflowClient.resumeWorkflow(id);
    long resumedAt = System.currentTimeMillis();
    assertTrue(workflow(id).getLastRetriedTime() > 0, "resume sets lastRetriedTime");
    // 2.6 s after the start but only 1.2 s after the resume: must still run
    Await.holdsFor("still RUNNING within 2 s of the resume", Duration.ofMillis(1_200), () -> workflow(id),
        x -> x.getStatus() == Workflow.WorkflowStatus.RUNNING);
    Workflow w = awaitStatus(id, Duration.ofSeconds(6), Workflow.WorkflowStatus.TIMED_OUT);
    long sinceResume = w.getEndTime() - resumedAt;
    log("workflow timed out " + sinceResume + " ms after resume (timeoutSeconds=2)");
    assertTrue(sinceResume >= 1_800, "timed out " + sinceResume + " ms after the resume");
  }

  // ---------------------------------------------------------------- poll timeout

  @Test
  void pollTimeoutWithRetryPolicyRetriesThenTimesOutTheWorkflow() {
    String type = uniq("never_polled_retry");
    registerTaskDef(type, d -> {
      d.setPollTimeoutSeconds(1);
      d.setTimeoutPolicy(TaskDef.TimeoutPolicy.RETRY);
      d.setRetryCount(1);
      d.setRetryDelaySeconds(0);
    });
    String id = start(workflowWithOneTask(type), map());
    Workflow w = awaitStatus(id, Duration.ofSeconds(8), Workflow.WorkflowStatus.TIMED_OUT, Workflow.WorkflowStatus.FAILED,
        Workflow.WorkflowStatus.COMPLETED, Workflow.WorkflowStatus.TERMINATED);
    assertEquals(Workflow.WorkflowStatus.TIMED_OUT, w.getStatus(), Describe.workflow(w));
    List<Task> attempts = attempts(w, "t");
    assertEquals(2, attempts.size(), "poll timeout + RETRY retries once: " + Describe.workflow(w));
    for (Task t : attempts) {
      assertEquals(Task.Status.TIMED_OUT, t.getStatus(), Describe.task(t));
      assertEquals(0, t.getPollCount(), "never polled");
      assertTrue(t.getEndTime() - t.getScheduledTime() >= 900,
          "poll timeout fired before 1 s: " + (t.getEndTime() - t.getScheduledTime()) + " ms");
    }
    assertTrue(w.getReasonForIncompletion() != null
        && w.getReasonForIncompletion().startsWith("Task " + attempts.get(1).getTaskId() + " failed with status: TIMED_OUT"),
        "reason: " + w.getReasonForIncompletion());
  }

  @Test
  void pollTimeoutWithTimeOutWfPolicyTimesOutTheWorkflowWithoutRetry() {
    String type = uniq("never_polled_wf");
    registerTaskDef(type, d -> {
      d.setPollTimeoutSeconds(1);
      d.setTimeoutPolicy(TaskDef.TimeoutPolicy.TIME_OUT_WF);
      d.setRetryCount(2);
      d.setRetryDelaySeconds(0);
    });
    String id = start(workflowWithOneTask(type), map());
    Workflow w = awaitStatus(id, Duration.ofSeconds(6), Workflow.WorkflowStatus.TIMED_OUT, Workflow.WorkflowStatus.FAILED);
    assertEquals(Workflow.WorkflowStatus.TIMED_OUT, w.getStatus(), Describe.workflow(w));
    assertEquals(1, w.getTasks().size(), Describe.workflow(w));
    assertEquals(Task.Status.TIMED_OUT, w.getTasks().get(0).getStatus());
  }

  // ---------------------------------------------------------------- workflow timeout

  @Test
  void workflowTimeoutWithTimeOutWfTimesOutTheWorkflowAndCancelsTasks() {
    String type = uniq("wf_timeout_task");
    String wf = uniq("wf_timeout");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), d -> {
      d.setTimeoutSeconds(1);
      d.setTimeoutPolicy(WorkflowDef.TimeoutPolicy.TIME_OUT_WF);
    });
    String id = start(wf, map());
    Workflow w = awaitStatus(id, Duration.ofSeconds(6), Workflow.WorkflowStatus.TIMED_OUT, Workflow.WorkflowStatus.FAILED,
        Workflow.WorkflowStatus.TERMINATED);
    assertEquals(Workflow.WorkflowStatus.TIMED_OUT, w.getStatus(), Describe.workflow(w));
    assertTrue(w.getEndTime() - w.getStartTime() >= 900, "timed out before 1 s");
    String reason = w.getReasonForIncompletion();
    assertNotNull(reason);
    assertTrue(reason.startsWith("Workflow timed out after ") && reason.contains("Timeout configured as 1 seconds")
        && reason.contains("TIME_OUT_WF"), "reason: " + reason);
    Task t = w.getTasks().get(0);
    assertEquals(Task.Status.CANCELED, t.getStatus(), "non-terminal tasks are canceled: " + Describe.task(t));
    assertEquals(null, taskClient.pollTask(type, "late", null), "canceled task is no longer pollable");
  }

  @Test
  void workflowTimeoutWithAlertOnlyKeepsRunning() {
    String type = uniq("wf_alert_task");
    String wf = uniq("wf_alert");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), d -> {
      d.setTimeoutSeconds(1);
      d.setTimeoutPolicy(WorkflowDef.TimeoutPolicy.ALERT_ONLY);
    });
    String id = start(wf, map());
    Await.holdsFor("ALERT_ONLY workflow stays RUNNING past its timeout", Duration.ofMillis(2_500),
        () -> workflow(id), w -> w.getStatus() == Workflow.WorkflowStatus.RUNNING
            && w.getTasks().size() == 1 && w.getTasks().get(0).getStatus() == Task.Status.SCHEDULED);
    Task task = awaitPoll(type, "alert-worker", null, Duration.ofSeconds(5));
    complete(task, map("x", 1));
    awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
  }
}
