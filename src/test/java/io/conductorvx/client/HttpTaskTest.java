package io.conductorvx.client;

import static io.conductorvx.client.SubWorkflowTaskTest.systemTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP task against a small Vert.x server started by the test. */
class HttpTaskTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(15);

  private Vertx endpointVertx;
  private HttpServer endpoint;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  void startEndpoint() {
    endpointVertx = Vertx.vertx();
    Router router = Router.router(endpointVertx);
    router.route().handler(BodyHandler.create());
    router.get("/json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .putHeader("X-Test", (Iterable<String>) List.of("a", "b")).end(new JsonObject().put("hello", "world").put("n", 3).encode()));
    router.post("/echo").handler(ctx -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("received", ctx.body().asJsonObject())
            .put("contentType", ctx.request().getHeader("Content-Type"))
            .put("token", ctx.request().getHeader("X-Token")).encode()));
    router.get("/missing").handler(ctx -> ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
        .end("{\"error\":\"nope\"}"));
    router.get("/text").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("plain words"));
    router.get("/flaky/:key").handler(ctx -> {
      int n = calls.computeIfAbsent(ctx.pathParam("key"), k -> new AtomicInteger()).incrementAndGet();
      if (n < 3) {
        ctx.response().setStatusCode(500).end("try again");
      } else {
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("attempt", n).encode());
      }
    });
    router.get("/slow").handler(ctx -> endpointVertx.setTimer(3000, id -> ctx.response().end("late")));
    endpoint = TestServer.await(endpointVertx.createHttpServer().requestHandler(router).listen(0), 10);
  }

  @AfterAll
  void stopEndpoint() {
    TestServer.await(endpointVertx.close(), 10);
  }

  private String url(String path) {
    return "http://localhost:" + endpoint.actualPort() + path;
  }

  private static WorkflowTask http(String ref, Map<String, Object> request) {
    return systemTask("HTTP", ref, map("http_request", request));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> response(Task t) {
    return (Map<String, Object>) t.getOutputData().get("response");
  }

  @Test
  void getReturnsParsedJsonBodyHeadersAndStatus() {
    String wf = uniq("http_get");
    registerWorkflow(wf, List.of(http("call", map("uri", url("/json"), "method", "GET"))),
        d -> d.setOutputParameters(map("hello", expr("call.output.response.body.hello"))));
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);
    Task call = w.getTaskByRefName("call");
    assertEquals("HTTP", call.getTaskType());
    assertEquals(Task.Status.COMPLETED, call.getStatus());
    Map<String, Object> response = response(call);
    assertEquals(200, ((Number) response.get("statusCode")).intValue());
    assertEquals("OK", response.get("reasonPhrase"));
    assertEquals(map("hello", "world", "n", 3), SimpleWorkflowTest.normalizeNumbers(response.get("body")));
    @SuppressWarnings("unchecked")
    Map<String, List<String>> headers = (Map<String, List<String>>) response.get("headers");
    assertEquals(List.of("a", "b"), headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("X-Test"))
        .findFirst().orElseThrow().getValue(), "headers are a map of lists: " + headers);
    assertEquals(map("hello", "world"), w.getOutput());
  }

  @Test
  void postSendsTheBodyAsJsonWithHeadersFromTopLevelInput() {
    String wf = uniq("http_post");
    registerWorkflow(wf, List.of(systemTask("HTTP", "call", map("uri", url("/echo"), "method", "POST",
        "headers", map("X-Token", expr("workflow.input.token")),
        "body", map("order", expr("workflow.input.order"), "qty", 2)))), null);
    Workflow w = awaitStatus(start(wf, map("order", "o-9", "token", "t-1")), DONE, Workflow.WorkflowStatus.COMPLETED);
    Map<String, Object> response = response(w.getTaskByRefName("call"));
    assertEquals(201, ((Number) response.get("statusCode")).intValue());
    assertEquals(map("received", map("order", "o-9", "qty", 2), "contentType", "application/json", "token", "t-1"),
        SimpleWorkflowTest.normalizeNumbers(response.get("body")));
  }

  @Test
  void plainTextBodyStaysAString() {
    String wf = uniq("http_text");
    registerWorkflow(wf, List.of(http("call", map("uri", url("/text"), "method", "GET", "accept", "text/plain"))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals("plain words", response(w.getTaskByRefName("call")).get("body"));
  }

  @Test
  void notFoundFailsTheTaskButKeepsTheStructuredResponse() {
    String wf = uniq("http_404");
    registerWorkflow(wf, List.of(http("call", map("uri", url("/missing"), "method", "GET"))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.FAILED);
    Task call = w.getTaskByRefName("call");
    assertEquals(Task.Status.FAILED, call.getStatus());
    assertTrue(call.getReasonForIncompletion().startsWith("Failed to invoke HTTP task due to: 404"), call.getReasonForIncompletion());
    Map<String, Object> response = response(call);
    assertEquals(404, ((Number) response.get("statusCode")).intValue());
    assertEquals(map("error", "nope"), response.get("body"));
    assertEquals("Not Found", response.get("reasonPhrase"));
    assertEquals(1, w.getTasks().size(), "synthetic HTTP definition: no retries");
  }

  @Test
  void connectionRefusedFailsTheTask() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String wf = uniq("http_refused");
    registerWorkflow(wf, List.of(http("call", map("uri", "http://localhost:" + closedPort + "/x", "method", "GET"))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.FAILED);
    Task call = w.getTaskByRefName("call");
    assertEquals(Task.Status.FAILED, call.getStatus());
    assertTrue(call.getReasonForIncompletion().startsWith("Failed to invoke HTTP task due to: "), call.getReasonForIncompletion());
  }

  @Test
  void readTimeoutFailsTheTask() {
    String wf = uniq("http_slow");
    registerWorkflow(wf, List.of(http("call", map("uri", url("/slow"), "method", "GET", "readTimeOut", 300))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.FAILED);
    Task call = w.getTaskByRefName("call");
    assertEquals(Task.Status.FAILED, call.getStatus());
    assertTrue(call.getEndTime() - call.getStartTime() < 2500, "gave up after the read timeout: " + Describe.task(call));
  }

  @Test
  void missingUriOrMethodFailsTheTask() {
    String wf = uniq("http_bad");
    registerWorkflow(wf, List.of(http("call", map("method", "GET"))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.FAILED);
    assertTrue(w.getTaskByRefName("call").getReasonForIncompletion().startsWith("Missing HTTP URI"));

    String wf2 = uniq("http_bad");
    registerWorkflow(wf2, List.of(http("call", map("uri", url("/json")))), null);
    Workflow w2 = awaitStatus(start(wf2, map()), DONE, Workflow.WorkflowStatus.FAILED);
    assertEquals("No HTTP method specified", w2.getTaskByRefName("call").getReasonForIncompletion());
  }

  @Test
  void failedCallsAreRetriedPerTheRegisteredTaskDef() {
    String name = uniq("http_flaky");
    registerTaskDef(name, d -> {
      d.setRetryCount(2);
      d.setRetryDelaySeconds(1);
    });
    String wf = uniq("http_retry");
    WorkflowTask node = http("call", map("uri", url("/flaky/" + name), "method", "GET"));
    node.setName(name);
    registerWorkflow(wf, List.of(node), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);
    List<Task> attempts = attempts(w, "call");
    assertEquals(List.of(Task.Status.FAILED, Task.Status.FAILED, Task.Status.COMPLETED),
        attempts.stream().map(Task::getStatus).toList(), Describe.workflow(w));
    assertEquals(List.of(0, 1, 2), attempts.stream().map(Task::getRetryCount).toList());
    assertEquals(500, ((Number) response(attempts.get(0)).get("statusCode")).intValue());
    assertEquals(3, ((Number) ((Map<?, ?>) response(attempts.get(2)).get("body")).get("attempt")).intValue());
    assertTrue(attempts.get(1).getStartTime() - attempts.get(0).getEndTime() >= 900,
        "retryDelaySeconds is honoured: " + Describe.task(attempts.get(1)));
    assertEquals(3, calls.get(name).get());
  }

  @Test
  void asyncCompleteLeavesTheTaskInProgressUntilUpdated() {
    String wf = uniq("http_async");
    WorkflowTask node = http("call", map("uri", url("/json"), "method", "GET"));
    node.setAsyncComplete(true);
    registerWorkflow(wf, List.of(node), null);
    String id = start(wf, map());
    Task call = awaitWorkflow("HTTP answered, still IN_PROGRESS", id, DONE, w -> {
      Task t = w.getTaskByRefName("call");
      return t != null && t.getStatus() == Task.Status.IN_PROGRESS && t.getOutputData().containsKey("response");
    }).getTaskByRefName("call");
    assertInstanceOf(Map.class, call.getOutputData().get("response"));
    taskClient.updateTask(TestWorker.result(call, TaskResult.Status.COMPLETED, null, map("done", true)));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("done", true), w.getTaskByRefName("call").getOutputData());
    assertFalse(w.getTasks().isEmpty());
  }
}
