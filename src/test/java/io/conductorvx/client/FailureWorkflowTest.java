package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** failureWorkflow (semantics.md §13). */
class FailureWorkflowTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  /** A failure-handler workflow whose single task is never polled, so it stays RUNNING. */
  private String registerFailureHandler() {
    String name = uniq("on_failure");
    registerWorkflow(name, List.of(simpleTask(uniq("handler_task"), "handle", map("failed", expr("workflow.input.workflowId")))), null);
    return name;
  }

  /**
   * The failure workflow recorded in the failed workflow's output. OSS writes the output key in a
   * second update right after the status change, so allow a short window before it appears.
   */
  private Workflow failureWorkflowOf(Workflow failed) {
    long t0 = System.currentTimeMillis();
    Workflow withKey = awaitWorkflow("output has conductor.failure_workflow", failed.getWorkflowId(), Duration.ofSeconds(3),
        w -> w.getOutput() != null && w.getOutput().get("conductor.failure_workflow") != null);
    log("conductor.failure_workflow visible " + (System.currentTimeMillis() - t0) + " ms after status " + failed.getStatus());
    Object ref = withKey.getOutput().get("conductor.failure_workflow");
    assertInstanceOf(String.class, ref, "conductor.failure_workflow is the new workflow's id: " + withKey.getOutput());
    String failureId = (String) ref;
    // the id must name an existing execution as soon as it is visible (OSS starts the failure
    // workflow first, then records its id)
    try {
      return workflow(failureId);
    } catch (com.netflix.conductor.client.exception.ConductorClientException e) {
      long t1 = System.currentTimeMillis();
      String later;
      try {
        Workflow eventually = Await.await("failure workflow " + failureId + " to exist", Duration.ofSeconds(3),
            () -> workflow(failureId), w -> true);
        later = "it appeared " + (System.currentTimeMillis() - t1) + " ms later (" + eventually.getStatus() + ")";
      } catch (AssertionError never) {
        later = "it never appeared within 3 s";
      }
      throw new AssertionError("conductor.failure_workflow=" + failureId + " is visible but GET answers "
          + e.getStatus() + "; " + later, e);
    }
  }

  @Test
  void failedWorkflowStartsTheFailureWorkflowWithTheDocumentedInput() {
    String handler = registerFailureHandler();
    String type = uniq("doomed");
    registerTaskDef(type, null);
    String wf = uniq("fails");
    registerWorkflow(wf, List.of(simpleTask(type, "doomed_ref", Map.of())), d -> d.setFailureWorkflow(handler));
    runWorkers(TestWorker.of(type, t -> TestWorker.result(t, TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "bad thing", Map.of())));

    String id = start(new StartWorkflowRequest().withName(wf).withVersion(1).withCorrelationId("corr-fail")
        .withInput(map("a", 1, "who", "me")));
    Workflow failed = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Task doomed = failed.getTaskByRefName("doomed_ref");

    Workflow onFailure = failureWorkflowOf(failed);
    assertEquals(handler, onFailure.getWorkflowName());
    assertEquals(Workflow.WorkflowStatus.RUNNING, onFailure.getStatus(), Describe.workflow(onFailure));
    Map<String, Object> in = onFailure.getInput();
    assertEquals(id, in.get("workflowId"));
    assertEquals(failed.getReasonForIncompletion(), in.get("reason"));
    assertEquals("Task " + doomed.getTaskId() + " failed with status: FAILED_WITH_TERMINAL_ERROR and reason: 'bad thing'",
        in.get("reason"));
    assertEquals("FAILED", in.get("failureStatus"));
    assertEquals(doomed.getTaskId(), in.get("failureTaskId"));
    assertEquals(1, ((Number) in.get("a")).intValue(), "the failed workflow's input is copied");
    assertEquals("me", in.get("who"));
    assertInstanceOf(Map.class, in.get("failedWorkflow"), "failedWorkflow is the whole failed execution");
    Map<?, ?> failedCopy = (Map<?, ?>) in.get("failedWorkflow");
    assertEquals(id, failedCopy.get("workflowId"));
    assertEquals("FAILED", failedCopy.get("status"));
    assertEquals("corr-fail", onFailure.getCorrelationId(), "same correlationId");
    assertEquals(id, onFailure.getTasks().get(0).getInputData().get("failed"), "handler tasks can read the input");

    workflowClient.terminateWorkflow(onFailure.getWorkflowId(), "cleanup");
  }

  @Test
  void failureWorkflowNameMayComeFromWorkflowInput() {
    String handler = registerFailureHandler();
    String type = uniq("doomed_dyn");
    String wf = uniq("fails_dyn");
    registerWorkflow(wf, List.of(simpleTask(type, "d", Map.of())), d -> d.setFailureWorkflow(expr("workflow.input.onFailure")));
    String id = start(wf, map("onFailure", handler));
    Task t = awaitPoll(type, "manual", null, DONE);
    taskClient.updateTask(TestWorker.result(t, TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "nope", Map.of()));
    Workflow failed = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Workflow onFailure = failureWorkflowOf(failed);
    assertEquals(handler, onFailure.getWorkflowName());
    workflowClient.terminateWorkflow(onFailure.getWorkflowId(), "cleanup");
  }

  @Test
  void timedOutWorkflowStartsTheFailureWorkflowWithFailureStatusTimedOut() {
    String handler = registerFailureHandler();
    String wf = uniq("times_out");
    registerWorkflow(wf, List.of(simpleTask(uniq("never_polled"), "n", Map.of())), d -> {
      d.setFailureWorkflow(handler);
      d.setTimeoutSeconds(1);
      d.setTimeoutPolicy(WorkflowDef.TimeoutPolicy.TIME_OUT_WF);
    });
    String id = start(wf, map("k", "v"));
    Workflow timedOut = awaitStatus(id, Duration.ofSeconds(6), Workflow.WorkflowStatus.TIMED_OUT);
    Workflow onFailure = failureWorkflowOf(timedOut);
    assertEquals(id, onFailure.getInput().get("workflowId"));
    assertEquals("TIMED_OUT", onFailure.getInput().get("failureStatus"));
    assertEquals("v", onFailure.getInput().get("k"));
    workflowClient.terminateWorkflow(onFailure.getWorkflowId(), "cleanup");
  }

  @Test
  void unknownFailureWorkflowIsReportedInTheOutput() {
    String type = uniq("doomed_unknown");
    String wf = uniq("fails_unknown");
    String missing = uniq("no_such_failure_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "d", Map.of())), d -> d.setFailureWorkflow(missing));
    String id = start(wf, map());
    taskClient.updateTask(TestWorker.result(awaitPoll(type, "manual", null, DONE),
        TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "nope", Map.of()));
    awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Workflow w = awaitWorkflow("output names the failure-workflow problem", id, Duration.ofSeconds(3),
        x -> x.getOutput() != null && x.getOutput().get("conductor.failure_workflow") instanceof String s && s.contains(missing));
    log("unknown failure workflow -> output conductor.failure_workflow = '" + w.getOutput().get("conductor.failure_workflow") + "'");
    assertEquals(Workflow.WorkflowStatus.FAILED, w.getStatus());
  }

  @Test
  void terminateApiDoesNotStartTheFailureWorkflow() {
    String handler = registerFailureHandler();
    String wf = uniq("terminated_by_api");
    registerWorkflow(wf, List.of(simpleTask(uniq("idle"), "i", Map.of())), d -> d.setFailureWorkflow(handler));
    String id = start(wf, map());
    workflowClient.terminateWorkflow(id, "operator said so");
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.TERMINATED);
    assertEquals("operator said so", w.getReasonForIncompletion());
    assertFalse(w.getOutput() != null && w.getOutput().containsKey("conductor.failure_workflow"),
        "no failure workflow on API terminate: " + w.getOutput());
    Await.holdsFor("no failure workflow is running", Duration.ofMillis(500),
        () -> workflowClient.getRunningWorkflow(handler, 1), List::isEmpty);
    assertNotNull(w.getTasks());
    assertTrue(w.getTasks().stream().allMatch(t -> t.getStatus() == Task.Status.CANCELED), Describe.workflow(w));
  }
}
