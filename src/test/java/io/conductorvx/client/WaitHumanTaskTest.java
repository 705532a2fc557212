package io.conductorvx.client;

import static io.conductorvx.client.SubWorkflowTaskTest.subWorkflow;
import static io.conductorvx.client.SubWorkflowTaskTest.systemTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.netflix.conductor.client.http.ConductorClientRequest.Method;
import com.netflix.conductor.client.http.ConductorClientResponse;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WAIT, HUMAN and the signal API through the official client. */
class WaitHumanTaskTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  private Task awaitInProgress(String workflowId, String ref) {
    return awaitWorkflow(ref + " IN_PROGRESS", workflowId, DONE, w -> {
      Task t = w.getTaskByRefName(ref);
      return t != null && t.getStatus() == Task.Status.IN_PROGRESS;
    }).getTaskByRefName(ref);
  }

  private String updateByRef(String workflowId, String ref, String status, Map<String, Object> output) {
    ConductorClientResponse<String> res = call(request(Method.POST, "/tasks/{workflowId}/{ref}/{status}")
        .addPathParam("workflowId", workflowId).addPathParam("ref", ref).addPathParam("status", status)
        .body(output).build(), new TypeReference<String>() {});
    assertEquals(200, res.getStatusCode());
    return res.getData();
  }

  @Test
  void waitWithDurationCompletesOnItsOwn() {
    String wf = uniq("wait_2s");
    registerWorkflow(wf, List.of(systemTask("WAIT", "pause", map("duration", "2s"))), null);
    String id = start(wf, map());
    Task waiting = awaitInProgress(id, "pause");
    assertEquals("WAIT", waiting.getTaskType());

    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task pause = w.getTaskByRefName("pause");
    assertEquals(Task.Status.COMPLETED, pause.getStatus());
    assertTrue(pause.getEndTime() - pause.getStartTime() >= 2000,
        "waited at least 2 s: " + (pause.getEndTime() - pause.getStartTime()) + " ms");
    assertEquals(1, w.getTasks().size());
  }

  @Test
  void waitUntilAPastDateCompletesAtOnceAndAFutureOneWaits() {
    String past = uniq("wait_past");
    registerWorkflow(past, List.of(systemTask("WAIT", "pause", map("until", "2020-01-01 10:00 UTC"))), null);
    Workflow w = awaitStatus(start(past, map()), DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(Task.Status.COMPLETED, w.getTaskByRefName("pause").getStatus());

    String future = uniq("wait_future");
    String tomorrow = LocalDateTime.now().plusDays(1).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
    registerWorkflow(future, List.of(systemTask("WAIT", "pause", map("until", tomorrow))), null);
    String id = start(future, map());
    awaitInProgress(id, "pause");
    assertEquals(Workflow.WorkflowStatus.RUNNING, workflow(id).getStatus());
    workflowClient.terminateWorkflow(id, "done looking");
  }

  @Test
  void waitWithBothDurationAndUntilOrAnUnparsableValueIsRefusedOrFailsTerminally() {
    List<Map<String, Object>> bad = List.of(
        map("duration", "5s", "until", "2030-01-01"),
        map("duration", "five seconds"),
        map("until", "next tuesday"));
    // written in the definition: refused when registered, at the field at fault
    List<String[]> expected = List.of(
        new String[] {"tasks[0].inputParameters", "both duration and until"},
        new String[] {"tasks[0].inputParameters.duration", "Invalid duration 'five seconds'"},
        new String[] {"tasks[0].inputParameters.until", "Invalid 'until' date 'next tuesday'"});
    for (int i = 0; i < bad.size(); i++) {
      expectInvalid(workflowDef(uniq("wait_bad"), 1, List.of(systemTask("WAIT", "pause", bad.get(i)))),
          expected.get(i)[0], expected.get(i)[1]);
    }
    // known only at run time (read from the input, or stored before the rule): the task fails terminally
    List<String> workflows = new java.util.ArrayList<>();
    String both = uniq("wait_bad");
    storeWithoutValidation(both, List.of(systemTask("WAIT", "pause", bad.get(0))));
    workflows.add(both);
    for (String field : List.of("duration", "until")) {
      String wf = uniq("wait_bad");
      registerWorkflow(wf, List.of(systemTask("WAIT", "pause", map(field, expr("workflow.input." + field)))), null);
      workflows.add(wf);
    }
    for (int i = 0; i < bad.size(); i++) {
      String wf = workflows.get(i);
      Map<String, Object> input = bad.get(i);
      Workflow w = awaitStatus(start(wf, input), DONE, Workflow.WorkflowStatus.FAILED);
      Task pause = w.getTaskByRefName("pause");
      assertEquals(Task.Status.FAILED_WITH_TERMINAL_ERROR, pause.getStatus(), input + " → " + pause.getReasonForIncompletion());
      assertEquals(1, w.getTasks().size(), "not retried");
    }
  }

  @Test
  void waitWithoutDurationIsCompletedByReferenceMergingOutput() {
    String wf = uniq("wait_ext");
    String after = uniq("after_wait");
    registerTaskDef(after, null);
    registerWorkflow(wf, List.of(systemTask("WAIT", "pause", map()),
        simpleTask(after, "after", map("approved", expr("pause.output.approved")))), null);
    String id = start(wf, map());
    Task waiting = awaitInProgress(id, "pause");

    assertEquals(waiting.getTaskId(), updateByRef(id, "pause", "IN_PROGRESS", map("note", "looking")));
    Task still = awaitInProgress(id, "pause");
    assertEquals(map("note", "looking"), still.getOutputData());

    assertEquals(waiting.getTaskId(), updateByRef(id, "pause", "COMPLETED", map("approved", true)));
    Task next = awaitPoll(after, "w1", null, DONE);
    assertEquals(true, next.getInputData().get("approved"));
    complete(next, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task pause = w.getTaskByRefName("pause");
    assertEquals(Task.Status.COMPLETED, pause.getStatus());
    assertEquals(map("note", "looking", "approved", true), pause.getOutputData(), "by-reference updates merge output");
    assertEquals(List.of("pause", "after"), w.getTasks().stream().map(Task::getReferenceTaskName).toList());
  }

  @Test
  void timedWaitCanBeCompletedEarlyByATaskUpdate() {
    String wf = uniq("wait_early");
    registerWorkflow(wf, List.of(systemTask("WAIT", "pause", map("duration", "1 hour 30 mins"))), null);
    String id = start(wf, map());
    Task waiting = awaitInProgress(id, "pause");
    taskClient.updateTask(TestWorker.result(waiting, TaskResult.Status.COMPLETED, null, map("early", true)));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("early", true), w.getTaskByRefName("pause").getOutputData());
  }

  @Test
  void humanTaskWaitsUntilUpdatedByTheTaskClient() {
    String wf = uniq("human");
    registerWorkflow(wf, List.of(systemTask("HUMAN", "review", map("doc", expr("workflow.input.doc")))),
        d -> d.setOutputParameters(map("verdict", expr("review.output.verdict"))));
    String id = start(wf, map("doc", "d-1"));
    Task review = awaitInProgress(id, "review");
    assertEquals("HUMAN", review.getTaskType());
    assertEquals("d-1", review.getInputData().get("doc"));
    Await.holdsFor("HUMAN stays IN_PROGRESS", Duration.ofMillis(1500), () -> workflow(id),
        w -> w.getStatus() == Workflow.WorkflowStatus.RUNNING && w.getTaskByRefName("review").getStatus() == Task.Status.IN_PROGRESS);

    taskClient.updateTask(TestWorker.result(review, TaskResult.Status.COMPLETED, null, map("verdict", "ok")));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(Task.Status.COMPLETED, w.getTaskByRefName("review").getStatus());
    assertEquals(map("verdict", "ok"), w.getOutput());
  }

  @Test
  void humanTaskFailedByUpdateFailsTheWorkflow() {
    String wf = uniq("human_fail");
    registerWorkflow(wf, List.of(systemTask("HUMAN", "review", map())), null);
    String id = start(wf, map());
    Task review = awaitInProgress(id, "review");
    taskClient.updateTask(TestWorker.result(review, TaskResult.Status.FAILED, "rejected", map()));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    assertEquals("rejected", w.getTaskByRefName("review").getReasonForIncompletion());
  }

  @Test
  void signalCompletesTheWaitInsideARunningSubWorkflow() {
    String child = uniq("signal_child");
    registerWorkflow(child, List.of(systemTask("WAIT", "child_wait", map())),
        d -> d.setOutputParameters(map("answer", expr("child_wait.output.answer"))));
    String parent = uniq("signal_parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map()), systemTask("HUMAN", "then_human", map())), null);
    String id = start(parent, map());
    Task sub = awaitInProgress(id, "sub");
    awaitInProgress(sub.getSubWorkflowId(), "child_wait");

    ConductorClientResponse<String> res = call(request(Method.POST, "/tasks/{workflowId}/{status}/signal")
        .addPathParam("workflowId", id).addPathParam("status", "COMPLETED").body(map("answer", 42)).build(),
        new TypeReference<String>() {});
    assertEquals(200, res.getStatusCode());
    Workflow c = awaitStatus(sub.getSubWorkflowId(), DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(42, ((Number) c.getOutput().get("answer")).intValue());
    awaitInProgress(id, "then_human");

    ConductorClientResponse<Map<String, Object>> sync = call(request(Method.POST, "/tasks/{workflowId}/{status}/signal/sync")
        .addPathParam("workflowId", id).addPathParam("status", "COMPLETED").body(map("by", "signal")).build(),
        new TypeReference<Map<String, Object>>() {});
    assertEquals(200, sync.getStatusCode());
    Map<String, Object> body = sync.getData();
    assertEquals("TARGET_WORKFLOW", body.get("responseType"));
    assertEquals(id, body.get("targetWorkflowId"));
    assertEquals("COMPLETED", body.get("targetWorkflowStatus"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("by", "signal"), w.getTaskByRefName("then_human").getOutputData());

    expectStatus(404, () -> call(request(Method.POST, "/tasks/{workflowId}/{status}/signal/sync")
        .addPathParam("workflowId", id).addPathParam("status", "COMPLETED").body(map()).build(),
        new TypeReference<Map<String, Object>>() {}));
  }
}
