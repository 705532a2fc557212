package io.conductorvx.durability;

import static io.conductorvx.durability.CrashRecoveryTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on PostgreSQL + Redis, each reached through a {@link TcpProxy}, while workflows run
 * with HTTP workers: Redis goes away for a few seconds, then PostgreSQL. During each outage the
 * API answers what needs the missing backend with Conductor's 503 body (retryable), never a 500
 * and never a hang; a workflow start either is durable or fails with a 5xx. After each outage the
 * server reconnects by itself, and every workflow is COMPLETED soon after: the queue lease is the
 * default 60 s, so recovery that waits for leases to run out fails the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackendOutageTest {
  private static final int WORKFLOWS = Integer.getInteger("outage.workflows", 500);
  private static final Duration OUTAGE = Duration.ofSeconds(4);
  /** An answer during an outage must come within this time: a 503, not a hang. */
  private static final long PROBE_TIMEOUT_MS = 10_000;

  private Vertx vertx;
  private Vertx serverVertx;
  private String schema;
  private String prefix;
  private ConductorServer server;
  private final List<String> blockedWarnings = new CopyOnWriteArrayList<>();
  private final Handler blockedThreadListener = new Handler() {
    @Override
    public void publish(LogRecord record) {
      String message = record.getMessage();
      if (message != null && message.contains("has been blocked for")) {
        blockedWarnings.add(message);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void setUp() throws Exception {
    Logger.getLogger("").addHandler(blockedThreadListener);
    vertx = Vertx.vertx();
    serverVertx = Vertx.vertx();
    schema = TestBackends.uniqueSchema();
    prefix = TestBackends.uniqueRedisPrefix();
    await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
  }

  @AfterEach
  void tearDown() throws Exception {
    Logger.getLogger("").removeHandler(blockedThreadListener);
    try {
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

  /** One answer to a probe during an outage. */
  private record Answer(String what, int status, String body, long millis) {
    @Override
    public String toString() {
      return what + " -> " + status + " in " + millis + " ms: " + body;
    }
  }

  @Test
  void serverAnswers503DuringOutagesAndEveryWorkflowCompletesAfterwards() throws Exception {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    URI redis = URI.create(TestBackends.REDIS_URL);
    TcpProxy pgProxy = await(TcpProxy.start(vertx, pg.getHost(), pg.getPort()), 10);
    TcpProxy redisProxy = await(TcpProxy.start(vertx, redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379), 10);
    ServerConfig config = ServerConfig.fromJson(new JsonObject()
        .put("port", 0)
        .put("store", "postgres")
        .put("queue", "redis")
        .put("postgresUrl", TestBackends.postgresUrl("127.0.0.1", pgProxy.port(), schema))
        .put("redisUrl", "redis://127.0.0.1:" + redisProxy.port() + (redis.getPath() == null ? "" : redis.getPath()))
        .put("redisKeyPrefix", prefix)
        .put("sweepIntervalMs", 200)
        .put("workflowRecheckSeconds", 1)
        .put("queueLeaseSeconds", 60)
        .put("commandTimeoutMs", 10_000));
    server = await(ConductorServer.start(serverVertx, config), 30);

    String name = "outage_" + schema.substring(schema.length() - 8);
    HttpWorkload load = new HttpWorkload(vertx, server.port(), name, WORKFLOWS, 3, 100, 40);
    StoredWorkflows stored = new StoredWorkflows(vertx, schema);
    await(load.register(5), 30);
    load.startWorkers(8, 10, 500);
    load.startStarters(4);
    long t0 = System.nanoTime();
    waitFor("the first workflows to complete", Duration.ofSeconds(40), () -> load.finishedCount() >= WORKFLOWS / 5);
    String knownId = load.ids().values().iterator().next();

    // ---- Redis goes away: polls and queue reads answer 503; reading a workflow still works.
    List<Answer> duringRedis = new ArrayList<>();
    List<Answer> startsDuringRedis = new ArrayList<>();
    long redisOutageMs = outage(redisProxy, () -> {
      duringRedis.add(probe(load, "poll", HttpMethod.GET, "/api/tasks/poll/batch/" + load.taskType() + "?count=1&timeout=100", null));
      duringRedis.add(probe(load, "queue size", HttpMethod.GET, "/api/tasks/queue/sizes?taskType=" + load.taskType(), null));
      startsDuringRedis.add(probe(load, "start", HttpMethod.POST, "/api/workflow", startBody(name, "redis-outage-" + startsDuringRedis.size())));
      Answer read = probe(load, "read workflow", HttpMethod.GET, "/api/workflow/" + knownId + "?includeTasks=false", null);
      assertEquals(200, read.status(), "reading a workflow needs PostgreSQL only: " + read);
    });
    int finishedAfterRedis = load.finishedCount();
    waitFor("workflows to progress again after the Redis outage", Duration.ofSeconds(30),
        () -> load.finishedCount() >= Math.min(WORKFLOWS, finishedAfterRedis + 20));

    // ---- PostgreSQL goes away: reads and starts answer 503; a poll hands out nothing (it cannot
    // claim: 503, or an empty answer when no task happened to be ready).
    List<Answer> duringPostgres = new ArrayList<>();
    List<Answer> pollsDuringPostgres = new ArrayList<>();
    List<Answer> startsDuringPostgres = new ArrayList<>();
    long pgOutageMs = outage(pgProxy, () -> {
      duringPostgres.add(probe(load, "read workflow", HttpMethod.GET, "/api/workflow/" + knownId, null));
      duringPostgres.add(probe(load, "search", HttpMethod.GET, "/api/workflow/search?query="
          + URLEncoder.encode("workflowType = '" + name + "'", StandardCharsets.UTF_8), null));
      pollsDuringPostgres.add(probe(load, "poll", HttpMethod.GET, "/api/tasks/poll/batch/" + load.taskType() + "?count=1&timeout=100", null));
      startsDuringPostgres.add(probe(load, "start", HttpMethod.POST, "/api/workflow", startBody(name, "pg-outage-" + startsDuringPostgres.size())));
    });
    long pgBackAt = System.nanoTime();
    int finishedAfterPostgres = load.finishedCount();
    waitFor("workflows to progress again after the PostgreSQL outage", Duration.ofSeconds(30),
        () -> load.finishedCount() >= Math.min(WORKFLOWS, finishedAfterPostgres + 20));
    int planned = load.stopNewStarts();

    // ---- Everything completes soon: the rest of the workload (at most 100 workflows in flight)
    // and the workflows started during the outages. Soon means well within the 60 s queue lease:
    // nothing may depend on a lease running out.
    // Usually every workflow completes within seconds of the outages; a task message leased by a
    // poll whose claim then failed with Redis away waits out its lease (60 s) before the sweeper
    // returns it, so the bound covers one lease.
    Map<String, StoredWorkflows.Stored> state = awaitAllCompleted(load, stored, Duration.ofSeconds(90));
    long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pgBackAt);
    load.stop();
    long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    HttpWorkload.Duplicates dup = load.duplicates();
    System.out.printf("[outage] %d workflows; Redis out %d ms, PostgreSQL out %d ms; all completed %d ms after PostgreSQL came back,"
            + " %d ms after the first; %d hand-outs of %d task ids, %d beyond one per (workflow, ref)%n",
        planned, redisOutageMs, pgOutageMs, drainMs, totalMs, dup.executions(), dup.taskIds(), dup.extraExecutions());
    System.out.println("[outage] during the Redis outage: " + duringRedis.size() + " probes; starts: " + statuses(startsDuringRedis));
    System.out.println("[outage] during the PostgreSQL outage: " + duringPostgres.size() + " probes; polls: "
        + statuses(pollsDuringPostgres) + "; starts: " + statuses(startsDuringPostgres));
    System.out.println("[outage] client-side errors: " + load.errors());
    await(load.close(), 10);

    for (Answer a : concat(duringRedis, duringPostgres)) {
      assertRetryable503(a);
    }
    assertTrue(duringRedis.size() >= 2 && duringPostgres.size() >= 2, "probes ran during both outages");
    for (Answer poll : pollsDuringPostgres) {
      if (poll.status() == 200) {
        assertEquals("[]", poll.body().replace(" ", ""), "a poll cannot hand out a task it cannot claim: " + poll);
      } else {
        assertRetryable503(poll);
      }
    }
    assertStartsDurableOr5xx(startsDuringRedis, state, name);
    assertStartsDurableOr5xx(startsDuringPostgres, state, name);
    assertEquals(Map.of(), load.errors().entrySet().stream()
            .filter(e -> e.getKey().contains("HTTP 5") && !e.getKey().contains("HTTP 503"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
        "the workers and starters saw only 503s, never another 5xx");
    assertEquals(List.of(), blockedWarnings, "Vert.x blocked-thread warnings");
    await(stored.close(), 10);
  }

  /** Cuts the backend, runs the probes until the outage has lasted {@link #OUTAGE}, restores it. */
  private long outage(TcpProxy proxy, Runnable probes) throws Exception {
    long t0 = System.nanoTime();
    await(proxy.cut(), 10);
    try {
      do {
        probes.run();
        Thread.sleep(300);
      } while (System.nanoTime() - t0 < OUTAGE.toNanos());
    } finally {
      proxy.restore();
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  private static Answer probe(HttpWorkload load, String what, HttpMethod method, String path, Buffer body) {
    long t0 = System.nanoTime();
    try {
      HttpResponse<Buffer> r = await(load.send(method, path, body, PROBE_TIMEOUT_MS), 30);
      return new Answer(what, r.statusCode(), r.bodyAsString(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } catch (Exception e) {
      return new Answer(what, -1, e.toString(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  private static Buffer startBody(String name, String correlationId) {
    return new JsonObject().put("name", name).put("version", 1).put("correlationId", correlationId)
        .put("input", new JsonObject().put("i", -1)).toBuffer();
  }

  private static void assertRetryable503(Answer a) {
    assertEquals(503, a.status(), "during an outage: " + a);
    JsonObject body = new JsonObject(a.body());
    assertEquals(503, body.getInteger("status"), "error body: " + a);
    assertEquals(Boolean.TRUE, body.getBoolean("retryable"), "error body: " + a);
    assertTrue(body.getString("message") != null && !body.getString("message").isBlank(), "error body: " + a);
  }

  /**
   * A start during an outage either answered 2xx and its workflow exists (and completed), or
   * answered a 5xx. A workflow stored despite a 5xx must complete like any other (checked by
   * {@link #awaitAllCompleted}).
   */
  private static void assertStartsDurableOr5xx(List<Answer> starts, Map<String, StoredWorkflows.Stored> state, String name) {
    for (Answer a : starts) {
      if (a.status() / 100 == 2) {
        StoredWorkflows.Stored wf = state.get(a.body().trim());
        assertTrue(wf != null && "COMPLETED".equals(wf.status()), "a start answered " + a + " but its workflow is " + wf);
      } else {
        assertEquals(503, a.status(), "a start during an outage that did not succeed must be a 503: " + a);
        assertRetryable503(a);
      }
    }
  }

  private static String statuses(List<Answer> answers) {
    return answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting())).toString();
  }

  private Map<String, StoredWorkflows.Stored> awaitAllCompleted(HttpWorkload load, StoredWorkflows stored, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, StoredWorkflows.Stored> state = Map.of();
    while (System.nanoTime() < deadline) {
      state = await(stored.all(), 30);
      if (load.allStarted() && state.keySet().containsAll(load.ids().values())
          && state.values().stream().allMatch(s -> "COMPLETED".equals(s.status()))) {
        return state;
      }
      Thread.sleep(500);
    }
    Set<String> missing = new HashSet<>(load.ids().values());
    missing.removeAll(state.keySet());
    List<String> notCompleted = state.values().stream().filter(s -> !"COMPLETED".equals(s.status()))
        .map(StoredWorkflows.Stored::workflowId).sorted().toList();
    List<String> detail = await(stored.describe(notCompleted.subList(0, Math.min(20, notCompleted.size()))), 30);
    throw new AssertionError("Not every workflow ended COMPLETED within " + within.toSeconds() + " s."
        + "\n logical workflows started: " + load.startedCount() + "/" + load.planned()
        + "\n stored by status: " + state.values().stream().collect(Collectors.groupingBy(StoredWorkflows.Stored::status, TreeMap::new, Collectors.counting()))
        + "\n answered by a start but not stored (lost): " + missing.size() + " " + missing.stream().limit(10).toList()
        + "\n not completed (first 20):\n  " + String.join("\n  ", detail)
        + "\n client errors: " + load.errors());
  }


  private static void waitFor(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + within.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
