package io.conductorvx.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /api/tasks/{taskId}/waiting names each reason a task is not running yet. */
@ExtendWith(VertxExtension.class)
class WaitingResourceTest {
  private static ConductorServer server;
  private static HttpClient http;

  record Resp(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    server = ConductorServer.start(vertx, ServerConfig.fromJson(new JsonObject().put("port", 0)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    JsonArray defs = new JsonArray()
        .add(taskDef("wr_nobody"))
        .add(taskDef("wr_elsewhere"))
        .add(taskDef("wr_limited").put("concurrentExecLimit", 1))
        .add(taskDef("wr_rated").put("rateLimitPerFrequency", 1).put("rateLimitFrequencyInSeconds", 600))
        .add(taskDef("wr_callback"))
        .add(taskDef("wr_retry").put("retryCount", 1).put("retryDelaySeconds", 600));
    assertEquals(200, send("POST", "/api/metadata/taskdefs", defs.encode()).status());
    for (Object d : defs) {
      String name = ((JsonObject) d).getString("name");
      JsonObject wf = new JsonObject().put("name", name + "_wf").put("version", 1).put("schemaVersion", 2).put("ownerEmail", "t@example.com")
          .put("tasks", new JsonArray().add(new JsonObject().put("name", name).put("taskReferenceName", "t").put("type", "SIMPLE")));
      assertEquals(200, send("POST", "/api/metadata/workflow", wf.encode()).status());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aTaskNobodyPollsSaysNoWorkerAndItsPlaceInTheQueue() {
    String first = taskOf(start("wr_nobody"));
    String second = taskOf(start("wr_nobody"));
    JsonObject w = waiting(second);
    assertEquals(true, w.getBoolean("waiting"));
    assertEquals(List.of("NO_WORKER", "QUEUED_BEHIND"), codes(w));
    assertEquals(1L, w.getJsonObject("queue").getLong("ahead"));
    assertEquals("wr_nobody", w.getJsonObject("queue").getString("name"));
    assertEquals(List.of("NO_WORKER"), codes(waiting(first)));
  }

  @Test
  void workersPollingAnotherDomainAreNamed() {
    String task = taskOf(start("wr_elsewhere"));
    assertEquals(200, send("GET", "/api/tasks/poll/wr_elsewhere?workerid=w1&domain=blue", null).status() / 100 * 100);
    JsonObject w = waiting(task);
    assertEquals("NO_WORKER", codes(w).get(0));
    assertTrue(w.getJsonArray("reasons").getJsonObject(0).getString("message").contains("workers poll this task type in blue"), w.encode());
    assertEquals("blue", w.getJsonObject("polls").getJsonArray("domains").getJsonObject(0).getString("domain"));
  }

  @Test
  void aConcurrencyLimitHoldingTheTaskIsNamed() {
    start("wr_limited");
    String second = taskOf(start("wr_limited"));
    Resp polled = send("GET", "/api/tasks/poll/wr_limited?workerid=w1", null);
    assertEquals(200, polled.status(), polled.body());
    JsonObject w = waiting(second);
    assertEquals(List.of("CONCURRENCY_LIMIT"), codes(w), w.encode());
    assertEquals(1, w.getJsonObject("limits").getInteger("inProgress"));
  }

  @Test
  void aRateLimitHoldingTheTaskIsNamed() {
    start("wr_rated");
    String second = taskOf(start("wr_rated"));
    assertEquals(200, send("GET", "/api/tasks/poll/wr_rated?workerid=w1", null).status());
    JsonObject w = waiting(second);
    assertTrue(codes(w).contains("RATE_LIMIT"), w.encode());
    assertTrue(w.getJsonObject("limits").getLong("rateWindowFreesAt") > System.currentTimeMillis());
  }

  @Test
  void callbackAfterSecondsAndRetryDelaysSayUntilWhen() {
    String wf = start("wr_callback");
    JsonObject polled = send("GET", "/api/tasks/poll/wr_callback?workerid=w1", null).json();
    assertEquals(200, send("POST", "/api/tasks", new JsonObject().put("taskId", polled.getString("taskId")).put("workflowInstanceId", wf)
        .put("status", "IN_PROGRESS").put("callbackAfterSeconds", 300).encode()).status());
    JsonObject w = waiting(polled.getString("taskId"));
    assertEquals(List.of("DELAYED"), codes(w), w.encode());
    assertEquals("callbackAfterSeconds", w.getJsonObject("delay").getString("cause"));
    assertTrue(w.getJsonObject("delay").getLong("until") > System.currentTimeMillis() + 250_000);

    String retried = start("wr_retry");
    JsonObject attempt = send("GET", "/api/tasks/poll/wr_retry?workerid=w1", null).json();
    assertEquals(200, send("POST", "/api/tasks", new JsonObject().put("taskId", attempt.getString("taskId")).put("workflowInstanceId", retried)
        .put("status", "FAILED").put("reasonForIncompletion", "boom").encode()).status());
    JsonArray tasks = send("GET", "/api/workflow/" + retried + "?includeTasks=true", null).json().getJsonArray("tasks");
    String second = tasks.getJsonObject(tasks.size() - 1).getString("taskId");
    JsonObject r = waiting(second);
    assertTrue(codes(r).contains("DELAYED"), r.encode());
    assertEquals("retryDelay", r.getJsonObject("delay").getString("cause"));
  }

  @Test
  void anUnknownTaskIs404() {
    Resp r = send("GET", "/api/tasks/nope-nope/waiting", null);
    assertEquals(404, r.status());
    assertTrue(r.json().getString("message").contains("nope-nope"));
  }

  // ---------------------------------------------------------------- helpers

  private static JsonObject taskDef(String name) {
    return new JsonObject().put("name", name).put("retryCount", 0).put("responseTimeoutSeconds", 600).put("ownerEmail", "t@example.com");
  }

  private static String start(String taskName) {
    Resp r = send("POST", "/api/workflow", new JsonObject().put("name", taskName + "_wf").encode());
    assertEquals(200, r.status(), r.body());
    return r.body().trim();
  }

  private static String taskOf(String workflowId) {
    return send("GET", "/api/workflow/" + workflowId + "?includeTasks=true", null).json().getJsonArray("tasks").getJsonObject(0).getString("taskId");
  }

  private static JsonObject waiting(String taskId) {
    Resp r = send("GET", "/api/tasks/" + taskId + "/waiting", null);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static List<String> codes(JsonObject w) {
    return w.getJsonArray("reasons").stream().map(o -> ((JsonObject) o).getString("code")).toList();
  }

  private static Resp send(String method, String path, String json) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).timeout(Duration.ofSeconds(20))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      req.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
