package io.conductorvx.durability;

import static io.conductorvx.durability.CrashRecoveryTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.client.Await;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.testing.TcpProxy;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a decider partition does when a write fails half-way through a command. A command whose
 * save succeeded has happened even if the queue fails next: it answers success and its queue
 * entries are repaired once the queue is back. A command whose save failed has not happened: it
 * answers 503 and nothing follows from it (no status events, no queue entries).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommitFailureTest {
  private Vertx vertx;
  private Vertx serverVertx;
  private String schema;
  private String prefix;
  private ConductorServer server;
  private HttpWorkload client;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    serverVertx = Vertx.vertx();
    schema = TestBackends.uniqueSchema();
    prefix = TestBackends.uniqueRedisPrefix();
    await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (client != null) {
        await(client.close(), 10);
      }
      if (server != null) {
        await(server.stop().recover(err -> Future.succeededFuture()), 30);
      }
      await(TestBackends.dropSchema(schema), 30);
      await(TestBackends.deleteRedisKeys(prefix), 30);
    } finally {
      await(serverVertx.close(), 30);
      await(vertx.close(), 30);
    }
  }

  private JsonObject baseSettings() {
    return new JsonObject()
        .put("port", 0)
        .put("store", "postgres")
        .put("postgresUrl", TestBackends.postgresUrl(schema))
        .put("sweepIntervalMs", 100)
        .put("workflowRecheckSeconds", 30)
        .put("queueLeaseSeconds", 30);
  }

  private void startServer(JsonObject settings, String name) throws Exception {
    server = await(ConductorServer.start(serverVertx, ServerConfig.fromJson(settings)), 30);
    client = new HttpWorkload(vertx, server.port(), name, 0, 1, 1, 4);
    await(client.register(60), 30);
  }

  @Test
  void aStartWhileTheQueueIsDownIsStoredAndRunsOnceTheQueueIsBack() throws Exception {
    URI redis = URI.create(TestBackends.REDIS_URL);
    TcpProxy redisProxy = await(TcpProxy.start(vertx, redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379), 10);
    startServer(baseSettings()
        .put("queue", "redis")
        .put("redisUrl", "redis://127.0.0.1:" + redisProxy.port() + (redis.getPath() == null ? "" : redis.getPath()))
        .put("redisKeyPrefix", prefix), "qdown");

    await(redisProxy.cut(), 10);
    HttpResponse<Buffer> started = call(HttpMethod.POST, "/api/workflow", startBody("during-outage"));
    assertEquals(200, started.statusCode(), "the workflow is stored, so its start succeeds: " + started.bodyAsString());
    String workflowId = started.bodyAsString().trim();
    assertEquals(503, call(HttpMethod.GET, pollPath(100), null).statusCode(), "polling needs the queue");
    JsonObject stored = call(HttpMethod.GET, "/api/workflow/" + workflowId, null).bodyAsJsonObject();
    assertEquals("RUNNING", stored.getString("status"));
    assertEquals("SCHEDULED", stored.getJsonArray("tasks").getJsonObject(0).getString("status"));

    // No command touches the workflow any more: only the partition's repair can queue its task.
    redisProxy.restore();
    JsonObject task = pollUntilTask(15_000);
    assertEquals(workflowId, task.getString("workflowInstanceId"));
    complete(task);
    assertEquals("COMPLETED", call(HttpMethod.GET, "/api/workflow/" + workflowId, null).bodyAsJsonObject().getString("status"));
  }

  @Test
  void aCommandWhoseSaveFailedHasNoEffects() throws Exception {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    TcpProxy pgProxy = await(TcpProxy.start(vertx, pg.getHost(), pg.getPort()), 10);
    startServer(baseSettings().put("queue", "memory").put("postgresUrl", TestBackends.postgresUrl("127.0.0.1", pgProxy.port(), schema)), "savefail");
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    await(server.engine().statusChannels().listen(LiveEvents.WORKFLOW, m -> events.add(m.body())).completion(), 10);
    await(server.engine().statusChannels().listen(LiveEvents.TASK, m -> events.add(m.body())).completion(), 10);

    // A start whose save fails: 503, no event, nothing queued. The definition comes with the
    // request, so the start gets as far as the save.
    await(pgProxy.cut(), 10);
    Buffer inline = new JsonObject().put("name", client.workflowName()).put("workflowDef", client.workflowDef())
        .put("correlationId", "never-stored").put("input", new JsonObject().put("i", 1)).toBuffer();
    assertRetryable503(call(HttpMethod.POST, "/api/workflow", inline));
    Await.holdsFor("no events of a start that was not stored", Duration.ofMillis(300), () -> List.copyOf(events), List::isEmpty);
    assertEquals("0", call(HttpMethod.GET, "/api/tasks/queue/size?taskType=" + client.taskType(), null).bodyAsString());
    pgProxy.restore();

    // A task update whose save fails: 503 and no COMPLETED event; the retried update completes it.
    String workflowId = call(HttpMethod.POST, "/api/workflow", startBody("stored")).bodyAsString().trim();
    JsonObject task = pollUntilTask(10_000);
    Await.await("the claim's IN_PROGRESS event", Duration.ofSeconds(10),
        () -> events.stream().anyMatch(e -> "IN_PROGRESS".equals(e.getString("status"))));
    events.clear();
    await(pgProxy.cut(), 10);
    assertRetryable503(call(HttpMethod.POST, "/api/tasks", result(task)));
    Await.holdsFor("no events of an update that was not stored", Duration.ofMillis(300), () -> List.copyOf(events), List::isEmpty);
    pgProxy.restore();
    complete(task);
    assertEquals("COMPLETED", call(HttpMethod.GET, "/api/workflow/" + workflowId, null).bodyAsJsonObject().getString("status"));
    assertEquals(1, events.stream().filter(e -> "COMPLETED".equals(e.getString("status")) && e.containsKey("workflowName")).count(),
        "one COMPLETED workflow event: " + events);
  }

  @Test
  void aPollWhoseClaimFailsAnswers503AndLeavesTheTaskForTheNextPoll() throws Exception {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    TcpProxy pgProxy = await(TcpProxy.start(vertx, pg.getHost(), pg.getPort()), 10);
    startServer(baseSettings().put("queue", "memory").put("queueLeaseSeconds", 60)
        .put("postgresUrl", TestBackends.postgresUrl("127.0.0.1", pgProxy.port(), schema)), "claimfail");
    String workflowId = call(HttpMethod.POST, "/api/workflow", startBody("claim")).bodyAsString().trim();

    // The queue answers, the store does not: the task cannot be claimed, so the poll fails...
    await(pgProxy.cut(), 10);
    assertRetryable503(call(HttpMethod.GET, pollPath(100), null));
    pgProxy.restore();

    // ...and the task is not held back for the 60 s lease of the message that poll took.
    JsonObject task = pollUntilTask(5_000);
    assertEquals(workflowId, task.getString("workflowInstanceId"));
    complete(task);
    assertEquals("COMPLETED", call(HttpMethod.GET, "/api/workflow/" + workflowId, null).bodyAsJsonObject().getString("status"));
  }

  // ---------------------------------------------------------------- helpers

  private HttpResponse<Buffer> call(HttpMethod method, String path, Buffer body) throws Exception {
    return await(client.send(method, path, body, 10_000), 20);
  }

  private String pollPath(int timeoutMs) {
    return "/api/tasks/poll/batch/" + client.taskType() + "?count=1&timeout=" + timeoutMs + "&workerid=t";
  }

  private JsonObject pollUntilTask(long withinMs) {
    HttpResponse<Buffer> answer = Await.await("a task to poll", Duration.ofMillis(withinMs), this::pollOnce,
        r -> r.statusCode() == 200 && !r.bodyAsJsonArray().isEmpty());
    return answer.bodyAsJsonArray().getJsonObject(0);
  }

  private HttpResponse<Buffer> pollOnce() {
    try {
      return call(HttpMethod.GET, pollPath(1000), null);
    } catch (Exception e) {
      throw new IllegalStateException("poll failed", e);
    }
  }

  private void complete(JsonObject task) throws Exception {
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/api/tasks", result(task));
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  private static Buffer result(JsonObject task) {
    return new JsonObject().put("workflowInstanceId", task.getString("workflowInstanceId"))
        .put("taskId", task.getString("taskId")).put("status", "COMPLETED")
        .put("outputData", new JsonObject().put("n", 1)).toBuffer();
  }

  private Buffer startBody(String correlationId) {
    return new JsonObject().put("name", client.workflowName()).put("version", 1).put("correlationId", correlationId)
        .put("input", new JsonObject().put("i", 1)).toBuffer();
  }

  private static void assertRetryable503(HttpResponse<Buffer> r) {
    assertEquals(503, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(503, body.getInteger("status"));
    assertEquals(Boolean.TRUE, body.getBoolean("retryable"));
    assertTrue(body.getString("message") != null && !body.getString("message").isBlank(), body.encode());
  }

}
