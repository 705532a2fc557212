package io.conductorvx.durability;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients and workers of a durability test, over the REST API only: starters that start a fixed
 * number of workflows of {@code tasks} SIMPLE tasks (each with its own correlation id, at most
 * {@code maxInFlight} unfinished at a time), and workers that batch-poll and complete tasks. Both
 * keep going through server crashes and backend outages: a failed call is retried after a pause.
 *
 * <p>A start that failed may still have created its workflow (the server died after storing it),
 * so before starting a logical workflow again its correlation id is looked up. Every hand-out and
 * every accepted completion is recorded, to count tasks executed more than once.
 */
final class HttpWorkload {
  private static final long RETRY_PAUSE_MS = 200;
  /** A worker gives up updating a task after this long; the server's response timeout takes over. */
  private static final long UPDATE_GIVE_UP_MS = 60_000;

  private final Vertx vertx;
  private final WebClient http;
  /** Instances the calls are spread over, round robin (as behind a load balancer). */
  private final int[] ports;
  private final AtomicInteger nextPort = new AtomicInteger();
  private final String workflowName;
  private final String taskType;
  private final String runId;
  /** Logical workflows to start at most; lowered by {@link #stopNewStarts()}. */
  private volatile int limit;
  private final int tasks;
  private final int maxInFlight;

  private volatile boolean starting;
  private volatile boolean working;

  /** Next logical workflow never tried. */
  private final AtomicInteger next = new AtomicInteger();
  /** Logical workflows whose start failed: to try again. */
  private final ConcurrentLinkedDeque<Integer> retries = new ConcurrentLinkedDeque<>();
  /** Logical workflows whose last start attempt failed: look for the workflow before starting again. */
  private final Set<Integer> uncertain = ConcurrentHashMap.newKeySet();
  /** Logical workflow → the id of its workflow, once a start answered with it (or it was found). */
  private final Map<Integer, String> ids = new ConcurrentHashMap<>();
  private final Set<String> finished = ConcurrentHashMap.newKeySet();

  /** taskId → times handed to a worker. */
  private final Map<String, AtomicInteger> handouts = new ConcurrentHashMap<>();
  /** workflowId/ref → taskIds handed out for it. */
  private final Map<String, Set<String>> handedOutByRef = new ConcurrentHashMap<>();
  /** workflowId/ref → taskIds whose COMPLETED update the server accepted. */
  private final Map<String, Set<String>> completedByRef = new ConcurrentHashMap<>();

  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private final AtomicLong tasksCompleted = new AtomicLong();
  private final AtomicLong handedOut = new AtomicLong();
  private final AtomicLong givenUp = new AtomicLong();
  private final AtomicLong startsFound = new AtomicLong();
  private volatile long lastProgressMs = System.currentTimeMillis();

  HttpWorkload(Vertx vertx, int port, String name, int total, int tasks, int maxInFlight, int connections) {
    this(vertx, new int[] {port}, name, total, tasks, maxInFlight, connections);
  }

  HttpWorkload(Vertx vertx, int[] ports, String name, int total, int tasks, int maxInFlight, int connections) {
    this.vertx = vertx;
    this.ports = ports.clone();
    this.workflowName = name;
    this.taskType = name + "_task";
    this.runId = name;
    this.limit = total;
    this.tasks = tasks;
    this.maxInFlight = maxInFlight;
    this.http = WebClient.create(vertx,
        new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2_000),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  int[] ports() {
    return ports.clone();
  }

  String workflowName() {
    return workflowName;
  }

  String taskType() {
    return taskType;
  }

  // ---------------------------------------------------------------- definitions

  /**
   * Registers the task and workflow definitions. Tasks retry on response timeout (a worker may lose
   * its task in a crash); the response timeout is short so that such a task comes back soon.
   */
  Future<Void> register(int responseTimeoutSeconds) {
    JsonArray taskDefs = new JsonArray().add(new JsonObject()
        .put("name", taskType)
        .put("retryCount", 20)
        .put("retryLogic", "FIXED")
        .put("retryDelaySeconds", 0)
        .put("timeoutSeconds", 0)
        .put("timeoutPolicy", "RETRY")
        .put("responseTimeoutSeconds", responseTimeoutSeconds)
        .put("ownerEmail", "crash@conductor-vx.io"));
    JsonObject def = workflowDef();
    return expect2xx(send(HttpMethod.POST, "/api/metadata/taskdefs", taskDefs.toBuffer(), 30_000), "register task def")
        .compose(v -> expect2xx(send(HttpMethod.POST, "/api/metadata/workflow", def.toBuffer(), 30_000), "register workflow def"));
  }

  /** The workflow definition: {@code tasks} SIMPLE tasks in a row, each passing its input on. */
  JsonObject workflowDef() {
    JsonArray nodes = new JsonArray();
    for (int i = 0; i < tasks; i++) {
      nodes.add(new JsonObject().put("name", taskType).put("taskReferenceName", "t" + i).put("type", "SIMPLE")
          .put("inputParameters", new JsonObject().put("n", i == 0 ? "${workflow.input.i}" : "${t" + (i - 1) + ".output.n}")));
    }
    return new JsonObject().put("name", workflowName).put("version", 1).put("schemaVersion", 2)
        .put("ownerEmail", "crash@conductor-vx.io").put("tasks", nodes);
  }

  private static Future<Void> expect2xx(Future<HttpResponse<Buffer>> call, String what) {
    return call.compose(r -> r.statusCode() / 100 == 2 ? Future.succeededFuture()
        : Future.failedFuture(new AssertionError(what + ": HTTP " + r.statusCode() + " " + r.bodyAsString())));
  }

  // ---------------------------------------------------------------- running

  void startWorkers(int count, int batch, int pollTimeoutMs) {
    working = true;
    for (int w = 0; w < count; w++) {
      String workerId = "w" + w;
      vertx.runOnContext(v -> workerLoop(workerId, batch, pollTimeoutMs));
    }
  }

  void startStarters(int count) {
    starting = true;
    for (int s = 0; s < count; s++) {
      vertx.runOnContext(v -> starterLoop());
    }
  }

  /** Stops starting and working; calls in flight finish on their own. */
  void stop() {
    starting = false;
    working = false;
  }

  Future<Void> close() {
    stop();
    return vertx.timer(300).compose(t -> {
      http.close();
      return Future.succeededFuture();
    });
  }

  // ---------------------------------------------------------------- starters

  private void starterLoop() {
    if (!starting) {
      return;
    }
    if (inFlight() >= maxInFlight) {
      vertx.setTimer(20, t -> starterLoop());
      return;
    }
    Integer n = retries.pollFirst();
    if (n == null) {
      n = takeFresh();
      if (n == null) {
        if (!allStarted()) {
          vertx.setTimer(100, t -> starterLoop()); // failed attempts come back later
        }
        return;
      }
    }
    // after a failure this starter pauses, so a server that is down is not hammered
    startOnce(n).onComplete(ar -> {
      if (ar.result()) {
        starterLoop();
      } else {
        vertx.setTimer(RETRY_PAUSE_MS, t -> starterLoop());
      }
    });
  }

  /** @return whether the logical workflow now has a workflow (false: try again later) */
  private Future<Boolean> startOnce(int n) {
    Future<Boolean> exists = uncertain.contains(n) ? lookUp(n) : Future.succeededFuture(false);
    return exists.compose(found -> {
      if (found) {
        startsFound.incrementAndGet();
        uncertain.remove(n);
        return Future.succeededFuture(true);
      }
      JsonObject body = new JsonObject().put("name", workflowName).put("version", 1)
          .put("correlationId", correlationId(n)).put("input", new JsonObject().put("i", n));
      return send(HttpMethod.POST, "/api/workflow", body.toBuffer(), 30_000).compose(r -> {
        if (r.statusCode() == 200) {
          ids.put(n, r.bodyAsString().trim());
          uncertain.remove(n);
          lastProgressMs = System.currentTimeMillis();
          return Future.succeededFuture(true);
        }
        return Future.<Boolean>failedFuture("HTTP " + r.statusCode());
      });
    }).recover(err -> {
      error("start " + kind(err));
      uncertain.add(n);
      retries.addFirst(n);
      return Future.succeededFuture(false);
    });
  }

  /** Whether a workflow of this logical number exists (a start that failed may have stored it). */
  private Future<Boolean> lookUp(int n) {
    return send(HttpMethod.GET, "/api/workflow/" + workflowName + "/correlated/" + correlationId(n)
        + "?includeClosed=true&includeTasks=false", null, 30_000).compose(r -> {
          if (r.statusCode() != 200) {
            return Future.failedFuture("lookup HTTP " + r.statusCode());
          }
          JsonArray found = r.bodyAsJsonArray();
          if (found.isEmpty()) {
            return Future.succeededFuture(false);
          }
          ids.put(n, found.getJsonObject(0).getString("workflowId"));
          return Future.succeededFuture(true);
        });
  }

  String correlationId(int n) {
    return runId + "-" + n;
  }

  private int inFlight() {
    return ids.size() - finished.size();
  }

  // ---------------------------------------------------------------- workers

  private void workerLoop(String workerId, int batch, int pollTimeoutMs) {
    if (!working) {
      return;
    }
    send(HttpMethod.GET, "/api/tasks/poll/batch/" + taskType + "?workerid=" + workerId + "&count=" + batch
        + "&timeout=" + pollTimeoutMs, null, pollTimeoutMs + 15_000L)
        .compose(r -> {
          if (r.statusCode() == 204) {
            return Future.succeededFuture(true);
          }
          if (r.statusCode() != 200) {
            return Future.failedFuture("HTTP " + r.statusCode());
          }
          JsonArray polled = r.bodyAsJsonArray();
          Future<?>[] updates = new Future<?>[polled.size()];
          for (int i = 0; i < polled.size(); i++) {
            updates[i] = execute(polled.getJsonObject(i), workerId);
          }
          return Future.join(java.util.Arrays.asList(updates)).map(true);
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            workerLoop(workerId, batch, pollTimeoutMs);
          } else {
            error("poll " + kind(ar.cause()));
            vertx.setTimer(RETRY_PAUSE_MS, t -> workerLoop(workerId, batch, pollTimeoutMs));
          }
        });
  }

  /** Runs the task (it just echoes its input) and reports it done, retrying until the server takes it. */
  private Future<Void> execute(JsonObject task, String workerId) {
    String taskId = task.getString("taskId");
    String workflowId = task.getString("workflowInstanceId");
    String ref = task.getString("referenceTaskName");
    handedOut.incrementAndGet();
    handouts.computeIfAbsent(taskId, k -> new AtomicInteger()).incrementAndGet();
    handedOutByRef.computeIfAbsent(workflowId + "/" + ref, k -> ConcurrentHashMap.newKeySet()).add(taskId);
    JsonObject result = new JsonObject()
        .put("workflowInstanceId", workflowId)
        .put("taskId", taskId)
        .put("workerId", workerId)
        .put("status", "COMPLETED")
        .put("outputData", new JsonObject().put("n", task.getJsonObject("inputData", new JsonObject()).getValue("n")));
    Promise<Void> done = Promise.promise();
    update(result, System.currentTimeMillis() + UPDATE_GIVE_UP_MS, () -> {
      completedByRef.computeIfAbsent(workflowId + "/" + ref, k -> ConcurrentHashMap.newKeySet()).add(taskId);
      tasksCompleted.incrementAndGet();
      lastProgressMs = System.currentTimeMillis();
      if (("t" + (tasks - 1)).equals(ref)) {
        finished.add(workflowId);
      }
    }, done);
    return done.future();
  }

  private void update(JsonObject result, long giveUpAt, Runnable accepted, Promise<Void> done) {
    send(HttpMethod.POST, "/api/tasks", result.toBuffer(), 30_000).onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        accepted.run();
        done.complete();
        return;
      }
      error("update " + (ar.succeeded() ? "HTTP " + ar.result().statusCode() : kind(ar.cause())));
      if (!working || System.currentTimeMillis() > giveUpAt) {
        error("update given up");
        givenUp.incrementAndGet();
        done.complete();
        return;
      }
      vertx.setTimer(RETRY_PAUSE_MS, t -> update(result, giveUpAt, accepted, done));
    });
  }

  // ---------------------------------------------------------------- plumbing & results

  Future<HttpResponse<Buffer>> send(HttpMethod method, String path, Buffer body, long timeoutMs) {
    int port = ports[Math.floorMod(nextPort.getAndIncrement(), ports.length)];
    var request = http.request(method, port, "127.0.0.1", path)
        .putHeader("Content-Type", "application/json")
        .timeout(timeoutMs);
    return body == null ? request.send() : request.sendBuffer(body);
  }

  private void error(String kind) {
    errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private static String kind(Throwable err) {
    String name = err.getClass().getSimpleName();
    String msg = err.getMessage() == null ? "" : err.getMessage();
    if (msg.startsWith("HTTP ")) {
      return msg;
    }
    int colon = msg.indexOf(':');
    return name + (msg.isEmpty() ? "" : " " + (colon > 0 ? msg.substring(0, colon) : msg));
  }

  /**
   * Starts no logical workflow that was not tried yet; those already tried are still retried until
   * they have a workflow. @return how many logical workflows that leaves
   */
  synchronized int stopNewStarts() {
    limit = Math.min(limit, next.get());
    return limit;
  }

  /** The next logical workflow never tried, or null when no more may start. */
  private synchronized Integer takeFresh() {
    return next.get() < limit ? next.getAndIncrement() : null;
  }

  /** Logical workflows tried so far (all of them once {@link #stopNewStarts()} was called). */
  synchronized int planned() {
    return Math.min(next.get(), limit);
  }

  /** Every logical workflow that may start has a workflow id (started, or found after a failed start). */
  synchronized boolean allStarted() {
    return next.get() >= limit && ids.size() == limit;
  }

  int startedCount() {
    return ids.size();
  }

  Map<Integer, String> ids() {
    return ids;
  }

  int finishedCount() {
    return finished.size();
  }

  long tasksCompleted() {
    return tasksCompleted.get();
  }

  /** Tasks a worker holds right now: handed out, their update not accepted yet. */
  long tasksHeld() {
    return handedOut.get() - tasksCompleted.get() - givenUp.get();
  }

  long startsFoundAfterFailure() {
    return startsFound.get();
  }

  long lastProgressMs() {
    return lastProgressMs;
  }

  Map<String, Long> errors() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  long errorCount(String prefix) {
    return errors.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
  }

  /** How often tasks were executed more than once, by kind. */
  Duplicates duplicates() {
    long sameIdTwice = handouts.values().stream().filter(c -> c.get() > 1).count();
    long extraHandouts = handouts.values().stream().mapToLong(c -> Math.max(0, c.get() - 1)).sum();
    long refsWithSeveralIds = handedOutByRef.values().stream().filter(s -> s.size() > 1).count();
    long refsCompletedBySeveralIds = completedByRef.values().stream().filter(s -> s.size() > 1).count();
    long executions = handouts.values().stream().mapToLong(AtomicInteger::get).sum();
    long extraExecutions = executions - handedOutByRef.size();
    return new Duplicates(handouts.size(), executions, sameIdTwice, extraHandouts, refsWithSeveralIds,
        refsCompletedBySeveralIds, extraExecutions);
  }

  /**
   * @param taskIds distinct task ids handed out
   * @param executions hand-outs in all
   * @param taskIdsHandedOutTwice task ids handed out more than once
   * @param extraHandoutsOfSameId hand-outs beyond the first of the same task id
   * @param refsHandedOutUnderSeveralIds (workflow, ref) pairs handed out under more than one task id
   * @param refsCompletedBySeveralIds (workflow, ref) pairs whose completion was accepted for more than one task id
   * @param extraExecutions hand-outs beyond one per (workflow, ref)
   */
  record Duplicates(long taskIds, long executions, long taskIdsHandedOutTwice, long extraHandoutsOfSameId,
      long refsHandedOutUnderSeveralIds, long refsCompletedBySeveralIds, long extraExecutions) {}
}
