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

  private Workflow failureWorkflowOf(Workflow failed) {
    Object ref = failed.getOutput().get("conductor.failure_workflow");
    assertInstanceOf(String.class, ref, "failed workflow output has conductor.failure_workflow: " + failed.getOutput());
    return workflow((String) ref);
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
