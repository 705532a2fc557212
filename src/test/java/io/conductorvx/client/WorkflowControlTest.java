package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pause / resume / terminate (semantics.md §11) and IN_PROGRESS callbacks (§7). */
class WorkflowControlTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  @Test
  void pausedWorkflowSchedulesNothingUntilResumedThenCompletes() throws Exception {
    String a = uniq("pause_a");
    String b = uniq("pause_b");
    String c = uniq("pause_c");
    String wf = uniq("pause_wf");
    registerWorkflow(wf, List.of(simpleTask(a, "a", Map.of()), simpleTask(b, "b", Map.of()), simpleTask(c, "c", Map.of())), null);

    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TestWorker aW = TestWorker.of(a, task -> {
      started.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestWorker.result(task, TaskResult.Status.COMPLETED, null, Map.of("a", "done"));
    });
    TestWorker bW = TestWorker.completing(b, t -> map("b", "done"));
    TestWorker cW = TestWorker.completing(c, t -> map("c", "done"));
    runWorkers(aW, bW, cW);

    String id = start(wf, map());
    assertTrue(started.await(10, TimeUnit.SECONDS), "worker a got its task");
    workflowClient.pauseWorkflow(id);
    assertEquals(Workflow.WorkflowStatus.PAUSED, workflow(id).getStatus());
    workflowClient.pauseWorkflow(id); // pausing a paused workflow is a no-op
    assertEquals(Workflow.WorkflowStatus.PAUSED, workflow(id).getStatus());

    release.countDown(); // the running task may still be completed while paused
    awaitWorkflow("task a COMPLETED while paused", id, DONE,
        w -> w.getTaskByRefName("a") != null && w.getTaskByRefName("a").getStatus() == Task.Status.COMPLETED);
    Await.holdsFor("no new task while PAUSED", Duration.ofMillis(1_200), () -> workflow(id),
        w -> w.getStatus() == Workflow.WorkflowStatus.PAUSED && w.getTasks().size() == 1);
    assertEquals(0, bW.executions().size(), "worker b got nothing while paused");

    workflowClient.resumeWorkflow(id);
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(List.of("a", "b", "c"), w.getTasks().stream().map(Task::getReferenceTaskName).toList());
    assertTrue(w.getTasks().stream().allMatch(t -> t.getStatus() == Task.Status.COMPLETED), Describe.workflow(w));
    assertEquals(1, bW.executions().size());
    assertEquals(1, cW.executions().size());
    assertEquals(map("c", "done"), w.getOutput());
  }

  @Test
  /** Conductor answers 500 here; we answer 409, as for every illegal state change (README). */
  void resumingARunningWorkflowIsAConflict() {
    String wf = uniq("resume_running");
    registerWorkflow(wf, List.of(simpleTask(uniq("idle"), "i", Map.of())), null);
    String id = start(wf, map());
    expectStatus(409, () -> workflowClient.resumeWorkflow(id));
    assertEquals(Workflow.WorkflowStatus.RUNNING, workflow(id).getStatus());
    workflowClient.terminateWorkflow(id, "cleanup");
  }

  @Test
  void terminateWithReasonCancelsEveryPendingTask() {
    String a = uniq("term_a");
    String wf = uniq("term_wf");
    registerWorkflow(wf, List.of(simpleTask(a, "a", Map.of()), simpleTask(uniq("term_b"), "b", Map.of())), null);
    String id = start(wf, map());
    Task polled = awaitPoll(a, "term-worker", null, DONE); // IN_PROGRESS when terminated

    workflowClient.terminateWorkflow(id, "stop it");
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.TERMINATED);
    assertEquals("stop it", w.getReasonForIncompletion());
    assertTrue(w.getEndTime() > 0);
    assertEquals(1, w.getTasks().size(), Describe.workflow(w));
    assertEquals(Task.Status.CANCELED, w.getTasks().get(0).getStatus());

    // a late worker update on a terminated workflow is accepted and ignored
    complete(polled, map("late", true));
    Workflow after = workflow(id);
    assertEquals(Workflow.WorkflowStatus.TERMINATED, after.getStatus());
    assertEquals(Task.Status.CANCELED, after.getTasks().get(0).getStatus());

    // terminate again: no-op; pause a terminal workflow: 409
    workflowClient.terminateWorkflow(id, "again");
    assertEquals(Workflow.WorkflowStatus.TERMINATED, workflow(id).getStatus());
    expectStatus(409, () -> workflowClient.pauseWorkflow(id));
  }

  @Test
  void terminatingACompletedWorkflowIs409() {
    String type = uniq("quick");
    String wf = uniq("quick_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "q", Map.of())), null);
    String id = start(wf, map());
    complete(awaitPoll(type, "quick-worker", null, DONE), map("ok", 1));
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    expectStatus(409, () -> workflowClient.terminateWorkflow(id, "too late"));
    Workflow w = workflow(id);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, w.getStatus());
    assertNull(w.getReasonForIncompletion());
  }

  @Test
  void terminatingAPausedWorkflowTerminatesIt() {
    String wf = uniq("paused_term");
    registerWorkflow(wf, List.of(simpleTask(uniq("idle"), "i", Map.of())), null);
    String id = start(wf, map());
    workflowClient.pauseWorkflow(id);
    workflowClient.terminateWorkflow(id, "stop while paused");
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.TERMINATED);
    assertEquals("stop while paused", w.getReasonForIncompletion());
    assertEquals(Task.Status.CANCELED, w.getTasks().get(0).getStatus());
  }

  @Test
  void inProgressWithCallbackAfterSecondsRedeliversTheSameTaskLater() {
    String type = uniq("checkin");
    String wf = uniq("checkin_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "c", Map.of())), null);
    TestWorker worker = TestWorker.of(type, task -> {
      if (task.getPollCount() <= 1) {
        TaskResult r = TestWorker.result(task, TaskResult.Status.IN_PROGRESS, null, Map.of("step", 1));
        r.setCallbackAfterSeconds(1);
        return r;
      }
      return TestWorker.result(task, TaskResult.Status.COMPLETED, null, Map.of("step", 2));
    });
    runWorkers(worker);
    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(1, w.getTasks().size(), "no new attempt, the same task came back: " + Describe.workflow(w));
    Task t = w.getTasks().get(0);
    assertEquals(2, t.getPollCount());
    assertEquals(0, t.getRetryCount());
    assertEquals(2, ((Number) t.getOutputData().get("step")).intValue());
    List<TestWorker.Execution> ex = worker.executions();
    assertEquals(2, ex.size());
    assertEquals(ex.get(0).taskId(), ex.get(1).taskId(), "same taskId re-delivered");
    assertEquals(1, ex.get(0).pollCount());
    assertEquals(2, ex.get(1).pollCount(), "pollCount grows");
    long gap = ex.get(1).receivedAtMs() - ex.get(0).receivedAtMs();
    log("IN_PROGRESS callbackAfterSeconds=1 re-delivery gap: " + gap + " ms");
    assertTrue(gap >= 900, "re-delivered before callbackAfterSeconds: " + gap + " ms");
  }

  @Test
  void inProgressUpdateRequeuesTheTaskAsScheduledAndKeepsItsOutput() {
    String type = uniq("checkin_manual");
    String wf = uniq("checkin_manual_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "c", Map.of())), null);
    String id = start(wf, map());
    Task first = awaitPoll(type, "manual", null, DONE);
    assertEquals(Task.Status.IN_PROGRESS, first.getStatus());
    assertEquals(1, first.getPollCount());
    assertEquals("manual", first.getWorkerId());
    assertTrue(first.getStartTime() > 0, "startTime set on poll");

    TaskResult r = TestWorker.result(first, TaskResult.Status.IN_PROGRESS, null, Map.of("progress", 50, "partial", true));
    r.setCallbackAfterSeconds(2);
    taskClient.updateTask(r);

    Task stored = taskClient.getTaskDetails(first.getTaskId());
    assertEquals(Task.Status.SCHEDULED, stored.getStatus(), "IN_PROGRESS from a worker re-queues: " + Describe.task(stored));
    assertEquals(2, stored.getCallbackAfterSeconds());
    assertEquals(50, ((Number) stored.getOutputData().get("progress")).intValue(), "output of the check-in is stored");
    assertNull(taskClient.pollTask(type, "manual", null), "not deliverable before callbackAfterSeconds");

    // resetcallbacks makes it deliverable right away
    workflowClient.resetCallbacksForInProgressTasks(id);
    Task again = awaitPoll(type, "manual", null, Duration.ofMillis(1_500));
    assertEquals(first.getTaskId(), again.getTaskId());
    assertEquals(2, again.getPollCount());
    complete(again, map("progress", 100));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("progress", 100), SimpleWorkflowTest.normalizeNumbers(w.getTasks().get(0).getOutputData()),
        "a worker update replaces the output (no merge with the check-in's output)");
    assertEquals(map("progress", 100), SimpleWorkflowTest.normalizeNumbers(w.getOutput()));
  }
}
