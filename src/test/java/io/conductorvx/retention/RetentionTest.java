package io.conductorvx.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.TestServer;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retention through a whole server, in every backend: a round at a chosen time (the controllable
 * clock) removes exactly the finished executions past their window or beyond the count limit,
 * with their sub-workflows, and nothing else; what it removed answers 404 everywhere, search
 * included, and leaves nothing behind in Redis.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RetentionTest {
  private static final long MINUTE = 60_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private TestServer server;

  private static JsonObject backend(String mode, String schema, String redisPrefix) {
    return switch (mode) {
      case "postgres+redis" -> new JsonObject().put("store", "postgres").put("queue", "redis")
          .put("postgresUrl", TestBackends.postgresUrl(schema)).put("redisUrl", TestBackends.REDIS_URL)
          .put("redisKeyPrefix", redisPrefix);
      case "postgres" -> new JsonObject().put("store", "postgres").put("queue", "postgres")
          .put("postgresUrl", TestBackends.postgresUrl(schema));
      default -> new JsonObject();
    };
  }

  /** Rounds run only when a test asks (the periodic one would be an hour away). */
  private static JsonObject retention(long seconds, long maxFinished, String overrides) {
    return new JsonObject().put("retentionSeconds", seconds).put("retentionMaxFinished", maxFinished)
        .put("retentionOverrides", overrides).put("retentionIntervalMs", 3_600_000);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "postgres+redis", "postgres"})
  void aRoundRemovesExactlyTheFinishedExecutionsPastTheirWindowWithTheirSubWorkflows(String mode) throws Exception {
    String schema = mode.equals("memory") ? null : TestBackends.uniqueSchema();
    String redisPrefix = TestBackends.uniqueRedisPrefix();
    if (schema != null) {
      TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
    }
    // default one hour; ret_short one minute (configuration); ret_def ten minutes (its definition)
    server = TestServer.start(backend(mode, schema, redisPrefix).mergeIn(retention(3600, -1, "ret_short=60")));
    try {
      registerDefinitions();
      String parent = start("ret_parent");
      completeNextTask(); // the child's task
      awaitStatus(parent, "COMPLETED");
      String child = workflow(parent).getJsonArray("tasks").getJsonObject(0).getString("subWorkflowId");
      String longOne = start("ret_long");
      Reply message = call("POST", "/workflow/" + longOne + "/messages", new JsonObject().put("hello", "world").encode());
      assertEquals(200, message.status(), "a workflow message (its queue is the workflow's own): " + message.body());
      completeNextTask();
      awaitStatus(longOne, "COMPLETED");
      String shortOne = startAndComplete("ret_short");
      String byDefinition = startAndComplete("ret_def");
      String running = start("ret_short");
      awaitTaskScheduled(running);
      String paused = start("ret_short");
      assertEquals(200, call("PUT", "/workflow/" + paused + "/pause", null).status());
      Map<String, List<String>> taskIds = new java.util.HashMap<>();
      for (String id : List.of(parent, child, longOne, shortOne, byDefinition, running, paused)) {
        taskIds.put(id, taskIdsOf(id));
      }
      long now = System.currentTimeMillis();

      RetentionVerticle.Round first = round(now + 2 * MINUTE);
      assertEquals(1, first.byTime(), "ret_short's one-minute window: only the finished one goes");
      assertGone(shortOne, taskIds.get(shortOne));
      assertKept(child, "its parent is still kept");
      assertKept(running, "running");
      assertKept(paused, "paused");
      assertKept(byDefinition, "ten minutes from its definition");
      assertKept(longOne, "the default hour");

      RetentionVerticle.Round second = round(now + 11 * MINUTE);
      assertEquals(1, second.byTime());
      assertGone(byDefinition, taskIds.get(byDefinition));

      RetentionVerticle.Round third = round(now + 61 * MINUTE);
      assertEquals(3, third.byTime(), "ret_long, and the parent with its child");
      assertEquals(Map.of("scheduler executions", 0, "event executions", 0), third.targets(),
          "other histories are trimmed in the same round");
      assertGone(longOne, taskIds.get(longOne));
      assertGone(parent, taskIds.get(parent));
      assertGone(child, taskIds.get(child));
      assertKept(running, "running, however old");
      assertKept(paused, "paused, however old");
      assertEquals(0, round(now + 600 * MINUTE).byTime(), "nothing else is finished");

      if (mode.equals("postgres+redis")) {
        String everything = redisContents(redisPrefix);
        for (String id : List.of(parent, child, longOne, shortOne, byDefinition)) {
          assertFalse(everything.contains(id), "Redis still mentions removed workflow " + id);
          for (String taskId : taskIds.get(id)) {
            assertFalse(everything.contains(taskId), "Redis still mentions removed task " + taskId);
          }
        }
        assertTrue(everything.contains(taskIds.get(running).get(0)), "the running workflow's task is still queued");
      }
    } finally {
      server.close();
      if (schema != null) {
        TestServer.await(TestBackends.dropSchema(schema), 30);
      }
      TestServer.await(TestBackends.deleteRedisKeys(redisPrefix), 30);
    }
  }

  @Test
  void theMemoryStoreKeepsAtMostTheLimitRemovingTheOldestFinishedFirst() throws Exception {
    server = TestServer.start(retention(-1, 3, ""));
    try {
      registerDefinitions();
      List<String> done = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        done.add(startAndComplete("ret_long"));
      }
      String running = start("ret_idle");
      awaitTaskScheduled(running);
      long now = System.currentTimeMillis();

      RetentionVerticle.Round first = round(now);
      assertEquals(2, first.byCount());
      assertGone(done.get(0), List.of());
      assertGone(done.get(1), List.of());
      for (String kept : done.subList(2, 5)) {
        assertKept(kept, "among the newest three");
      }
      assertKept(running, "running workflows do not count and are never removed");

      String parent = start("ret_parent");
      completeNextTask();
      awaitStatus(parent, "COMPLETED");
      String child = workflow(parent).getJsonArray("tasks").getJsonObject(0).getString("subWorkflowId");
      RetentionVerticle.Round second = round(now);
      assertEquals(2, second.byCount(), "five finished, three allowed: the two oldest go");
      assertGone(done.get(2), List.of());
      assertGone(done.get(3), List.of());
      assertKept(child, "older than its parent, but goes only with it");
      assertKept(parent, "the newest");
      assertEquals(3L, TestServer.await(server.server().backends().executions().finishedCount(), 10));
    } finally {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "postgres"})
  void aWorkflowRetriedAfterItWasSelectedIsNotRemoved(String mode) throws Exception {
    String schema = mode.equals("memory") ? null : TestBackends.uniqueSchema();
    if (schema != null) {
      TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
    }
    server = TestServer.start(backend(mode, schema, null).mergeIn(retention(0, -1, "")));
    try {
      registerDefinitions();
      String failed = start("ret_long");
      completeNextTask("FAILED_WITH_TERMINAL_ERROR");
      awaitStatus(failed, "FAILED");
      ExecutionStore store = server.server().backends().executions();
      ExecutionStore.Execution selected = TestServer.await(store.finishedBefore(Long.MAX_VALUE, List.of(), true, null, 10), 10)
          .stream().filter(e -> e.workflowId().equals(failed)).findFirst().orElseThrow();

      // An operator's retry reaches the owner between the selection and the removal.
      int retried = call("POST", "/workflow/" + failed + "/retry", null).status();
      assertTrue(retried == 200 || retried == 204, "retry answered " + retried);
      ExecutionRetention retention = new ExecutionRetention(server.server().engine(), 10);
      assertEquals(0, TestServer.await(retention.removeFamily(selected), 10));
      assertEquals("RUNNING", workflow(failed).getString("status"));

      // Finished again later: the old selection still does not match it.
      completeNextTask();
      awaitStatus(failed, "COMPLETED");
      assertEquals(0, TestServer.await(retention.removeFamily(selected), 10));
      assertKept(failed, "its new end is not the one selected");
      assertEquals(1, round(System.currentTimeMillis() + 1).byTime(), "a fresh selection removes it");
      assertGone(failed, List.of());
    } finally {
      server.close();
      if (schema != null) {
        TestServer.await(TestBackends.dropSchema(schema), 30);
      }
    }
  }

  @Test
  void aFinishedWorkflowReadsBackIdenticalOncePackedInMemory() throws Exception {
    server = TestServer.start(new JsonObject());
    try {
      registerDefinitions();
      String parent = start("ret_parent");
      completeNextTask();
      awaitStatus(parent, "COMPLETED");
      String child = workflow(parent).getJsonArray("tasks").getJsonObject(0).getString("subWorkflowId");
      String failed = start("ret_long");
      completeNextTask("FAILED_WITH_TERMINAL_ERROR");
      awaitStatus(failed, "FAILED");
      List<String> ids = List.of(parent, child, failed);
      Map<String, String> before = new java.util.HashMap<>();
      for (String id : ids) {
        before.put(id, call("GET", "/workflow/" + id + "?includeTasks=true", null).body());
        String taskId = taskIdsOf(id).get(0);
        before.put(taskId, call("GET", "/tasks/" + taskId, null).body());
      }
      // The server packs on a worker every 250 ms; packing now makes sure these are packed.
      ((io.conductorvx.store.memory.MemoryExecutionStore) server.server().backends().executions()).packFinished();
      for (String id : ids) {
        assertEquals(new JsonObject(before.get(id)), workflow(id), "workflow " + id + " read back packed");
        String taskId = taskIdsOf(id).get(0);
        assertEquals(new JsonObject(before.get(taskId)), call("GET", "/tasks/" + taskId, null).json(), "task " + taskId);
      }
      assertEquals(1, hits("/workflow/search", "workflowId IN (" + failed + ")"));
      assertEquals(1, hits("/tasks/search", "workflowId IN (" + failed + ")"));
      // A retry reopens a packed workflow: its tasks come back and it runs again.
      call("POST", "/workflow/" + failed + "/retry", null);
      completeNextTask();
      awaitStatus(failed, "COMPLETED");
      assertEquals(2, workflow(failed).getJsonArray("tasks").size(), "the failed attempt and the retried one");
    } finally {
      server.close();
    }
  }

  @Test
  void aDefinitionWithAnUnreadableRetentionIsRejected() throws Exception {
    server = TestServer.start(new JsonObject());
    try {
      JsonObject def = definition("ret_bad", simpleTask()).put("metadata", new JsonObject().put("retentionSeconds", "soon"));
      Reply reply = call("POST", "/metadata/workflow", def.encode());
      assertEquals(400, reply.status(), reply.body());
      assertTrue(reply.body().contains("retentionSeconds"), reply.body());
    } finally {
      server.close();
    }
  }

  // ---- helpers ----

  private RetentionVerticle.Round round(long now) {
    return TestServer.await(server.server().retention().runRound(now), 60);
  }

  private void registerDefinitions() throws Exception {
    JsonArray taskDefs = new JsonArray()
        .add(new JsonObject().put("name", "ret_task").put("retryCount", 0).put("responseTimeoutSeconds", 300)
            .put("ownerEmail", "test@example.com"))
        .add(new JsonObject().put("name", "ret_idle_task").put("retryCount", 0).put("responseTimeoutSeconds", 300)
            .put("ownerEmail", "test@example.com"));
    assertEquals(200, call("POST", "/metadata/taskdefs", taskDefs.encode()).status());
    JsonArray defs = new JsonArray()
        .add(definition("ret_long", simpleTask()))
        .add(definition("ret_idle", simpleTask().put("name", "ret_idle_task")))
        .add(definition("ret_short", simpleTask()))
        .add(definition("ret_def", simpleTask()).put("metadata", new JsonObject().put("retentionSeconds", 600)))
        .add(definition("ret_parent", new JsonObject().put("name", "child").put("taskReferenceName", "child")
            .put("type", "SUB_WORKFLOW").put("subWorkflowParam", new JsonObject().put("name", "ret_short").put("version", 1))));
    Reply reply = call("PUT", "/metadata/workflow", defs.encode());
    assertEquals(200, reply.status(), reply.body());
  }

  private static JsonObject simpleTask() {
    return new JsonObject().put("name", "ret_task").put("taskReferenceName", "only").put("type", "SIMPLE");
  }

  private static JsonObject definition(String name, JsonObject task) {
    return new JsonObject().put("name", name).put("version", 1).put("schemaVersion", 2)
        .put("ownerEmail", "test@example.com").put("tasks", new JsonArray().add(task));
  }

  private String start(String name) throws Exception {
    Reply reply = call("POST", "/workflow/" + name, "{}");
    assertEquals(200, reply.status(), reply.body());
    return reply.body().trim();
  }

  private String startAndComplete(String name) throws Exception {
    String id = start(name);
    completeNextTask();
    awaitStatus(id, "COMPLETED");
    return id;
  }

  private void completeNextTask() throws Exception {
    completeNextTask("COMPLETED");
  }

  /** Polls until a task is handed out (bounded), then reports it with that status. */
  private void completeNextTask(String status) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      Reply polled = call("GET", "/tasks/poll/batch/ret_task?workerid=w&count=1&timeout=500", null);
      JsonArray tasks = new JsonArray(polled.body());
      if (!tasks.isEmpty()) {
        JsonObject task = tasks.getJsonObject(0);
        JsonObject result = new JsonObject().put("workflowInstanceId", task.getString("workflowInstanceId"))
            .put("taskId", task.getString("taskId")).put("workerId", "w").put("status", status)
            .put("outputData", new JsonObject().put("done", true));
        assertEquals(200, call("POST", "/tasks", result.encode()).status());
        return;
      }
    }
    throw new AssertionError("no task was handed out within 20 s");
  }

  private void awaitStatus(String id, String status) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    String last = null;
    while (System.currentTimeMillis() < deadline) {
      last = workflow(id).getString("status");
      if (status.equals(last)) {
        return;
      }
      Thread.sleep(20); // test thread, not an event loop: bounded polling
    }
    throw new AssertionError("workflow " + id + " is " + last + ", not " + status);
  }

  private void awaitTaskScheduled(String id) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if (!workflow(id).getJsonArray("tasks").isEmpty()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("workflow " + id + " has no task");
  }

  private JsonObject workflow(String id) throws Exception {
    Reply reply = call("GET", "/workflow/" + id + "?includeTasks=true", null);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private List<String> taskIdsOf(String id) throws Exception {
    List<String> out = new ArrayList<>();
    workflow(id).getJsonArray("tasks").forEach(t -> out.add(((JsonObject) t).getString("taskId")));
    return out;
  }

  private void assertKept(String id, String why) throws Exception {
    assertEquals(200, call("GET", "/workflow/" + id, null).status(), id + " should be kept: " + why);
  }

  /** 404 by id and for each of its tasks; no search finds it or its tasks. */
  private void assertGone(String id, List<String> taskIds) throws Exception {
    assertEquals(404, call("GET", "/workflow/" + id, null).status(), "workflow " + id);
    assertEquals(404, call("GET", "/workflow/" + id + "/status", null).status(), "status of " + id);
    assertEquals(0, hits("/workflow/search", "workflowId IN (" + id + ")"), "search for " + id);
    assertEquals(0, hits("/workflow/search-v2", "workflowId IN (" + id + ")"), "search-v2 for " + id);
    assertEquals(0, hits("/tasks/search", "workflowId IN (" + id + ")"), "task search for " + id);
    for (String taskId : taskIds) {
      assertEquals(404, call("GET", "/tasks/" + taskId, null).status(), "task " + taskId);
      assertEquals(0, hits("/workflow/search-by-tasks", "taskId IN (" + taskId + ")"), "search by task " + taskId);
    }
  }

  private long hits(String path, String query) throws Exception {
    Reply reply = call("GET", path + "?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8), null);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getLong("totalHits");
  }

  private Reply call(String method, String path, String body) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(res.statusCode(), res.body());
  }

  /** Every key under the prefix with its members (sets, sorted sets) or fields and values (hashes), as text. */
  private static String redisContents(String prefix) {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    Redis redis = Redis.createClient(vertx, TestBackends.REDIS_URL);
    try {
      StringBuilder out = new StringBuilder();
      Response keys = TestServer.await(redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")), 10);
      for (Response key : keys) {
        String k = key.toString();
        out.append(k).append('\n');
        String type = TestServer.await(redis.send(Request.cmd(Command.TYPE).arg(k)), 10).toString();
        Request read = switch (type) {
          case "zset" -> Request.cmd(Command.ZRANGE).arg(k).arg(0).arg(-1);
          case "hash" -> Request.cmd(Command.HGETALL).arg(k);
          case "set" -> Request.cmd(Command.SMEMBERS).arg(k);
          default -> Request.cmd(Command.GET).arg(k);
        };
        Response value = TestServer.await(redis.send(read), 10);
        out.append(value).append('\n');
      }
      return out.toString();
    } finally {
      redis.close();
      TestServer.await(vertx.close(), 10);
    }
  }
}
