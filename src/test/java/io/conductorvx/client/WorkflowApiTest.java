package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.netflix.conductor.client.http.ConductorClientRequest.Method;
import com.netflix.conductor.client.http.ConductorClientResponse;
import com.netflix.conductor.common.metadata.tasks.PollData;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskExecLog;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.IdempotencyStrategy;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.run.SearchResult;
import com.netflix.conductor.common.run.TaskSummary;
import com.netflix.conductor.common.run.Workflow;
import com.netflix.conductor.common.run.WorkflowSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Start variants, lookups, removal, task logs, queue/poll data, updates by ref and update-v2. */
class WorkflowApiTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  @Test
  void startWithRequestReturnsAPlainIdAndStoresTheRequest() {
    String type = uniq("req_task");
    String wf = uniq("req_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", map("x", expr("workflow.input.x")))), null);
    String id = start(new StartWorkflowRequest().withName(wf).withVersion(1).withCorrelationId("corr-req")
        .withPriority(12).withInput(map("x", "y")));
    UUID.fromString(id); // a UUID, nothing else
    Workflow w = workflow(id);
    assertEquals(id, w.getWorkflowId());
    assertEquals(wf, w.getWorkflowName());
    assertEquals(1, w.getWorkflowVersion());
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus());
    assertEquals("corr-req", w.getCorrelationId());
    assertEquals(12, w.getPriority());
    assertEquals(map("x", "y"), w.getInput());
    assertNotNull(w.getWorkflowDefinition(), "the def snapshot is part of the execution");
    assertEquals(wf, w.getWorkflowDefinition().getName());
    assertEquals(1, w.getTasks().size(), "first task scheduled before start returns");
    Workflow withoutTasks = workflowClient.getWorkflow(id, false);
    assertTrue(withoutTasks.getTasks() == null || withoutTasks.getTasks().isEmpty(), "includeTasks=false");
    Task t = w.getTasks().get(0);
    assertEquals(Task.Status.SCHEDULED, t.getStatus());
    assertEquals("y", t.getInputData().get("x"));
    assertEquals(12, t.getWorkflowPriority());
    assertEquals("corr-req", t.getCorrelationId());
    assertNotNull(t.getWorkflowTask(), "task carries its definition node");
    assertEquals("t", t.getWorkflowTask().getTaskReferenceName());
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void startByNameWithQueryParametersReturnsTextPlainId() {
    String wf = uniq("by_name");
    String type = uniq("by_name_task");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    WorkflowDef v2 = workflowDef(wf, 2, List.of(simpleTask(type, "t", Map.of()), simpleTask(type, "t2", Map.of())));
    metadataClient.registerWorkflowDef(v2);

    ConductorClientResponse<String> res = call(request(Method.POST, "/workflow/{name}")
        .addPathParam("name", wf)
        .addQueryParam("version", 1)
        .addQueryParam("correlationId", "corr-by-name")
        .addQueryParam("priority", 7)
        .body(map("k", "v"))
        .build(), new TypeReference<String>() {});
    assertEquals(200, res.getStatusCode());
    String contentType = res.getHeaders().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
        .flatMap(e -> e.getValue().stream()).findFirst().orElse("");
    assertTrue(contentType.startsWith("text/plain"), "start returns text/plain, got " + contentType);
    String id = res.getData();
    assertIsBareId(id);
    Workflow w = workflow(id);
    assertEquals(1, w.getWorkflowVersion(), "version query param honoured");
    assertEquals("corr-by-name", w.getCorrelationId());
    assertEquals(7, w.getPriority());
    assertEquals(map("k", "v"), w.getInput());

    String latest = call(request(Method.POST, "/workflow/{name}").addPathParam("name", wf).body(map()).build(),
        new TypeReference<String>() {}).getData();
    assertEquals(2, workflow(latest).getWorkflowVersion(), "no version = latest");
    workflowClient.terminateWorkflow(id, "done");
    workflowClient.terminateWorkflow(latest, "done");
  }

  @Test
  void startingAnUnknownWorkflowIs404() {
    expectStatus(404, () -> workflowClient.startWorkflow(new StartWorkflowRequest().withName(uniq("no_such_wf"))
        .withInput(map())));
  }

  @Test
  void startWithAnInlineDefinitionRunsWithoutRegistration() {
    String type = uniq("inline_task");
    WorkflowDef def = workflowDef(uniq("inline_wf"), 1, List.of(simpleTask(type, "t", map("v", expr("workflow.input.v")))));
    String id = start(new StartWorkflowRequest().withName(def.getName()).withWorkflowDef(def).withInput(map("v", 5)));
    Task t = awaitPoll(type, "inline-worker", null, DONE);
    assertEquals(5, ((Number) t.getInputData().get("v")).intValue());
    complete(t, map("r", "ok"));
    assertEquals(map("r", "ok"), awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED).getOutput());
  }

  @Test
  void correlationIdLookupRunningIdsAndRemove() {
    String type = uniq("corr_task");
    String wf = uniq("corr_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String corr = "corr-" + UUID.randomUUID();
    String a = start(new StartWorkflowRequest().withName(wf).withVersion(1).withCorrelationId(corr).withInput(map()));
    String b = start(new StartWorkflowRequest().withName(wf).withVersion(1).withCorrelationId(corr).withInput(map()));
    String other = start(new StartWorkflowRequest().withName(wf).withVersion(1).withCorrelationId("x" + corr).withInput(map()));

    List<Workflow> running = workflowClient.getWorkflows(wf, corr, false, true);
    assertEquals(Set.of(a, b), running.stream().map(Workflow::getWorkflowId).collect(Collectors.toSet()));
    assertTrue(running.stream().allMatch(w -> w.getTasks().size() == 1), "includeTasks=true returns tasks");
    List<Workflow> noTasks = workflowClient.getWorkflows(wf, corr, false, false);
    assertTrue(noTasks.stream().allMatch(w -> w.getTasks() == null || w.getTasks().isEmpty()), "includeTasks=false");

    assertEquals(Set.of(a, b, other), Set.copyOf(workflowClient.getRunningWorkflow(wf, 1)));

    workflowClient.terminateWorkflow(b, "closed");
    assertEquals(Set.of(a), workflowClient.getWorkflows(wf, corr, false, false).stream()
        .map(Workflow::getWorkflowId).collect(Collectors.toSet()), "closed ones excluded by default");
    assertEquals(Set.of(a, b), workflowClient.getWorkflows(wf, corr, true, false).stream()
        .map(Workflow::getWorkflowId).collect(Collectors.toSet()), "includeClosed=true");
    assertEquals(Set.of(a, other), Set.copyOf(workflowClient.getRunningWorkflow(wf, 1)), "running ids exclude terminated");

    workflowClient.terminateWorkflow(other, "closed");
    workflowClient.deleteWorkflow(other, false);
    expectStatus(404, () -> workflowClient.getWorkflow(other, true));
    workflowClient.terminateWorkflow(a, "closed");
  }

  @Test
  void removingARunningWorkflowDropsItsQueuedTasks() {
    String type = uniq("orphan");
    String wf = uniq("orphan_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String id = start(wf, map());
    workflowClient.deleteWorkflow(id, false);
    expectStatus(404, () -> workflowClient.getWorkflow(id, true));
    assertTrue(taskClient.batchPollTasksByTaskType(type, "orphan-worker", 5, 300).isEmpty(),
        "a task of a removed workflow must not be handed out");
    assertNull(taskClient.pollTask(type, "orphan-worker", null));
  }

  @Test
  void unknownWorkflowAndTaskIdsAre404() {
    expectStatus(404, () -> workflowClient.getWorkflow(UUID.randomUUID().toString(), true));
    expectStatus(404, () -> taskClient.getTaskDetails(UUID.randomUUID().toString()));
    TaskResult r = new TaskResult();
    r.setWorkflowInstanceId(UUID.randomUUID().toString());
    r.setTaskId(UUID.randomUUID().toString());
    r.setStatus(TaskResult.Status.COMPLETED);
    expectStatus(404, () -> taskClient.updateTask(r));
  }

  @Test
  void taskResultWithoutIdsIs400() {
    TaskResult r = new TaskResult();
    r.setTaskId(UUID.randomUUID().toString());
    r.setStatus(TaskResult.Status.COMPLETED);
    expectStatus(400, () -> taskClient.updateTask(r));
  }

  @Test
  void taskLogsCanBeAddedAndRead() {
    String type = uniq("logged");
    String wf = uniq("log_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String id = start(wf, map());
    Task t = awaitPoll(type, "log-worker", null, DONE);
    List<TaskExecLog> none = taskClient.getTaskLogs(t.getTaskId());
    assertTrue(none == null || none.isEmpty(), "no logs yet (204 or [])");

    taskClient.logMessageForTask(t.getTaskId(), "first line");
    taskClient.logMessageForTask(t.getTaskId(), "second line with \"quotes\"");
    TaskResult r = TestWorker.result(t, TaskResult.Status.COMPLETED, null, Map.of());
    r.log("from the result");
    taskClient.updateTask(r);

    List<TaskExecLog> logs = taskClient.getTaskLogs(t.getTaskId());
    assertEquals(List.of("first line", "second line with \"quotes\"", "from the result"),
        logs.stream().map(TaskExecLog::getLog).toList());
    assertTrue(logs.stream().allMatch(l -> t.getTaskId().equals(l.getTaskId()) && l.getCreatedTime() > 0), logs.toString());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void queueSizeCountsPendingTasks() {
    String type = uniq("queued");
    String wf = uniq("queued_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    assertEquals(0, taskClient.getQueueSizeForTask(type));
    List<String> ids = List.of(start(wf, map()), start(wf, map()), start(wf, map()));
    assertEquals(3, taskClient.getQueueSizeForTask(type));
    Task t = awaitPoll(type, "qs-worker", null, DONE);
    assertEquals(2, taskClient.getQueueSizeForTask(type), "a polled task leaves the queue");
    complete(t, map());
    workflowClient.terminateWorkflow(ids.get(1), "x");
    workflowClient.terminateWorkflow(ids.get(2), "x");
    Await.await("queue drained after terminate", DONE, () -> taskClient.getQueueSizeForTask(type) == 0);
  }

  @Test
  void pollDataRecordsWorkerAndLastPollTimeEvenForEmptyPolls() {
    String type = uniq("polled");
    long before = System.currentTimeMillis();
    assertTrue(taskClient.batchPollTasksByTaskType(type, "pd-worker", 1, 100).isEmpty());
    List<PollData> data = taskClient.getPollData(type);
    assertEquals(1, data.size(), data.toString());
    PollData pd = data.get(0);
    assertEquals(type, pd.getQueueName());
    assertEquals("pd-worker", pd.getWorkerId());
    assertNull(pd.getDomain());
    assertTrue(pd.getLastPollTime() >= before - 1_000, "lastPollTime " + pd.getLastPollTime() + " vs " + before);

    assertNull(taskClient.pollTask(type, "pd-worker-2", "red"));
    List<PollData> both = taskClient.getPollData(type);
    assertEquals(2, both.size(), "one row per (type, domain): " + both);
    assertTrue(both.stream().anyMatch(p -> "red".equals(p.getDomain()) && "pd-worker-2".equals(p.getWorkerId())), both.toString());
  }

  @Test
  void sdkGetAllPollDataWithoutTaskTypeListsEveryQueue() {
    // TaskClient.getAllPollData() (4.0.10) calls GET /api/tasks/queue/polldata WITHOUT taskType
    String type = uniq("polled_all");
    taskClient.batchPollTasksByTaskType(type, "pda-worker", 1, 100);
    List<PollData> all = taskClient.getAllPollData();
    assertTrue(all.stream().anyMatch(p -> type.equals(p.getQueueName())), "getAllPollData lists " + type);
  }

  @Test
  void updateTaskByReferenceNameMergesOutputAndReturnsTheTaskId() {
    String type = uniq("by_ref");
    String wf = uniq("by_ref_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "the_ref", Map.of())), null);
    String id = start(wf, map());
    String taskId = workflow(id).getTaskByRefName("the_ref").getTaskId();

    ConductorClientResponse<String> progress = call(request(Method.POST, "/tasks/{workflowId}/{taskRefName}/{status}")
        .addPathParam("workflowId", id).addPathParam("taskRefName", "the_ref").addPathParam("status", "IN_PROGRESS")
        .addQueryParam("workerid", "ref-updater")
        .body(map("a", 1)).build(), new TypeReference<String>() {});
    assertEquals(taskId, progress.getData(), "text/plain task id");

    ConductorClientResponse<String> done = call(request(Method.POST, "/tasks/{workflowId}/{taskRefName}/{status}")
        .addPathParam("workflowId", id).addPathParam("taskRefName", "the_ref").addPathParam("status", "COMPLETED")
        .body(map("b", 2)).build(), new TypeReference<String>() {});
    assertEquals(taskId, done.getData());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("a", 1, "b", 2), SimpleWorkflowTest.normalizeNumbers(w.getTaskByRefName("the_ref").getOutputData()),
        "update by ref merges into the existing output");

    ConductorClientResponse<String> nothingPending = call(request(Method.POST, "/tasks/{workflowId}/{taskRefName}/{status}")
        .addPathParam("workflowId", id).addPathParam("taskRefName", "the_ref").addPathParam("status", "COMPLETED")
        .body(map()).build(), new TypeReference<String>() {});
    assertEquals(200, nothingPending.getStatusCode());
    assertTrue(nothingPending.getData() == null || nothingPending.getData().isEmpty(),
        "no pending task -> empty body, got " + nothingPending.getData());
  }

  @Test
  void updateV2ReturnsTheNextTaskOfTheSameTypeOrNothing() {
    String type = uniq("v2");
    String wf = uniq("v2_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String first = start(wf, map("n", 1));
    String second = start(wf, map("n", 2));

    Task t1 = awaitPoll(type, "v2-worker", null, DONE);
    assertEquals(first, t1.getWorkflowInstanceId());
    TaskResult r1 = TestWorker.result(t1, TaskResult.Status.COMPLETED, null, Map.of("n", 1));
    r1.setWorkerId("v2-worker");
    Task t2 = taskClient.updateTaskV2(r1);
    assertNotNull(t2, "update-v2 hands out the next task");
    assertEquals(second, t2.getWorkflowInstanceId());
    assertEquals(Task.Status.IN_PROGRESS, t2.getStatus());
    assertEquals("v2-worker", t2.getWorkerId());
    assertEquals(1, t2.getPollCount());

    TaskResult r2 = TestWorker.result(t2, TaskResult.Status.COMPLETED, null, Map.of("n", 2));
    r2.setWorkerId("v2-worker");
    assertNull(taskClient.updateTaskV2(r2), "nothing queued -> 204 -> null");
    awaitStatus(first, DONE, Workflow.WorkflowStatus.COMPLETED);
    awaitStatus(second, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void updateV2HandsOutTheNextTaskFromTheSameDomainOnly() {
    String type = uniq("v2_domain");
    String wf = uniq("v2_domain_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String inDomain = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map())
        .withTaskToDomain(Map.of(type, "dv2")));
    String noDomain = start(wf, map());
    Task t = awaitPoll(type, "v2d-worker", "dv2", DONE);
    assertEquals(inDomain, t.getWorkflowInstanceId());
    TaskResult r = TestWorker.result(t, TaskResult.Status.COMPLETED, null, Map.of());
    r.setWorkerId("v2d-worker");
    assertNull(taskClient.updateTaskV2(r), "the only other task is domain-less: nothing for this domain");
    Task plain = awaitPoll(type, "plain-worker", null, DONE);
    assertEquals(noDomain, plain.getWorkflowInstanceId());
    complete(plain, map());
    awaitStatus(inDomain, DONE, Workflow.WorkflowStatus.COMPLETED);
    awaitStatus(noDomain, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void sdkTaskRunnerWithUpdateV2CompletesEveryWorkflow() {
    String type = uniq("v2_runner");
    String wf = uniq("v2_runner_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", map("n", expr("workflow.input.n")))), null);
    TestWorker worker = TestWorker.completing(type, t -> map("n", t.getInputData().get("n")));
    server.clearExchanges();
    runWorkers(RunnerOptions.defaults().updateV2(true).threads(2), worker);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(start(wf, map("n", i)));
    }
    for (int i = 0; i < ids.size(); i++) {
      Workflow w = awaitStatus(ids.get(i), DONE, Workflow.WorkflowStatus.COMPLETED);
      assertEquals(i, ((Number) w.getOutput().get("n")).intValue());
    }
    assertEquals(6, worker.executions().size());
    assertTrue(server.allExchanges().stream().anyMatch(e -> e.contains("ms POST /api/tasks/update-v2")),
        "TaskRunner used update-v2: " + server.lastExchanges(20));
    assertFalse(worker.deliveriesPerTaskId().values().stream().anyMatch(c -> c.get() > 1), "no task delivered twice");
  }

  @Test
  void updatesToTerminalTasksAreAcceptedAndIgnored() {
    String type = uniq("twice");
    String wf = uniq("twice_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of()), simpleTask(uniq("twice_next"), "n", Map.of())), null);
    String id = start(wf, map());
    Task t = awaitPoll(type, "twice-worker", null, DONE);
    complete(t, map("v", "first"));
    awaitWorkflow("next task scheduled", id, DONE, w -> w.getTasks().size() == 2);
    complete(t, map("v", "second"));                                // 200, ignored
    taskClient.updateTask(TestWorker.result(t, TaskResult.Status.FAILED, "late failure", Map.of()));  // 200, ignored
    Workflow w = workflow(id);
    Task stored = w.getTaskByRefName("t");
    assertEquals(Task.Status.COMPLETED, stored.getStatus());
    assertEquals(map("v", "first"), stored.getOutputData());
    assertEquals(2, w.getTasks().size(), "no retry/duplicate from the late updates: " + Describe.workflow(w));
    assertEquals(Workflow.WorkflowStatus.RUNNING, w.getStatus());
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void priorityOutsideZeroToNinetyNineIs400() {
    String wf = uniq("bad_prio");
    registerWorkflow(wf, List.of(simpleTask(uniq("bad_prio_task"), "t", Map.of())), null);
    expectStatus(400, () -> workflowClient.startWorkflow(new StartWorkflowRequest().withName(wf).withVersion(1)
        .withInput(map()).withPriority(100)));
    expectStatus(400, () -> workflowClient.startWorkflow(new StartWorkflowRequest().withName(wf).withVersion(1)
        .withInput(map()).withPriority(-1)));
  }

  @Test
  void batchPollHandsOutSeveralTasksAtOnce() {
    String type = uniq("batched");
    String wf = uniq("batched_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    Set<String> ids = Set.of(start(wf, map()), start(wf, map()), start(wf, map()));
    List<Task> tasks = taskClient.batchPollTasksByTaskType(type, "batch-worker", 5, 1_000);
    assertEquals(ids, tasks.stream().map(Task::getWorkflowInstanceId).collect(Collectors.toSet()),
        "all three queued tasks in one batch");
    assertTrue(tasks.stream().allMatch(t -> t.getStatus() == Task.Status.IN_PROGRESS && "batch-worker".equals(t.getWorkerId())));
    assertTrue(taskClient.batchPollTasksByTaskType(type, "batch-worker", 5, 100).isEmpty(), "each handed out once");
    for (Task t : tasks) {
      complete(t, map());
    }
  }

  @Test
  void ackEndpointAnswersTrue() {
    // SDK-only endpoint (not in OSS); spec decision: implement it
    String type = uniq("acked");
    String wf = uniq("acked_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String id = start(wf, map());
    Task t = awaitPoll(type, "ack-worker", null, DONE);
    assertEquals(Boolean.TRUE, taskClient.ack(t.getTaskId(), "ack-worker"));
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void requeuePendingTasksDoesNotDuplicateQueueEntries() {
    String type = uniq("requeued");
    String wf = uniq("requeued_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String a = start(wf, map());
    String b = start(wf, map());
    String count = taskClient.requeuePendingTasksByTaskType(type);
    log("requeue of 2 SCHEDULED tasks answered '" + count + "'");
    assertEquals("2", count == null ? null : count.strip(), "text/plain count of re-pushed tasks");
    assertEquals(2, taskClient.getQueueSizeForTask(type), "re-pushing must not duplicate queue messages");
    List<Task> polled = taskClient.batchPollTasksByTaskType(type, "rq-worker", 5, 500);
    assertEquals(Set.of(a, b), polled.stream().map(Task::getWorkflowInstanceId).collect(Collectors.toSet()));
    assertEquals(2, polled.size(), "each task delivered once");
    assertTrue(taskClient.batchPollTasksByTaskType(type, "rq-worker", 5, 200).isEmpty());
    for (Task t : polled) {
      complete(t, map());
    }
  }

  @Test
  void searchFindsWorkflowsByTypeAndStatus() {
    String wf = uniq("searched");
    registerWorkflow(wf, List.of(simpleTask(uniq("searched_task"), "t", Map.of())), null);
    String a = start(wf, map());
    String b = start(wf, map());
    workflowClient.terminateWorkflow(b, "x");
    SearchResult<WorkflowSummary> all = workflowClient.search(0, 10, null, "*", "workflowType = \"" + wf + "\"");
    assertEquals(2, all.getTotalHits());
    assertEquals(Set.of(a, b), all.getResults().stream().map(WorkflowSummary::getWorkflowId).collect(Collectors.toSet()));
    SearchResult<WorkflowSummary> running = workflowClient.search(0, 10, null, "*",
        "workflowType = \"" + wf + "\" AND status IN (RUNNING)");
    assertEquals(1, running.getTotalHits());
    assertEquals(a, running.getResults().get(0).getWorkflowId());
    workflowClient.terminateWorkflow(a, "x");
  }

  @Test
  void taskSearchFindsTasksByTypeAndStatusAsSummariesAndAsTasks() {
    String wf = uniq("task_searched");
    String type = uniq("task_searched_type");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of("n", "${workflow.input.n}"))), null);
    String a = start(wf, map("n", 1));
    String b = start(wf, map("n", 2));
    SearchResult<TaskSummary> scheduled = taskClient.search(0, 10, "scheduledTime:ASC", "*",
        "taskType = " + type + " AND status IN (SCHEDULED)");
    assertEquals(2, scheduled.getTotalHits());
    assertEquals(Set.of(a, b), scheduled.getResults().stream().map(TaskSummary::getWorkflowId).collect(Collectors.toSet()));
    TaskSummary first = scheduled.getResults().stream().filter(t -> t.getWorkflowId().equals(a)).findFirst().orElseThrow();
    assertEquals(wf, first.getWorkflowType());
    assertEquals("{\"n\":1}", first.getInput(), "input as JSON text");
    SearchResult<Task> text = taskClient.searchV2(0, 10, null, "\"n\":2", "taskType = " + type);
    assertEquals(1, text.getTotalHits());
    assertEquals(b, text.getResults().get(0).getWorkflowInstanceId());
    assertEquals(2, text.getResults().get(0).getInputData().get("n"));
    workflowClient.terminateWorkflow(a, "x");
    workflowClient.terminateWorkflow(b, "x");
  }

  @Test
  void idempotencyKeyStrategiesDedupeTopLevelStarts() {
    String wf = uniq("idem");
    registerWorkflow(wf, List.of(simpleTask(uniq("idem_task"), "t", Map.of())), null);
    StartWorkflowRequest fail = new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map());
    fail.setIdempotencyKey("order-1");
    String first = start(fail);
    expectStatus(409, () -> workflowClient.startWorkflow(fail));

    StartWorkflowRequest existing = new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map());
    existing.setIdempotencyKey("order-1");
    existing.setIdempotencyStrategy(IdempotencyStrategy.RETURN_EXISTING);
    assertEquals(first, start(existing), "RETURN_EXISTING answers the workflow the key started");
    assertEquals("order-1", workflow(first).getIdempotencyKey());

    StartWorkflowRequest onRunning = new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map());
    onRunning.setIdempotencyKey("order-2");
    onRunning.setIdempotencyStrategy(IdempotencyStrategy.FAIL_ON_RUNNING);
    String running = start(onRunning);
    expectStatus(409, () -> workflowClient.startWorkflow(onRunning));
    workflowClient.terminateWorkflow(running, "done with it");
    String next = start(onRunning);
    assertNotEquals(running, next, "once the key's workflow ended, FAIL_ON_RUNNING starts a new one");
    expectStatus(409, () -> workflowClient.startWorkflow(onRunning));
    workflowClient.terminateWorkflow(first, "cleanup");
    workflowClient.terminateWorkflow(next, "cleanup");
  }
}
