package io.conductorvx.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.client.Await;
import io.conductorvx.client.TestServer;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scrapes {@code /metrics} while workflows run through the official Java client, on memory and on
 * PostgreSQL+Redis, and checks that Conductor's meters (with Conductor's names and tags) and ours
 * move as the workflows do.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "postgres+redis"})
  void metersMoveWithTheWorkflowsWithConductorsNamesAndTags(String mode) {
    String schema = mode.equals("memory") ? null : TestBackends.uniqueSchema();
    String prefix = TestBackends.uniqueRedisPrefix();
    if (schema != null) {
      await(TestBackends.admin("CREATE SCHEMA " + schema));
    }
    // Vert.x's own meters are off by default (their cost: benchmarks/README.md); this test reads them too
    JsonObject settings = (mode.equals("memory") ? new JsonObject()
        : new JsonObject().put("store", "postgres").put("queue", "redis")
            .put("postgresUrl", TestBackends.postgresUrl(schema)).put("redisUrl", TestBackends.REDIS_URL)
            .put("redisKeyPrefix", prefix)).put("metricsVertx", true);
    try (TestServer server = TestServer.start(settings)) {
      run(server, mode.equals("memory") ? "memory" : "postgres", mode.equals("memory") ? "memory" : "redis");
    } finally {
      if (schema != null) {
        await(TestBackends.dropSchema(schema));
        await(TestBackends.deleteRedisKeys(prefix));
      }
    }
  }

  private void run(TestServer server, String storeBackend, String queueBackend) {
    MetadataClient metadata = server.metadataClient();
    WorkflowClient workflows = server.workflowClient();
    TaskClient tasks = server.taskClient();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String type = "mt_task_" + suffix;
    String wfName = "mt_wf_" + suffix;
    TaskDef def = new TaskDef(type);
    def.setRetryCount(1);
    def.setRetryDelaySeconds(0);
    def.setOwnerApp("ops-team");
    def.setOwnerEmail("tests@conductor-vx.io");
    def.setResponseTimeoutSeconds(60);
    metadata.registerTaskDefs(List.of(def));
    WorkflowDef wf = new WorkflowDef();
    wf.setName(wfName);
    wf.setVersion(1);
    wf.setOwnerEmail("tests@conductor-vx.io");
    wf.setTasks(new ArrayList<>(List.of(simple(type, "first"), simple(type, "second"))));
    metadata.registerWorkflowDef(wf);

    Map<String, String> wfTags = Map.of("workflowName", wfName, "ownerApp", "unknown");
    Map<String, String> typeTag = Map.of("taskType", type);

    // ---- three starts: counted with name, version and ownerApp; their first tasks wait in the queue
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(workflows.startWorkflow(new StartWorkflowRequest().withName(wfName).withVersion(1).withInput(new HashMap<>())));
    }
    Scrape s = scrapeUntil(server, "3 starts and a queue depth of 3",
        x -> x.sum("workflow_start_success_total", Map.of("workflowName", wfName, "version", "1", "ownerApp", "unknown")) == 3
            && x.sum("task_queue_depth", Map.of("taskType", type, "ownerApp", "ops-team")) == 3);
    assertTrue(s.sum("conductorvx_commands_seconds_count", Map.of("command", "Start", "outcome", "success")) >= 3, "Start commands");
    assertTrue(!s.named("conductorvx_commands_seconds_count").isEmpty() && s.named("conductorvx_commands_seconds_count").stream()
        .allMatch(c -> c.labels().get("partition").matches("\\d+")), "commands are labelled by partition");
    assertTrue(s.exists("conductorvx_decider_queue_depth", Map.of()), "decider queue depth");

    // ---- a long poll on an empty queue is counted as parked while it waits
    String idle = "mt_idle_" + suffix;
    CompletableFuture<List<Task>> parkedPoll = CompletableFuture.supplyAsync(
        () -> tasks.batchPollTasksByTaskType(idle, "metrics-test", 1, 3000));
    scrapeUntil(server, "a parked long poll", x -> x.sum("conductorvx_long_polls_parked", Map.of()) >= 1);
    assertTrue(parkedPoll.join().isEmpty());
    scrapeUntil(server, "the long poll to leave its parking", x -> x.sum("conductorvx_long_polls_parked", Map.of()) == 0);

    // ---- every task polled and completed: both rounds
    int handedOut = 0;
    for (int round = 0; round < 2; round++) {
      List<Task> polled = pollAll(tasks, type, 3);
      handedOut += polled.size();
      for (Task t : polled) {
        tasks.updateTask(result(t, TaskResult.Status.COMPLETED));
      }
    }
    assertEquals(6, handedOut);
    for (String id : ids) {
      Await.await("workflow " + id + " COMPLETED", WAIT, () -> workflows.getWorkflow(id, false),
          w -> w.getStatus() == Workflow.WorkflowStatus.COMPLETED);
    }
    s = scrapeUntil(server, "3 workflow executions and 6 task executions",
        x -> x.sum("workflow_execution_seconds_count", wfTags) == 3
            && x.sum("task_execution_seconds_count", Map.of("taskType", type, "includeRetries", "false", "status", "COMPLETED")) == 6
            && x.sum("task_queue_depth", Map.of("taskType", type, "ownerApp", "ops-team")) == 0);
    assertEquals(6, s.sum("task_execution_seconds_count", Map.of("taskType", type, "includeRetries", "true", "status", "COMPLETED")));
    assertEquals(6, s.sum("task_queue_wait_seconds_count", typeTag));
    assertEquals(6, s.sum("task_poll_count_total", Map.of("taskType", type, "domain", "null")));
    assertTrue(s.sum("task_poll_total", typeTag) >= 2, "one task_poll per poll request");
    assertEquals(6, s.sum("conductorvx_task_updates_total", Map.of("taskType", type, "status", "COMPLETED")));
    assertTrue(s.exists("workflow_execution_seconds", Map.of("workflowName", wfName, "quantile", "0.99")),
        "Conductor's timers publish their quantiles");
    assertTrue(s.sum("workflow_decision_seconds_count", Map.of()) >= 6 + 3, "decisions: starts and updates");

    // ---- a failed attempt, its retry failing too: the workflow FAILS; retries add up in includeRetries=true
    String failing = workflows.startWorkflow(new StartWorkflowRequest().withName(wfName).withVersion(1).withInput(new HashMap<>()));
    for (int attempt = 0; attempt < 2; attempt++) {
      List<Task> polled = pollAll(tasks, type, 1);
      tasks.updateTask(result(polled.get(0), TaskResult.Status.FAILED));
    }
    Await.await("workflow " + failing + " FAILED", WAIT, () -> workflows.getWorkflow(failing, false),
        w -> w.getStatus() == Workflow.WorkflowStatus.FAILED);
    s = scrapeUntil(server, "a FAILED workflow",
        x -> x.sum("workflow_failure_total", Map.of("workflowName", wfName, "status", "FAILED", "ownerApp", "unknown")) == 1);
    assertEquals(2, s.sum("task_execution_seconds_count", Map.of("taskType", type, "includeRetries", "false", "status", "FAILED")));
    double withRetries = s.sum("task_execution_seconds_sum", Map.of("taskType", type, "includeRetries", "true", "status", "FAILED"));
    double alone = s.sum("task_execution_seconds_sum", Map.of("taskType", type, "includeRetries", "false", "status", "FAILED"));
    assertTrue(withRetries >= alone, "the retry's duration includes the first attempt's: " + withRetries + " < " + alone);

    // ---- a terminated one
    String terminated = workflows.startWorkflow(new StartWorkflowRequest().withName(wfName).withVersion(1).withInput(new HashMap<>()));
    workflows.terminateWorkflow(terminated, "metrics test");
    scrapeUntil(server, "a TERMINATED workflow",
        x -> x.sum("workflow_failure_total", Map.of("workflowName", wfName, "status", "TERMINATED", "ownerApp", "unknown")) == 1);

    // ---- an error answer is counted by status, as Conductor's REST layer does
    double before = scrape(server).sum("workflow_server_error_total", Map.of("class", "error", "methodName", "404"));
    try {
      workflows.getWorkflow("no-such-workflow-" + suffix, false);
    } catch (RuntimeException expected) {
      // 404
    }
    scrapeUntil(server, "a counted 404", x -> x.sum("workflow_server_error_total", Map.of("class", "error", "methodName", "404")) > before);

    // ---- store and queue latency per operation and backend (in-memory backends are not timed)
    s = scrape(server);
    if (storeBackend.equals("memory")) {
      assertTrue(s.named("conductorvx_store_seconds_count").isEmpty(), "memory stores are not timed");
      assertTrue(s.named("conductorvx_queue_seconds_count").isEmpty(), "memory queues are not timed");
    } else {
      assertTrue(s.sum("conductorvx_store_seconds_count",
          Map.of("store", "execution", "backend", storeBackend, "operation", "save", "outcome", "success")) > 0, "store saves timed");
      assertTrue(s.sum("conductorvx_store_seconds_count",
          Map.of("store", "metadata", "backend", storeBackend, "operation", "getWorkflowDefJson")) > 0, "metadata reads timed");
      assertTrue(s.sum("conductorvx_queue_seconds_count", Map.of("backend", queueBackend, "operation", "push", "outcome", "success")) > 0,
          "queue pushes timed");
      assertTrue(s.exists("conductorvx_queue_seconds_bucket", Map.of("backend", queueBackend, "operation", "pop", "le", "0.001")),
          "latencies are histograms");
    }

    // ---- Vert.x's own: HTTP server by route template (never by path), pools, event bus, JVM
    assertTrue(s.sum("vertx_http_server_requests_total",
        Map.of("route", "/api/tasks/poll/batch/:taskType", "method", "GET", "code", "200")) >= 2, "requests by route");
    assertTrue(s.exists("vertx_http_server_requests_total", Map.of("route", "/api/workflow/:workflowId", "code", "404")));
    for (Scrape.Series series : s.named("vertx_http_server_requests_total")) {
      assertFalse(series.labels().containsKey("path"), "no path label: " + series);
      assertFalse(series.labels().getOrDefault("route", "").contains(suffix), "a route label holds no id: " + series);
    }
    assertTrue(s.exists("vertx_pool_in_use", Map.of("pool_type", "worker")), "worker pool");
    assertTrue(s.sum("vertx_eventbus_published_total", Map.of()) > 0, "event bus");
    assertTrue(s.exists("jvm_memory_used_bytes", Map.of()), "JVM");
    if (storeBackend.equals("postgres")) {
      assertTrue(s.exists("vertx_pool_in_use", Map.of("pool_type", "sql", "pool_name", "postgres")), "PostgreSQL pool");
      assertTrue(s.exists("vertx_pool_in_use", Map.of("pool_type", "redis", "pool_name", "redis")), "Redis pool");
      assertTrue(s.exists("conductorvx_backend_up", Map.of("backend", "postgres")));
      assertEquals(1, s.sum("conductorvx_backend_up", Map.of("backend", "redis")));
    }

    // ---- retention reports what it removed: the five finished workflows, eight days on
    TestServer.await(server.server().retention().runRound(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(8)), 60);
    assertTrue(scrape(server).sum("conductorvx_retention_removed_total", Map.of("kind", "workflow")) >= 5,
        "retention removals counted");

    // ---- Conductor's path answers the same format
    Scrape actuator = scrape(server, "/actuator/prometheus");
    assertEquals(200, actuator.status());
    assertTrue(actuator.contentType().startsWith("text/plain; version=0.0.4"), actuator.contentType());
    assertTrue(actuator.exists("workflow_start_success_total", Map.of("workflowName", wfName)));
  }

  @Test
  void withoutVertxMetersTheServerStillScrapesItsOwnAndTheJvms() {
    try (TestServer server = TestServer.start(new JsonObject().put("metricsVertx", false))) {
      String suffix = UUID.randomUUID().toString().substring(0, 6);
      TaskDef def = new TaskDef("mt_own_task_" + suffix);
      def.setOwnerEmail("tests@conductor-vx.io");
      server.metadataClient().registerTaskDefs(List.of(def));
      WorkflowDef wf = new WorkflowDef();
      wf.setName("mt_own_wf_" + suffix);
      wf.setVersion(1);
      wf.setOwnerEmail("tests@conductor-vx.io");
      wf.setTasks(new ArrayList<>(List.of(simple(def.getName(), "only"))));
      server.metadataClient().registerWorkflowDef(wf);
      server.workflowClient().startWorkflow(new StartWorkflowRequest().withName(wf.getName()).withVersion(1).withInput(new HashMap<>()));
      Scrape s = scrapeUntil(server, "a counted start", x -> x.sum("workflow_start_success_total",
          Map.of("workflowName", wf.getName(), "version", "1", "ownerApp", "unknown")) == 1);
      assertEquals(1, s.sum("task_queue_depth", Map.of("taskType", def.getName())));
      assertTrue(s.exists("jvm_memory_used_bytes", Map.of()), "JVM meters");
      assertTrue(s.series().stream().noneMatch(x -> x.name().startsWith("vertx_")), "no Vert.x meters");
    }
  }

  @Test
  void metricsOffMeansNoMetricsEndpoint() {
    try (TestServer server = TestServer.start(new JsonObject().put("metrics", false))) {
      assertEquals(404, scrape(server, "/metrics").status());
      assertEquals(404, scrape(server, "/actuator/prometheus").status());
      assertEquals(200, scrape(server, "/health").status());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static WorkflowTask simple(String type, String ref) {
    WorkflowTask t = new WorkflowTask();
    t.setName(type);
    t.setTaskReferenceName(ref);
    t.setType("SIMPLE");
    return t;
  }

  private static TaskResult result(Task task, TaskResult.Status status) {
    TaskResult r = new TaskResult(task);
    r.setStatus(status);
    if (status == TaskResult.Status.FAILED) {
      r.setReasonForIncompletion("failed on purpose");
    }
    return r;
  }

  /** Polls until {@code n} tasks have been handed out (they may not all be queued at once). */
  private static List<Task> pollAll(TaskClient tasks, String type, int n) {
    List<Task> all = new ArrayList<>();
    Await.await(n + " tasks of " + type, WAIT, () -> {
      all.addAll(tasks.batchPollTasksByTaskType(type, "metrics-test", n - all.size(), 200));
      return all.size();
    }, got -> got >= n);
    return all;
  }

  private static Scrape scrape(TestServer server) {
    return scrape(server, "/metrics");
  }

  private static Scrape scrape(TestServer server, String path) {
    return Scrape.of(server.port(), path);
  }

  private static Scrape scrapeUntil(TestServer server, String what, java.util.function.Predicate<Scrape> condition) {
    return Await.await(what + " in /metrics", WAIT, () -> scrape(server), condition);
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
