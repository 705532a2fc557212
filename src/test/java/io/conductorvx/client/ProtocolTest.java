package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.netflix.conductor.client.exception.ConductorClientException;
import com.netflix.conductor.client.http.ConductorClientRequest.Method;
import com.netflix.conductor.client.http.ConductorClientResponse;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Wire details the SDK depends on (spec README "20 behaviours" #1–#4), seen through the client's HTTP layer. */
class ProtocolTest extends ClientTestBase {

  @Test
  void emptySinglePollIs204AndTheClientReturnsNull() {
    String type = uniq("empty_single");
    ConductorClientResponse<Map<String, Object>> res = call(request(Method.GET, "/tasks/poll/{taskType}")
        .addPathParam("taskType", type).addQueryParam("workerid", "proto").build(),
        new TypeReference<Map<String, Object>>() {});
    assertEquals(204, res.getStatusCode());
    assertNull(res.getData());
    assertNull(taskClient.pollTask(type, "proto", null));
  }

  @Test
  void emptyBatchPollIs200WithAnEmptyJsonArray() {
    String type = uniq("empty_batch");
    ConductorClientResponse<String> res = call(request(Method.GET, "/tasks/poll/batch/{taskType}")
        .addPathParam("taskType", type).addQueryParam("workerid", "proto").addQueryParam("count", 3)
        .addQueryParam("timeout", 100).build(), new TypeReference<String>() {});
    assertEquals(200, res.getStatusCode(), "batch poll never answers 204");
    assertEquals("[]", res.getData() == null ? null : res.getData().strip());
    assertTrue(taskClient.batchPollTasksByTaskType(type, "proto", 3, 100).isEmpty());
  }

  @Test
  void batchPollTimeoutAboveFiveSecondsIs400() {
    expectStatus(400, () -> taskClient.batchPollTasksByTaskType(uniq("too_long"), "proto", 1, 5001));
  }

  @Test
  void polledTaskJsonUsesTheConductorFieldNamesAndOmitsNulls() {
    String type = uniq("fields");
    String wf = uniq("fields_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "field_ref", map("k", "v"))), null);
    String id = start(wf, map());
    ConductorClientResponse<List<Map<String, Object>>> res = Await.await("a task in the batch poll", Duration.ofSeconds(5),
        () -> call(request(Method.GET, "/tasks/poll/batch/{taskType}").addPathParam("taskType", type)
            .addQueryParam("workerid", "proto").addQueryParam("count", 1).addQueryParam("timeout", 100).build(),
            new TypeReference<List<Map<String, Object>>>() {}),
        r -> r.getData() != null && !r.getData().isEmpty());
    Map<String, Object> task = res.getData().get(0);
    assertEquals(type, task.get("taskType"));
    assertEquals(type, task.get("taskDefName"));
    assertEquals("field_ref", task.get("referenceTaskName"));
    assertEquals(id, task.get("workflowInstanceId"));
    assertEquals(wf, task.get("workflowType"));
    assertEquals("IN_PROGRESS", task.get("status"));
    assertEquals(Map.of("k", "v"), task.get("inputData"));
    assertEquals(1, ((Number) task.get("pollCount")).intValue());
    assertEquals(0, ((Number) task.get("retryCount")).intValue());
    assertEquals(1, ((Number) task.get("seq")).intValue());
    assertEquals("proto", task.get("workerId"));
    for (String key : List.of("taskId", "scheduledTime", "startTime", "updateTime", "responseTimeoutSeconds",
        "callbackAfterSeconds", "workflowTask", "outputData", "workflowPriority")) {
      assertTrue(task.containsKey(key), "task JSON has " + key + ": " + task.keySet());
    }
    assertTrue(task.values().stream().allMatch(Objects::nonNull), "null fields are omitted: " + task);
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void errorsCarryStatusAndMessage() {
    String missing = UUID.randomUUID().toString();
    ConductorClientException e = expectStatus(404, () -> workflowClient.getWorkflow(missing, true));
    assertNotNull(e.getMessage());
    assertTrue(e.getMessage().contains(missing), "message names the id: " + e.getMessage());
  }

  @Test
  void workflowStatusTransitionsAreVisibleThroughTheClient() {
    String type = uniq("status_task");
    String wf = uniq("status_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String id = start(wf, map());
    assertEquals(Workflow.WorkflowStatus.RUNNING, workflow(id).getStatus());
    workflowClient.pauseWorkflow(id);
    assertEquals(Workflow.WorkflowStatus.PAUSED, workflow(id).getStatus());
    workflowClient.resumeWorkflow(id);
    assertEquals(Workflow.WorkflowStatus.RUNNING, workflow(id).getStatus());
    workflowClient.terminateWorkflow(id, null);
    assertEquals(Workflow.WorkflowStatus.TERMINATED, workflow(id).getStatus());
  }
}
