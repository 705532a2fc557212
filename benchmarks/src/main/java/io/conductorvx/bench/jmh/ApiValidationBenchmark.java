package io.conductorvx.bench.jmh;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What checking requests against the OpenAPI document costs on the two hot routes, over HTTP
 * against an in-memory server in this JVM, with the setting apiValidation on and off:
 * <ul>
 *   <li>batchPoll: GET /api/tasks/poll/batch/{tasktype}?count=10&amp;timeout=0&amp;workerid=... on an
 *       empty queue (answers [] at once: the request handling is nearly all there is);
 *   <li>updateTask: POST /api/tasks with a worker's result (a 1 KB output) for a task the server
 *       does not have (404 after the body is read and the engine asked).
 * </ul>
 * Both are lighter than a real poll or update, so the relative cost found here is an upper bound.
 * Run: {@code benchmarks/jmh.sh ApiValidation}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class ApiValidationBenchmark {
  @Param({"true", "false"})
  public boolean apiValidation;

  private Vertx serverVertx;
  private ConductorServer server;
  private HttpClient client;
  private HttpRequest poll;
  private HttpRequest update;

  @Setup(Level.Trial)
  public void start() throws Exception {
    serverVertx = Vertx.vertx();
    ServerConfig config = ServerConfig.fromJson(new JsonObject().put("port", 0).put("apiValidation", apiValidation)
        .put("schedulerEnabled", false));
    server = ConductorServer.start(serverVertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + server.port();
    JsonObject output = new JsonObject();
    for (int i = 0; i < 20; i++) {
      output.put("field" + i, "value of field " + i + " with some text to make it realistic");
    }
    String result = new JsonObject()
        .put("workflowInstanceId", "bench-workflow-does-not-exist")
        .put("taskId", "bench-task-does-not-exist")
        .put("status", "COMPLETED")
        .put("workerId", "bench-worker")
        .put("callbackAfterSeconds", 0)
        .put("outputData", output)
        .put("logs", new io.vertx.core.json.JsonArray())
        .encode();
    poll = HttpRequest.newBuilder(URI.create(base + "/api/tasks/poll/batch/bench_task?count=10&timeout=0&workerid=bench-worker"))
        .timeout(Duration.ofSeconds(30)).GET().build();
    update = HttpRequest.newBuilder(URI.create(base + "/api/tasks")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(result)).build();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    serverVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public int batchPoll() throws Exception {
    return call(poll, 200);
  }

  @Benchmark
  public int updateTask() throws Exception {
    return call(update, 404);
  }

  private int call(HttpRequest request, int expected) throws Exception {
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != expected) {
      throw new IllegalStateException("unexpected " + response.statusCode() + ": " + new String(response.body()));
    }
    return response.body().length;
  }
}
