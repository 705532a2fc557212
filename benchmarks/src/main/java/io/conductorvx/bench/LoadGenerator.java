package io.conductorvx.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end load against any Conductor-compatible server, through its REST API only: registers
 * definitions, starts N workflows with C concurrent starters (or at a paced rate), runs W workers
 * that batch-poll with long polling and complete tasks, and confirms every workflow COMPLETED with
 * a GET. Prints one JSON line. A workflow not seen COMPLETED counts as not completed, never as a
 * success.
 *
 * <p>Arguments are key=value: url, workflows, tasks, shape (simple|fork|dynamic), starters, workers,
 * batch, pollTimeoutMs, rate (workflows/s, 0 = as fast as possible), sequential (true: each starter
 * waits for its workflow to complete before starting the next, for latency), fanout (dynamic shape),
 * timeoutSeconds, pid (server process, for RSS and the CPU seconds it spent during the run), warmup
 * (workflows run first, unmeasured, to warm this JVM; default 300), label, case, reportSeconds (when
 * above 0: one JSON line per interval on stdout with the workflows completed in it, their latency
 * p50/p99 and the server's RSS: the steady-state curve).
 */
public final class LoadGenerator {
  private static final String TASK = "bench_task";

  private final Map<String, String> args;
  private final String api;
  private final int workflows;
  private final int tasksPerWorkflow;
  private final String shape;
  private final int starters;
  private final int workers;
  private final int batch;
  private final int pollTimeoutMs;
  private final double rate;
  private final boolean sequential;
  private final int fanout;
  private final String workflowName;

  private final Vertx vertx;
  private HttpClient http;
  /** The servers' addresses: {@code url} may list several (comma-separated), used in turn per request as a load balancer would. */
  private String[] hosts;
  private int[] ports;
  private String basePath;
  private final java.util.concurrent.atomic.AtomicInteger nextServer = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Per started workflow: when its start was sent (known once the start's answer names the id: a
   * worker may see the workflow's tasks before that), worker tasks still to complete, and its end.
   */
  private record Run(Promise<Long> startSentNanos, AtomicInteger remaining, Promise<Void> ended) {
    Run(int tasks) {
      this(Promise.promise(), new AtomicInteger(tasks), Promise.promise());
    }
  }

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
  /** Latencies since the last interval report (reportSeconds). */
  private volatile List<Long> intervalNanos = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> pollNanos = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> updateNanos = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger failedWorkflows = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicLong tasksDone = new AtomicLong();
  /** Workers whose loop has not ended: each ends after its last poll (and its updates) came back. */
  private final CountDownLatch workersDone;
  private final CountDownLatch finished;
  private volatile boolean stopping;
  private volatile long firstStartNanos;
  /** Workflows not seen finished by then count as not completed. */
  private volatile long runDeadlineNanos;
  private volatile long lastCompletionNanos;

  private LoadGenerator(Map<String, String> args) {
    this.args = args;
    this.api = args.getOrDefault("url", "http://localhost:8080/api");
    this.shape = args.getOrDefault("shape", "simple");
    this.workflows = "dynamic".equals(shape) ? intArg("workflows", 1) : intArg("workflows", 1000);
    this.tasksPerWorkflow = intArg("tasks", 5);
    this.starters = intArg("starters", 8);
    this.workers = intArg("workers", 16);
    this.batch = intArg("batch", 10);
    this.pollTimeoutMs = intArg("pollTimeoutMs", 1000);
    this.rate = Double.parseDouble(args.getOrDefault("rate", "0"));
    this.sequential = Boolean.parseBoolean(args.getOrDefault("sequential", "false"));
    this.fanout = intArg("fanout", 2000);
    this.workflowName = "bench_" + shape + "_" + tasksPerWorkflow + ("dynamic".equals(shape) ? "_" + fanout : "");
    // eventLoops: the generator's own event loop threads (default: one per core)
    this.vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(
        intArg("eventLoops", Runtime.getRuntime().availableProcessors())));
    this.finished = new CountDownLatch(workflows);
    this.workersDone = new CountDownLatch(workers);
  }

  private int intArg(String key, int def) {
    return Integer.parseInt(args.getOrDefault(key, String.valueOf(def)));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        System.err.println("arguments are key=value, got: " + a);
        System.exit(2);
      }
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    // The generator's own JVM is cold at first: at 200 workflows/s its first second of JIT work
    // would show up as server latency. A short unmeasured run in the same JVM warms it up.
    int warmup = Integer.parseInt(args.getOrDefault("warmup", "300"));
    if (warmup > 0) {
      Map<String, String> warm = new LinkedHashMap<>(args);
      warm.put("shape", "simple");
      warm.put("workflows", String.valueOf(warmup));
      warm.remove("rate");
      warm.remove("sequential");
      warm.remove("pid");
      warm.remove("reportSeconds");
      new LoadGenerator(warm).run();
    }
    LoadGenerator gen = new LoadGenerator(args);
    JsonObject result = gen.run();
    System.out.println(result.encode());
    System.exit(0);
  }

  private JsonObject run() throws Exception {
    String[] urls = api.split(",");
    hosts = new String[urls.length];
    ports = new int[urls.length];
    for (int i = 0; i < urls.length; i++) {
      URI uri = URI.create(urls[i].trim());
      hosts[i] = uri.getHost();
      ports[i] = uri.getPort() > 0 ? uri.getPort() : 80;
      basePath = uri.getPath().endsWith("/") ? uri.getPath().substring(0, uri.getPath().length() - 1) : uri.getPath();
    }
    // gzip=true: ask for compressed answers, as the SDKs' HTTP clients do (OkHttp, fetch, requests)
    boolean gzip = Boolean.parseBoolean(args.getOrDefault("gzip", "false"));
    // Vert.x's plain HTTP client, not its WebClient: the WebClient's layers (a request context and
    // interceptor chain per request) were a tenth of the generator's CPU, which the server shares.
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5000)
            .setDecompressionSupported(gzip),
        new PoolOptions().setHttp1MaxSize(workers * (batch + 1) + starters + 64));
    await(register(), 60);
    double cpuBefore = serverCpuSeconds();
    double ownCpuBefore = ownCpuSeconds();
    long timeoutSeconds = Long.parseLong(args.getOrDefault("timeoutSeconds", "600"));
    firstStartNanos = System.nanoTime();
    runDeadlineNanos = firstStartNanos + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    for (int w = 0; w < workers; w++) {
      int id = w;
      vertx.runOnContext(v -> workerLoop("w" + id));
    }
    long reportSeconds = Long.parseLong(args.getOrDefault("reportSeconds", "0"));
    if (reportSeconds > 0) {
      long t0 = System.nanoTime();
      vertx.setPeriodic(reportSeconds * 1000, id -> reportInterval(t0));
    }
    if (rate > 0) {
      startPaced();
    } else {
      AtomicInteger next = new AtomicInteger();
      for (int s = 0; s < starters; s++) {
        vertx.runOnContext(v -> starterLoop(next));
      }
    }
    boolean done = finished.await(timeoutSeconds, TimeUnit.SECONDS);
    stopping = true;
    long end = done && completed.get() > 0 ? lastCompletionNanos : System.nanoTime();
    double seconds = Math.max(1e-9, (end - firstStartNanos) / 1e9);
    JsonObject out = new JsonObject()
        .put("label", args.getOrDefault("label", ""))
        .put("case", args.getOrDefault("case", ""))
        .put("shape", shape)
        .put("workflows", workflows)
        .put("tasksPerWorkflow", "dynamic".equals(shape) ? fanout : tasksPerWorkflow)
        .put("starters", rate > 0 ? 0 : starters)
        .put("ratePerSecond", rate)
        .put("workers", workers)
        .put("started", started.get())
        .put("completed", completed.get())
        .put("notCompleted", workflows - completed.get())
        .put("failedWorkflows", failedWorkflows.get())
        .put("errors", errors.get())
        .put("seconds", round(seconds))
        .put("workflowsPerSecond", round(completed.get() / seconds))
        .put("tasksPerSecond", round(tasksDone.get() / seconds))
        .put("latencyMs", percentiles(latenciesNanos, 50, 95, 99))
        .put("pollMs", percentiles(pollNanos, 50, 99))
        .put("updateMs", percentiles(updateNanos, 50, 99));
    serverUsage(out, cpuBefore);
    // the generator shares the machine with the server: what it spent is what the server could not use
    out.put("generatorCpuSeconds", round(ownCpuSeconds() - ownCpuBefore));
    // Parked polls are let run out instead of being cut: a server may hand a task to a poll whose
    // client has gone (Conductor OSS does), and that task would then wait out its response timeout.
    workersDone.await(pollTimeoutMs + 15_000L, TimeUnit.MILLISECONDS);
    vertx.close();
    return out;
  }

  // ---- definitions ----

  private Future<Void> register() {
    JsonArray defs = new JsonArray().add(new JsonObject().put("name", TASK).put("retryCount", 0)
        .put("responseTimeoutSeconds", 300).put("timeoutSeconds", 0).put("ownerEmail", "bench@example.com"));
    return send("POST", "/metadata/taskdefs", defs.toBuffer())
        .compose(r -> send("POST", "/metadata/workflow?overwrite=true", workflowDef().toBuffer()))
        .compose(r -> r.statusCode() < 300 ? Future.succeededFuture()
            : send("PUT", "/metadata/workflow", new JsonArray().add(workflowDef()).toBuffer()).mapEmpty())
        .mapEmpty();
  }

  private JsonObject workflowDef() {
    JsonArray tasks = new JsonArray();
    switch (shape) {
      case "simple" -> {
        for (int i = 0; i < tasksPerWorkflow; i++) {
          tasks.add(simple("t" + i, i == 0 ? "${workflow.input.i}" : "${t" + (i - 1) + ".output.n}"));
        }
      }
      case "fork" -> {
        // two branches of one task each, joined, then one more task
        tasks.add(new JsonObject().put("name", "fork").put("taskReferenceName", "fork").put("type", "FORK_JOIN")
            .put("forkTasks", new JsonArray()
                .add(new JsonArray().add(simple("a", "${workflow.input.i}")))
                .add(new JsonArray().add(simple("b", "${workflow.input.i}")))));
        tasks.add(new JsonObject().put("name", "join").put("taskReferenceName", "join").put("type", "JOIN")
            .put("joinOn", new JsonArray().add("a").add("b")));
        tasks.add(simple("c", "${a.output.n}"));
      }
      case "dynamic" -> {
        tasks.add(new JsonObject().put("name", "dyn").put("taskReferenceName", "dyn").put("type", "FORK_JOIN_DYNAMIC")
            .put("inputParameters", new JsonObject().put("forkTaskName", TASK).put("forkTaskInputs", "${workflow.input.items}")));
        tasks.add(new JsonObject().put("name", "join").put("taskReferenceName", "join").put("type", "JOIN"));
      }
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    }
    return new JsonObject().put("name", workflowName).put("version", 1).put("schemaVersion", 2)
        .put("ownerEmail", "bench@example.com").put("tasks", tasks);
  }

  private static JsonObject simple(String ref, String input) {
    return new JsonObject().put("name", TASK).put("taskReferenceName", ref).put("type", "SIMPLE")
        .put("inputParameters", new JsonObject().put("n", input));
  }

  private int workerTasksPerWorkflow() {
    return switch (shape) {
      case "fork" -> 3;
      case "dynamic" -> fanout;
      default -> tasksPerWorkflow;
    };
  }

  // ---- starting ----

  private void starterLoop(AtomicInteger next) {
    int n = next.getAndIncrement();
    if (n >= workflows || stopping) {
      return;
    }
    startOne(n).onComplete(ignored -> starterLoop(next));
  }

  private void startPaced() {
    AtomicInteger next = new AtomicInteger();
    long periodNanos = (long) (1e9 / rate);
    long t0 = System.nanoTime();
    vertx.setPeriodic(1, id -> {
      long due = (System.nanoTime() - t0) / periodNanos + 1;
      while (next.get() < Math.min(due, workflows)) {
        startOne(next.getAndIncrement());
      }
      if (next.get() >= workflows || stopping) {
        vertx.cancelTimer(id);
      }
    });
  }

  private Future<Void> startOne(int n) {
    JsonObject input = new JsonObject().put("i", n);
    if ("dynamic".equals(shape)) {
      JsonArray items = new JsonArray();
      for (int i = 0; i < fanout; i++) {
        items.add(new JsonObject().put("n", i));
      }
      input.put("items", items);
    }
    long t0 = System.nanoTime();
    return send("POST", "/workflow/" + workflowName, input.toBuffer()).map(r -> {
      if (r.statusCode() != 200) {
        errors.incrementAndGet();
        finished.countDown();
        return null;
      }
      String id = r.body().toString().trim();
      Run run = runs.computeIfAbsent(id, k -> new Run(workerTasksPerWorkflow()));
      started.incrementAndGet();
      run.startSentNanos().tryComplete(t0);
      return run;
    }).compose(run -> run == null || !sequential ? Future.<Void>succeededFuture() : run.ended().future())
    .recover(err -> {
      errors.incrementAndGet();
      finished.countDown();
      return Future.succeededFuture();
    });
  }

  // ---- working ----

  private void workerLoop(String workerId) {
    if (stopping) {
      workersDone.countDown();
      return;
    }
    long t0 = System.nanoTime();
    send("GET", "/tasks/poll/batch/" + TASK + "?workerid=" + workerId + "&count=" + batch + "&timeout=" + pollTimeoutMs, null)
        .compose(r -> {
          pollNanos.add(System.nanoTime() - t0);
          if (r.statusCode() != 200) {
            errors.incrementAndGet();
            return Future.succeededFuture();
          }
          List<ResponseFields.PolledTask> tasks = ResponseFields.polledTasks(r.body());
          List<Future<Void>> updates = new ArrayList<>(tasks.size());
          for (ResponseFields.PolledTask task : tasks) {
            updates.add(complete(task, workerId));
          }
          return Future.join(updates).mapEmpty();
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            errors.incrementAndGet();
          }
          workerLoop(workerId);
        });
  }

  private Future<Void> complete(ResponseFields.PolledTask task, String workerId) {
    String workflowId = task.workflowInstanceId();
    Object n = task.n();
    JsonObject result = new JsonObject()
        .put("workflowInstanceId", workflowId)
        .put("taskId", task.taskId())
        .put("workerId", workerId)
        .put("status", "COMPLETED")
        .put("outputData", new JsonObject().put("n", n));
    long t0 = System.nanoTime();
    return send("POST", "/tasks", result.toBuffer()).map(r -> {
      updateNanos.add(System.nanoTime() - t0);
      if (r.statusCode() != 200) {
        errors.incrementAndGet();
        return null;
      }
      tasksDone.incrementAndGet();
      Run run = runs.computeIfAbsent(workflowId, k -> new Run(workerTasksPerWorkflow()));
      if (run.remaining().decrementAndGet() == 0) {
        confirm(workflowId, run);
      }
      return null;
    });
  }

  /**
   * Reads the workflow until it is terminal or the run's time is up: only a COMPLETED answer counts
   * as completed. Reads come every 2 ms at first, then less often (at most 20 ms apart), so a server
   * that ends workflows late (a JOIN on a timer) is not flooded with reads meanwhile.
   */
  private void confirm(String workflowId, Run run) {
    check(workflowId, run, 2);
  }

  private void check(String workflowId, Run run, long delayMs) {
    send("GET", "/workflow/" + workflowId + "?includeTasks=false", null).onComplete(ar -> {
      String status = ar.succeeded() && ar.result().statusCode() == 200
          ? ResponseFields.status(ar.result().body()) : null;
      if ("COMPLETED".equals(status)) {
        // Counted once the start's answer has come too: its latency runs from when the start was sent.
        long now = System.nanoTime();
        run.startSentNanos().future().onSuccess(t0 -> {
          if (run.ended().tryComplete()) {
            latenciesNanos.add(now - t0);
            intervalNanos.add(now - t0);
            lastCompletionNanos = Math.max(lastCompletionNanos, now);
            completed.incrementAndGet();
            finished.countDown();
          }
        });
      } else if (status != null && !"RUNNING".equals(status) && !"PAUSED".equals(status)) {
        if (run.ended().tryComplete()) {
          failedWorkflows.incrementAndGet();
          finished.countDown();
        }
      } else if (System.nanoTime() < runDeadlineNanos) {
        vertx.setTimer(delayMs, id -> check(workflowId, run, Math.min(20, delayMs * 2)));
      } else if (run.ended().tryComplete()) {
        finished.countDown();
      }
    });
  }

  /** One line of the steady-state curve: what completed since the last line, and the server's RSS now. */
  private void reportInterval(long t0) {
    List<Long> window = intervalNanos;
    intervalNanos = Collections.synchronizedList(new ArrayList<>());
    JsonObject line = new JsonObject()
        .put("label", args.getOrDefault("label", ""))
        .put("case", args.getOrDefault("case", "") + "-interval")
        .put("elapsedSeconds", Math.round((System.nanoTime() - t0) / 1e9))
        .put("completed", window.size())
        .put("completedTotal", completed.get())
        .put("errors", errors.get())
        .put("latencyMs", percentiles(window, 50, 99));
    String pid = args.get("pid");
    if (pid != null) {
      try {
        for (String l : Files.readAllLines(Path.of("/proc", pid, "status"))) {
          if (l.startsWith("VmRSS:")) {
            line.put("serverRssMiB", round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0));
          }
        }
      } catch (Exception e) {
        line.put("serverUsageError", e.toString());
      }
    }
    System.out.println(line.encode());
  }

  // ---- plumbing ----

  /** An answer: its status and its whole body. */
  private record Response(int statusCode, Buffer body) {}

  private Future<Response> send(String method, String path, Buffer body) {
    int server = hosts.length == 1 ? 0 : Math.floorMod(nextServer.getAndIncrement(), hosts.length);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setHost(hosts[server])
        .setPort(ports[server]).setURI(basePath + path).putHeader("Content-Type", "application/json")
        .setIdleTimeout(Math.max(30_000, pollTimeoutMs + 10_000L));
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Response(response.statusCode(), b)));
  }

  private static JsonObject percentiles(List<Long> nanos, int... ps) {
    List<Long> sorted;
    synchronized (nanos) {
      sorted = new ArrayList<>(nanos);
    }
    Collections.sort(sorted);
    JsonObject out = new JsonObject();
    for (int p : ps) {
      double ms = sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
      out.put("p" + p, round(ms));
    }
    return out;
  }

  /** The server's resident memory at the end and the CPU time it spent during the run, when its pid is given. */
  private void serverUsage(JsonObject out, double cpuBefore) {
    String pid = args.get("pid");
    if (pid == null) {
      return;
    }
    try {
      long rssKiB = 0;
      for (String one : pid.split(",")) {
        for (String line : Files.readAllLines(Path.of("/proc", one.trim(), "status"))) {
          if (line.startsWith("VmRSS:")) {
            rssKiB += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      }
      out.put("serverRssMiB", round(rssKiB / 1024.0));
      out.put("serverCpuSeconds", round(serverCpuSeconds() - cpuBefore));
    } catch (Exception e) {
      out.put("serverUsageError", e.toString());
    }
  }

  /** User plus system CPU seconds of the server processes ({@code pid}, comma-separated) so far (0 without a pid). */
  private double serverCpuSeconds() {
    String pid = args.get("pid");
    if (pid == null) {
      return 0;
    }
    double total = 0;
    for (String one : pid.split(",")) {
      try {
        String stat = Files.readString(Path.of("/proc", one.trim(), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
      } catch (Exception e) {
        // a process that is gone counts nothing more
      }
    }
    return total;
  }

  /** User plus system CPU seconds of this load generator so far. */
  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
