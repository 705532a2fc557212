package io.conductorvx.client;

import static io.conductorvx.client.SubWorkflowTaskTest.systemTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.messages.WorkflowMessages;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Workflow messages (POST /api/workflow/{id}/messages and PULL_WORKFLOW_MESSAGES) on one backend:
 * delivered in order, in batches, waking a waiting task; refused for unknown, finished or paused
 * workflows and beyond the queue's size; kept in the queue backend across a restart.
 */
abstract class WorkflowMessagesContract extends BackendTestBase {
  private static final Duration DONE = Duration.ofSeconds(20);
  private static final int MAX_QUEUE = 5;

  @Override
  protected JsonObject moreSettings() {
    return new JsonObject().put("workflowMessageQueueMaxSize", MAX_QUEUE).put("workflowMessageMaxBatchSize", 3);
  }

  private static WorkflowTask pull(String ref, Map<String, Object> input) {
    return systemTask("PULL_WORKFLOW_MESSAGES", ref, input);
  }

  private String push(String workflowId, Map<String, Object> payload) {
    RawHttp.Response r = RawHttp.post(server, "/api/workflow/" + workflowId + "/messages", new JsonObject(payload).encode());
    assertEquals(200, r.status(), r::body);
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    assertIsBareId(r.body());
    return r.body();
  }

  private void signalWait(String workflowId) {
    RawHttp.Response r = RawHttp.post(server, "/api/tasks/" + workflowId + "/COMPLETED/signal", "{}");
    assertEquals(200, r.status(), r::body);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> messages(Task t) {
    return (List<Map<String, Object>>) t.getOutputData().get("messages");
  }

  private long queued(String workflowId) {
    return TestServer.await(server.conductorServer().backends().queues().size(WorkflowMessages.queueName(workflowId)), 10);
  }

  @Test
  void messagesAreDeliveredOldestFirstInBatchesAndAPushWakesAWaitingTask() {
    String wf = uniq("wmq");
    registerWorkflow(wf, List.of(
        systemTask("WAIT", "gate", Map.of()),
        pull("first_two", map("batchSize", 2)),
        pull("the_rest", map("batchSize", 50, "blocking", false)),
        pull("waiting", map()),
        systemTask("SET_VARIABLE", "seen", map("last", expr("waiting.output.messages[0].payload.n")))), null);
    String id = start(wf, map());
    awaitWorkflow("the gate to wait", id, DONE, w -> w.getTaskByRefName("gate") != null);

    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      ids.add(push(id, map("n", n, "text", "message " + n)));
    }
    assertEquals(3, queued(id), "kept in the queue backend");
    signalWait(id);

    Workflow w = awaitWorkflow("the pull tasks to take what is there", id, DONE,
        x -> x.getTaskByRefName("the_rest") != null && x.getTaskByRefName("the_rest").getStatus() == Task.Status.COMPLETED);
    Task firstTwo = w.getTaskByRefName("first_two");
    assertEquals(Task.Status.COMPLETED, firstTwo.getStatus());
    assertEquals(2, ((Number) firstTwo.getOutputData().get("count")).intValue());
    List<Map<String, Object>> got = messages(firstTwo);
    assertEquals(ids.subList(0, 2), got.stream().map(m -> m.get("id")).toList(), "oldest first");
    assertEquals(id, got.get(0).get("workflowId"));
    assertEquals(1, ((Number) ((Map<?, ?>) got.get(0).get("payload")).get("n")).intValue());
    assertNotNull(Instant.parse((String) got.get(0).get("receivedAt")));
    Task rest = w.getTaskByRefName("the_rest");
    assertEquals(List.of(ids.get(2)), messages(rest).stream().map(m -> m.get("id")).toList());

    // an empty queue: a blocking pull waits until a push wakes it
    Task waiting = awaitWorkflow("the last pull to wait", id, DONE,
        x -> x.getTaskByRefName("waiting") != null).getTaskByRefName("waiting");
    assertEquals(Task.Status.IN_PROGRESS, waiting.getStatus());
    Await.holdsFor("the pull to keep waiting", Duration.ofMillis(300), () -> workflow(id).getTaskByRefName("waiting").getStatus(),
        s -> s == Task.Status.IN_PROGRESS);
    String last = push(id, map("n", 4));
    Workflow done = awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED); // woken, not the 10 s recheck
    assertEquals(List.of(last), messages(done.getTaskByRefName("waiting")).stream().map(m -> m.get("id")).toList());
    assertEquals(4, ((Number) done.getVariables().get("last")).intValue());
    assertEquals(0, queued(id), "delivered messages are removed");
  }

  @Test
  void aNonBlockingPullCompletesAtOnceWithNoMessages() {
    String wf = uniq("wmq_nb");
    registerWorkflow(wf, List.of(pull("peek", map("blocking", false))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);
    Task peek = w.getTaskByRefName("peek");
    assertEquals(0, ((Number) peek.getOutputData().get("count")).intValue());
    assertEquals(List.of(), peek.getOutputData().get("messages"));
  }

  @Test
  void aBatchIsCappedByTheServerSetting() {
    String wf = uniq("wmq_cap");
    registerWorkflow(wf, List.of(systemTask("WAIT", "gate", Map.of()), pull("all", map("batchSize", 100))), null);
    String id = start(wf, map());
    awaitWorkflow("the gate", id, DONE, w -> w.getTaskByRefName("gate") != null);
    for (int n = 0; n < 5; n++) {
      push(id, map("n", n));
    }
    signalWait(id);
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(3, messages(w.getTaskByRefName("all")).size(), "workflowMessageMaxBatchSize is 3");
  }

  @Test
  void pushesToUnknownFinishedOrPausedWorkflowsAndBeyondTheQueueSizeAreRefused() {
    assertEquals(404, RawHttp.post(server, "/api/workflow/no-such-workflow/messages", "{}").status());

    String wf = uniq("wmq_refused");
    registerWorkflow(wf, List.of(systemTask("WAIT", "gate", Map.of())), null);
    String id = start(wf, map());
    awaitWorkflow("the gate", id, DONE, w -> w.getTaskByRefName("gate") != null);
    for (int n = 0; n < MAX_QUEUE; n++) {
      push(id, map("n", n));
    }
    RawHttp.Response full = RawHttp.post(server, "/api/workflow/" + id + "/messages", "{\"n\":99}");
    assertEquals(429, full.status(), full::body);
    JsonObject error = new JsonObject(full.body());
    assertTrue(error.getString("message").contains("maximum size of " + MAX_QUEUE), full::body);

    workflowClient.pauseWorkflow(id);
    RawHttp.Response paused = RawHttp.post(server, "/api/workflow/" + id + "/messages", "{}");
    assertEquals(409, paused.status(), paused::body);
    assertTrue(new JsonObject(paused.body()).getString("message").contains("not in RUNNING state"), paused::body);
    workflowClient.resumeWorkflow(id);

    workflowClient.terminateWorkflow(id, "done here");
    assertEquals(409, RawHttp.post(server, "/api/workflow/" + id + "/messages", "{}").status());
    Await.await("the ended workflow's messages to be dropped", DONE, () -> queued(id), n -> n == 0);
  }

  @Test
  void messagesWaitingInTheQueueBackendSurviveARestart() {
    assumeFalse("memory".equals(backend()), "the memory backend is not durable");
    String wf = uniq("wmq_durable");
    registerWorkflow(wf, List.of(systemTask("WAIT", "gate", Map.of()), pull("after_restart", map("batchSize", 2))), null);
    String id = start(wf, map());
    awaitWorkflow("the gate", id, DONE, w -> w.getTaskByRefName("gate") != null);
    String a = push(id, map("n", 1));
    String b = push(id, map("n", 2));

    restartServer();
    signalWait(id);
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(List.of(a, b), messages(w.getTaskByRefName("after_restart")).stream().map(m -> m.get("id")).toList());
  }
}
