package io.conductorvx.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on PostgreSQL + Redis, as a separate OS process, is killed with SIGKILL in the middle
 * of a run of workflows and started again on the same port and backends. Workers and starters talk
 * HTTP only and keep going through the gap. Every workflow must end COMPLETED: none lost, none
 * stuck. Tasks executed more than once (at-least-once delivery) are counted and reported, not
 * asserted.
 *
 * <p>The run is bounded by time, not only by count: workflows of 3 tasks are started for
 * {@code crash.startSeconds} (default 30) or until {@code crash.workflows} (default 2000) have
 * started, whichever comes first; the kill comes at half of either. A slow machine runs fewer
 * workflows rather than a longer test.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {
  private static final int WORKFLOWS = Integer.getInteger("crash.workflows", 2000);
  private static final Duration START_FOR = Duration.ofSeconds(Integer.getInteger("crash.startSeconds", 30));
  private static final int TASKS = 3;
  private static final Duration READY = Duration.ofSeconds(40);
  /** Once no new workflow starts, how long the rest may take to end. */
  private static final Duration RECOVERY = Duration.ofSeconds(75);

  private Vertx vertx;
  private String schema;
  private String prefix;
  private Path workDir;
  private final List<ServerProcess> servers = new ArrayList<>();
  private boolean passed;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    schema = TestBackends.uniqueSchema();
    prefix = TestBackends.uniqueRedisPrefix();
    workDir = Files.createTempDirectory("crash-");
    await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ServerProcess s : servers) {
      s.stop();
    }
    try {
      await(TestBackends.dropSchema(schema), 30);
      await(TestBackends.deleteRedisKeys(prefix), 30);
    } finally {
      await(vertx.close(), 30);
      if (passed) {
        deleteRecursively(workDir);
      } else {
        System.out.println("[crash] server logs kept in " + workDir);
      }
    }
  }

  @Test
  void everyWorkflowCompletesAfterTheServerIsKilledMidRun() throws Exception {
    int port = freePort();
    Map<String, String> env = Map.of(
        "CONDUCTOR_STORE", "postgres",
        "CONDUCTOR_QUEUE", "redis",
        "CONDUCTOR_POSTGRES_URL", TestBackends.postgresUrl(schema),
        "CONDUCTOR_REDIS_URL", TestBackends.REDIS_URL,
        "CONDUCTOR_REDIS_KEY_PREFIX", prefix,
        "CONDUCTOR_SWEEP_INTERVAL_MS", "200",
        "CONDUCTOR_WORKFLOW_RECHECK_SECONDS", "2",
        "CONDUCTOR_QUEUE_LEASE_SECONDS", "3");

    long t0 = System.nanoTime();
    ServerProcess first = launch(env, port, "server-1.log");
    long firstReadyMs = first.awaitHealthy(READY);

    String name = "crash_" + schema.substring(schema.length() - 8);
    HttpWorkload load = new HttpWorkload(vertx, port, name, WORKFLOWS, TASKS, 150, 48);
    StoredWorkflows stored = new StoredWorkflows(vertx, schema);
    await(load.register(10), 30);
    load.startWorkers(16, 10, 500);
    load.startStarters(8);
    long startsBegan = System.nanoTime();
    BooleanSupplier startTimeUsed = () -> System.nanoTime() - startsBegan > START_FOR.toNanos();

    // Kill in the thick of it: half of the workflows or of the start time, with tasks in flight.
    waitFor("half of the workflows to start", START_FOR, () -> load.startedCount() >= WORKFLOWS / 2
        || System.nanoTime() - startsBegan > START_FOR.toNanos() / 2);
    int startedAtKill = load.startedCount();
    int finishedAtKill = load.finishedCount();
    long heldAtKill = load.tasksHeld();
    long killedAt = System.nanoTime();
    int exit = first.killHard();
    assertEquals(137, exit, "the server must die of SIGKILL (exit 128 + 9)");

    ServerProcess second = launch(env, port, "server-2.log");
    long secondReadyMs = second.awaitHealthy(READY);
    long restartedAt = System.nanoTime();
    long gapMs = TimeUnit.NANOSECONDS.toMillis(restartedAt - killedAt);
    waitFor("the start time to end", START_FOR.plusSeconds(30), () -> load.startedCount() >= WORKFLOWS || startTimeUsed.getAsBoolean());
    int workflows = load.stopNewStarts();

    // Every logical workflow started, and every stored workflow COMPLETED.
    Map<String, StoredWorkflows.Stored> finalState;
    try {
      finalState = awaitAllCompleted(load, stored, RECOVERY);
    } finally {
      load.stop();
      reportDuplicates(load);
    }
    long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);

    // The API agrees with the store for every workflow a start answered with.
    Map<String, Long> apiStatuses = await(apiStatuses(load), 60);
    Map<String, Long> taskStatuses = await(stored.taskStatuses(), 30);
    await(load.close(), 10);
    await(stored.close(), 10);

    System.out.printf("[crash] %d workflows x %d tasks; server 1 ready in %d ms; killed (exit %d) with %d started, %d finished,"
            + " %d tasks held by workers; gap until server 2 healthy %d ms (its startup %d ms); all completed %d ms after the restart;"
            + " stored tasks by status %s; total %d s%n",
        workflows, TASKS, firstReadyMs, exit, startedAtKill, finishedAtKill, heldAtKill, gapMs, secondReadyMs, recoveredMs,
        taskStatuses, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));

    assertEquals(Map.of("COMPLETED", (long) load.ids().size()), apiStatuses, "status of every started workflow, read through the API");
    assertTrue(finalState.size() >= workflows, "stored workflows: " + finalState.size());
    List<String> blocked = Stream.concat(first.blockedThreadWarnings().stream(), second.blockedThreadWarnings().stream()).toList();
    blocked.forEach(line -> System.out.println("[crash] server log: " + line));
    assertEquals(List.of(), blocked, "Vert.x blocked-thread warnings in the server logs");
    passed = true;
  }

  private static void reportDuplicates(HttpWorkload load) {
    HttpWorkload.Duplicates dup = load.duplicates();
    System.out.printf("[crash] duplicate executions: %d task ids handed out more than once (%d extra hand-outs),"
            + " %d (workflow, ref) handed out under several task ids, %d (workflow, ref) completed by several task ids;"
            + " %d hand-outs of %d task ids, %d beyond one per (workflow, ref)%n",
        dup.taskIdsHandedOutTwice(), dup.extraHandoutsOfSameId(), dup.refsHandedOutUnderSeveralIds(),
        dup.refsCompletedBySeveralIds(), dup.executions(), dup.taskIds(), dup.extraExecutions());
    System.out.println("[crash] client-side errors (expected during the gap): " + load.errors()
        + "; starts found stored after a failed answer: " + load.startsFoundAfterFailure());
  }

  /**
   * Waits until every logical workflow has an id and every workflow in the store is COMPLETED.
   * On time-out, fails with what is stuck (status and tasks of each, from the store).
   */
  private Map<String, StoredWorkflows.Stored> awaitAllCompleted(HttpWorkload load, StoredWorkflows stored, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, StoredWorkflows.Stored> state = Map.of();
    while (System.nanoTime() < deadline) {
      state = await(stored.all(), 30);
      if (load.allStarted() && done(load, state)) {
        return state;
      }
      Thread.sleep(500);
    }
    Set<String> missing = new HashSet<>(load.ids().values());
    missing.removeAll(state.keySet());
    List<String> notCompleted = state.values().stream().filter(s -> !"COMPLETED".equals(s.status()))
        .map(StoredWorkflows.Stored::workflowId).sorted().toList();
    Map<String, Long> byStatus = state.values().stream()
        .collect(Collectors.groupingBy(StoredWorkflows.Stored::status, TreeMap::new, Collectors.counting()));
    List<String> detail = await(stored.describe(notCompleted.subList(0, Math.min(20, notCompleted.size()))), 30);
    String queues = await(load.send(HttpMethod.GET, "/api/tasks/queue/all/verbose", null, 10_000)
        .map(r -> r.statusCode() + " " + r.bodyAsString()).recover(err -> Future.succeededFuture(err.toString())), 15);
    throw new AssertionError("Not every workflow ended COMPLETED within " + within.toSeconds() + " s after new starts stopped (server restarted before)."
        + "\n logical workflows started: " + load.startedCount() + "/" + load.planned()
        + "\n stored by status: " + byStatus
        + "\n answered by a start but not stored (lost): " + missing.size() + " " + missing.stream().limit(10).toList()
        + "\n not completed (first 20):\n  " + String.join("\n  ", detail)
        + "\n queues: " + queues
        + "\n client errors: " + load.errors());
  }

  private static boolean done(HttpWorkload load, Map<String, StoredWorkflows.Stored> state) {
    if (!state.keySet().containsAll(load.ids().values())) {
      return false;
    }
    return state.values().stream().allMatch(s -> "COMPLETED".equals(s.status()));
  }

  /** Status of each workflow a start answered with, through GET /api/workflow/{id}, counted. */
  private Future<Map<String, Long>> apiStatuses(HttpWorkload load) {
    List<String> ids = new ArrayList<>(new HashSet<>(load.ids().values()));
    ids.sort(Comparator.naturalOrder());
    Map<String, Long> counts = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 16; lane++) {
      lanes.add(readNext(load, ids, next, counts));
    }
    return Future.all(lanes).map(v -> new TreeMap<>(counts));
  }

  private Future<Void> readNext(HttpWorkload load, List<String> ids, java.util.concurrent.atomic.AtomicInteger next,
      Map<String, Long> counts) {
    int i = next.getAndIncrement();
    if (i >= ids.size()) {
      return Future.succeededFuture();
    }
    return load.send(HttpMethod.GET, "/api/workflow/" + ids.get(i) + "?includeTasks=false", null, 30_000)
        .map(r -> r.statusCode() == 200 ? r.bodyAsJsonObject().getString("status") : "HTTP " + r.statusCode())
        .recover(err -> Future.succeededFuture(err.getClass().getSimpleName()))
        .compose(status -> {
          counts.merge(status, 1L, Long::sum);
          return readNext(load, ids, next, counts);
        });
  }

  private ServerProcess launch(Map<String, String> env, int port, String log) {
    ServerProcess p = ServerProcess.start(env, port, workDir, log);
    servers.add(p);
    return p;
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  static <T> T await(Future<T> future, int seconds) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
