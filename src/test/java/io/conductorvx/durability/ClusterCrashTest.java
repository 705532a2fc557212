package io.conductorvx.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.Await;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/**
 * Three server processes in cluster mode over one PostgreSQL (workflows, leases) and, in turn,
 * Redis queues and PostgreSQL queues, starters and workers spread over all three as behind a load balancer. One member is
 * SIGKILLed mid-run and started again, another is stopped gracefully (SIGTERM: it hands its
 * partitions over) and started again. Every workflow ends COMPLETED, every instance reports the
 * same status for each, and no task id is handed to a worker twice (the same attempt never runs twice).
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS) // bounded by its own deadlines first; benchmarks/cluster.sh runs it bigger
class ClusterCrashTest {
  private static final int WORKFLOWS = Integer.getInteger("cluster.workflows", 600);
  private static final Duration START_FOR = Duration.ofSeconds(Integer.getInteger("cluster.startSeconds", 30));
  private static final int TASKS = 3;
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration RECOVERY = Duration.ofSeconds(90);

  private Vertx vertx;
  private String schema;
  private String prefix;
  private Path workDir;
  private final List<ServerProcess> servers = new ArrayList<>();
  private boolean passed;
  private String queueBackend;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    schema = TestBackends.uniqueSchema();
    prefix = TestBackends.uniqueRedisPrefix();
    workDir = Files.createTempDirectory("cluster-");
    CrashRecoveryTest.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ServerProcess s : servers) {
      s.stop();
    }
    try {
      if (passed || !Boolean.getBoolean("cluster.keepOnFailure")) {
        CrashRecoveryTest.await(TestBackends.dropSchema(schema), 30);
        CrashRecoveryTest.await(TestBackends.deleteRedisKeys(prefix), 30);
      } else {
        System.out.println("[cluster] kept schema " + schema + " and Redis prefix " + prefix);
      }
    } finally {
      CrashRecoveryTest.await(vertx.close(), 30);
      if (!passed) {
        System.out.println("[cluster] server logs kept in " + workDir);
      }
    }
  }

  @ParameterizedTest(name = "queues in {0}")
  @ValueSource(strings = {"redis", "postgres"})
  void everyWorkflowCompletesWhenOneMemberIsKilledAndAnotherRestarted(String queueBackend) throws Exception {
    this.queueBackend = queueBackend;
    int[] ports = {freePort(), freePort(), freePort()};
    Map<String, String> env = Map.ofEntries(
        Map.entry("CONDUCTOR_STORE", "postgres"),
        Map.entry("CONDUCTOR_QUEUE", queueBackend),
        Map.entry("CONDUCTOR_POSTGRES_URL", TestBackends.postgresUrl(schema)),
        Map.entry("CONDUCTOR_REDIS_URL", TestBackends.REDIS_URL),
        Map.entry("CONDUCTOR_REDIS_KEY_PREFIX", prefix),
        Map.entry("CONDUCTOR_CLUSTER", "true"),
        Map.entry("CONDUCTOR_CLUSTER_PARTITIONS", "64"),
        Map.entry("CONDUCTOR_CLUSTER_LEASE_MS", "3000"),
        Map.entry("CONDUCTOR_CLUSTER_HEARTBEAT_MS", "300"),
        Map.entry("CONDUCTOR_CLUSTER_FORWARD_TIMEOUT_MS", "6000"),
        Map.entry("CONDUCTOR_HTTP_INSTANCES", "1"),
        Map.entry("CONDUCTOR_DECIDER_PARTITIONS", "2"),
        Map.entry("CONDUCTOR_SWEEP_INTERVAL_MS", "200"),
        Map.entry("CONDUCTOR_WORKFLOW_RECHECK_SECONDS", "2"),
        Map.entry("CONDUCTOR_QUEUE_LEASE_SECONDS", "3"));
    ServerProcess[] members = new ServerProcess[3];
    for (int i = 0; i < 3; i++) {
      members[i] = launch(env, ports[i], "member-" + i + ".log");
    }
    for (ServerProcess m : members) {
      m.awaitHealthy(READY);
    }

    String name = "cluster_" + schema.substring(schema.length() - 8);
    HttpWorkload load = new HttpWorkload(vertx, ports, name, WORKFLOWS, TASKS, 150, 48);
    StoredWorkflows stored = new StoredWorkflows(vertx, schema);
    CrashRecoveryTest.await(load.register(10), 30);
    load.startWorkers(12, 10, 500);
    load.startStarters(6);
    long began = System.nanoTime();

    Await.await("a third of the workflows to start", START_FOR, () -> load.startedCount() >= WORKFLOWS / 3
        || System.nanoTime() - began > START_FOR.toNanos() / 3);
    int exit = members[0].killHard();
    assertEquals(137, exit, "member 0 must die of SIGKILL");
    long killedAt = System.nanoTime();
    members[0] = launch(env, ports[0], "member-0-restarted.log");
    members[0].awaitHealthy(READY);
    long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

    Await.await("two thirds of the workflows to start", START_FOR.plusSeconds(30), () -> load.startedCount() >= 2 * WORKFLOWS / 3
        || System.nanoTime() - began > 2 * START_FOR.toNanos() / 3);
    members[1].stop(); // SIGTERM: hands its partitions over, then exits
    members[1] = launch(env, ports[1], "member-1-restarted.log");
    members[1].awaitHealthy(READY);

    Await.await("the start time to end", START_FOR.plusSeconds(30), () -> load.startedCount() >= WORKFLOWS
        || System.nanoTime() - began > START_FOR.toNanos());
    int workflows = load.stopNewStarts();
    Map<String, StoredWorkflows.Stored> finalState;
    try {
      finalState = awaitAllCompleted(load, stored);
    } finally {
      load.stop();
      HttpWorkload.Duplicates dup = load.duplicates();
      // one line for benchmarks/cluster.sh too
      System.out.printf("[cluster] %d workflows x %d tasks over 3 members; member 0 SIGKILLed and back (healthy) in %d ms,"
              + " member 1 restarted gracefully; all done %d s after the first start; hand-outs %d of %d task ids, same task id"
              + " twice %d, (workflow, ref) handed out under several ids %d; client errors %s%n", workflows, TASKS, restartMs,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began), dup.executions(), dup.taskIds(),
          dup.taskIdsHandedOutTwice(), dup.refsHandedOutUnderSeveralIds(), load.errors());
    }
    HttpWorkload.Duplicates dup = load.duplicates();

    // every member reports the same (final) status for every workflow
    List<String> ids = new ArrayList<>(new HashSet<>(load.ids().values()));
    for (int port : ports) {
      Map<String, Long> statuses = CrashRecoveryTest.await(statusesVia(port, ids), 60);
      assertEquals(Map.of("COMPLETED", (long) ids.size()), statuses, "statuses read through the member on port " + port);
    }
    assertTrue(finalState.size() >= workflows, "stored workflows: " + finalState.size());
    assertEquals(0, dup.taskIdsHandedOutTwice(), "a task attempt (task id) handed to workers more than once");
    // Three JVMs starting at once on two shared cores stall on class loading and JIT before they
    // serve; those warnings are printed, and only those once a member served are failures.
    servers.stream().flatMap(s -> s.blockedThreadWarnings().stream()).forEach(line -> System.out.println("[cluster] server log: " + line));
    List<String> blocked = servers.stream().flatMap(s -> blockedAfterReady(s).stream()).toList();
    assertEquals(List.of(), blocked, "Vert.x blocked-thread warnings in the server logs after the members were ready");
    CrashRecoveryTest.await(load.close(), 10);
    CrashRecoveryTest.await(stored.close(), 10);
    passed = true;
  }

  private static List<String> blockedAfterReady(ServerProcess server) {
    List<String> lines = server.logLines();
    List<String> out = new ArrayList<>();
    boolean ready = false;
    for (String line : lines) {
      ready |= line.startsWith("conductor-vx listening on port");
      if (ready && line.contains("has been blocked for")) {
        out.add(line);
      }
    }
    return out;
  }

  private Future<Map<String, Long>> statusesVia(int port, List<String> ids) {
    io.vertx.ext.web.client.WebClient client = io.vertx.ext.web.client.WebClient.create(vertx);
    Map<String, Long> counts = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 8; lane++) {
      lanes.add(readNext(client, port, ids, next, counts));
    }
    return Future.all(lanes).<Map<String, Long>>map(v -> new TreeMap<>(counts)).eventually(() -> {
      client.close();
      return Future.succeededFuture();
    });
  }

  private Future<Void> readNext(io.vertx.ext.web.client.WebClient client, int port, List<String> ids,
      java.util.concurrent.atomic.AtomicInteger next, Map<String, Long> counts) {
    int i = next.getAndIncrement();
    if (i >= ids.size()) {
      return Future.succeededFuture();
    }
    return client.get(port, "127.0.0.1", "/api/workflow/" + ids.get(i) + "?includeTasks=false").timeout(30_000).send()
        .map(r -> r.statusCode() == 200 ? new JsonObject(r.body()).getString("status") : "HTTP " + r.statusCode())
        .recover(err -> Future.succeededFuture(err.getClass().getSimpleName()))
        .compose(status -> {
          counts.merge(status, 1L, Long::sum);
          return readNext(client, port, ids, next, counts);
        });
  }

  private Map<String, StoredWorkflows.Stored> awaitAllCompleted(HttpWorkload load, StoredWorkflows stored) throws Exception {
    // every 500 ms, not Await's default: each probe reads every workflow from the store
    AtomicReference<Map<String, StoredWorkflows.Stored>> last = new AtomicReference<>(Map.of());
    try {
      return Await.await("every workflow COMPLETED", RECOVERY, Duration.ofMillis(500), () -> {
        try {
          Map<String, StoredWorkflows.Stored> now = CrashRecoveryTest.await(stored.all(), 30);
          last.set(now);
          return now;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, state -> load.allStarted() && state.keySet().containsAll(load.ids().values())
          && state.values().stream().allMatch(s -> "COMPLETED".equals(s.status())));
    } catch (AssertionFailedError timedOut) {
      // described below, with what the members and the queues hold
    }
    Map<String, StoredWorkflows.Stored> state = last.get();
    Set<String> missing = new HashSet<>(load.ids().values());
    missing.removeAll(state.keySet());
    List<String> notCompleted = state.values().stream().filter(s -> !"COMPLETED".equals(s.status()))
        .map(StoredWorkflows.Stored::workflowId).sorted().toList();
    Map<String, Long> byStatus = state.values().stream()
        .collect(Collectors.groupingBy(StoredWorkflows.Stored::status, TreeMap::new, Collectors.counting()));
    List<String> detail = new ArrayList<>(CrashRecoveryTest.await(stored.describe(notCompleted.subList(0, Math.min(20, notCompleted.size()))), 30));
    var queues = "redis".equals(queueBackend) ? CrashRecoveryTest.await(TestBackends.redisQueues(vertx, prefix), 10) : null;
    for (String id : notCompleted.subList(0, Math.min(20, notCompleted.size()))) {
      detail.add(id + (queues == null ? "" : " in the decider queue: " + CrashRecoveryTest.await(queues.contains("_deciderQueue", id), 10))
          + ", partition " + (int) Long.remainderUnsigned(mix(id.hashCode()), 64));
    }
    for (int port : load.ports()) {
      detail.add("member " + port + ": " + CrashRecoveryTest.await(load.send(HttpMethod.GET, "/api/admin/cluster", null, 10_000)
          .map(r -> { JsonObject v = r.bodyAsJsonObject(); v.remove("partitionTable"); return v.encode(); })
          .recover(e -> Future.succeededFuture(e.toString())), 15));
    }
    System.out.println("[cluster] stuck (not COMPLETED) workflows: " + notCompleted.size() + " of " + state.size());
    throw new AssertionError("Not every workflow COMPLETED within " + RECOVERY.toSeconds() + " s after new starts stopped"
        + "\n started: " + load.startedCount() + "/" + load.planned() + "\n stored by status: " + byStatus
        + "\n lost: " + missing.size() + "\n not completed (first 20):\n  " + String.join("\n  ", detail)
        + "\n client errors: " + load.errors());
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private ServerProcess launch(Map<String, String> env, int port, String log) {
    ServerProcess p = ServerProcess.start(env, port, workDir, log);
    servers.add(p);
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
