package io.conductorvx.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input against every route the API mounts: malformed JSON, wrong types, empty bodies, unknown
 * ids, bad query parameters, oversized bodies, unknown routes and wrong methods. Each case must get
 * its exact 4xx in Conductor's error body, the server must keep answering normally, and nothing a
 * rejected request carried may have been written. No request of the whole suite may get a 5xx.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
  private static final int MAX_BODY = 65_536;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Path API_SOURCES = Path.of("src/main/java/io/conductorvx/api");
  private static final Pattern ROUTE = Pattern.compile("\\br\\.(get|post|put|delete|patch|head|options)\\(\"([^\"]+)\"\\)");

  private static ConductorServer server;
  /** The JDK client, blocking on the test thread; connections are kept alive and reused. */
  private static HttpClient http;

  /** Every request of the suite that got a 5xx: must stay empty. */
  private static final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
  private static final Map<String, Integer> casesPerCategory = Collections.synchronizedMap(new TreeMap<>());

  // fixtures: a registered task and workflow, one execution still running and one completed
  private static final String TASK = "bi_task";
  private static final String WF = "bi_wf";
  private static final String HANDLER =
      "{\"name\":\"bi_handler\",\"event\":\"conductor:bi_wf:nothing\",\"actions\":[{\"action\":\"complete_task\"}]}";
  private static String wfRunning;
  private static String taskRunning;
  private static String wfDone;
  private static String taskDone;

  /** What one HTTP exchange answered. */
  record Resp(int status, String contentType, String body, boolean closing) {
    Resp(int status, String contentType, String body) {
      this(status, contentType, body, false);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** One bad request and what it must get. {@code route} is the mounted route it targets. */
  record Case(String category, String name, String route, String method, String path, byte[] body,
      String contentType, int expected, Consumer<Resp> extra) {}

  // ---------------------------------------------------------------- lifecycle

  @BeforeAll
  static void startServer(Vertx vertx) throws Exception {
    ServerConfig config = ServerConfig.fromJson(new JsonObject()
        .put("port", 0)
        .put("maxBodyBytes", MAX_BODY)
        .put("httpInstances", 2)
        .put("deciderPartitions", 2));
    // building the JDK client sets up TLS, which takes a while: do it while the server starts
    CompletableFuture<HttpClient> client = CompletableFuture.supplyAsync(() -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build());
    server = ConductorServer.start(vertx, config).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    http = client.get(20, TimeUnit.SECONDS);
    createFixtures();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    System.out.println("BadInputTest cases per category: " + casesPerCategory);
  }

  private static void createFixtures() {
    expect(200, send("POST", "/api/metadata/taskdefs",
        "[{\"name\":\"" + TASK + "\",\"retryCount\":2,\"responseTimeoutSeconds\":600}]"));
    expect(200, send("POST", "/api/metadata/workflow", workflowDef(WF, 1)));
    expect(200, send("POST", "/api/metadata/workflow", workflowDef("bi_deep", 1)));
    expect(200, send("POST", "/api/event", HANDLER));

    wfDone = startWorkflow();
    taskDone = pollOne();
    expect(200, send("POST", "/api/tasks", taskResult(wfDone, taskDone, "COMPLETED")));
    assertEquals("COMPLETED", workflow(wfDone).getString("status"));

    wfRunning = startWorkflow();
    taskRunning = pollOne();
    assertEquals("IN_PROGRESS", task(taskRunning).getString("status"));
  }

  // ---------------------------------------------------------------- the cases

  @TestFactory
  @Order(1)
  Stream<DynamicTest> explicitCases() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(
        "[" + c.category() + "] " + c.name() + ": " + c.method() + " " + c.path() + " -> " + c.expected(),
        () -> run(c)));
  }

  /** PATCH is mounted nowhere: on every route's path it is a 405, in the error body. */
  @TestFactory
  @Order(2)
  Stream<DynamicTest> wrongMethodOnEveryRoute() {
    List<String[]> routes = mountedRoutes();
    for (String[] r : routes) {
      assertNotEquals("PATCH", r[0], "the suite uses PATCH as the method no route has");
    }
    return routes.stream().map(r -> {
      String path = concrete(r[1]);
      Case c = new Case("wrong method", "PATCH on " + r[0] + " " + r[1], null, "PATCH", path, json("{}"), null, 405, null);
      return DynamicTest.dynamicTest("[wrong method] PATCH " + path, () -> run(c));
    });
  }

  /**
   * Every mounted route with unknown ids in its path and a malformed JSON body: whatever the route
   * does with a body, the answer is a 2xx or a 4xx in the error body, never a 5xx or a hang.
   */
  @TestFactory
  @Order(3)
  Stream<DynamicTest> malformedBodyOnEveryRoute() {
    return mountedRoutes().stream().map(r -> DynamicTest.dynamicTest(
        "[sweep] " + r[0] + " " + concrete(r[1]) + " with body '{'", () -> {
          count("sweep (any route, malformed body, unknown ids)");
          Resp resp = send(r[0], concrete(r[1]), json("{"), "application/json");
          assertTrue(resp.status() < 500, () -> r[0] + " " + r[1] + " answered " + resp);
          if (resp.status() >= 400) {
            assertErrorBody(resp, resp.status());
          }
          assertHealthy();
        }));
  }

  /** Every route the resources mount has at least one explicit case, and every case targets a real route. */
  @Test
  @Order(4)
  void everyRouteHasExplicitCases() {
    Set<String> mounted = new LinkedHashSet<>();
    mountedRoutes().forEach(r -> mounted.add(r[0] + " " + r[1]));
    Set<String> targeted = new LinkedHashSet<>();
    for (Case c : cases()) {
      if (c.route() != null) {
        targeted.add(c.route());
      }
    }
    Set<String> unknown = new LinkedHashSet<>(targeted);
    unknown.removeAll(mounted);
    assertTrue(unknown.isEmpty(), "cases target routes that are not mounted: " + unknown);
    Set<String> uncovered = new LinkedHashSet<>(mounted);
    uncovered.removeAll(targeted);
    assertTrue(uncovered.isEmpty(), "mounted routes without a bad-input case in BadInputTest.cases(): " + uncovered);
  }

  /**
   * Cases that need a raw socket: a huge declared Content-Length, bad percent-encoding, and a
   * request line or header beyond the HTTP codec's limits.
   */
  @Test
  @Order(5)
  void rawProtocolCases() throws IOException {
    // a body the client announces as far too large is refused before it is sent
    count("oversized body (413)");
    Resp declared = raw("POST /api/metadata/taskdefs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100000000\r\n\r\n[");
    assertEquals(413, declared.status(), declared::toString);
    assertErrorBody(declared, 413);
    assertHealthy();

    // broken percent-encoding in a path segment and in a query value
    count("bad encoding");
    Resp badPath = raw("GET /api/workflow/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(400, badPath.status(), badPath::toString);
    assertErrorBody(badPath, 400);
    assertHealthy();

    count("bad encoding");
    Resp badQuery = raw("GET /api/workflow/" + wfRunning + "?includeTasks=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(400, badQuery.status(), badQuery::toString);
    assertErrorBody(badQuery, 400);
    assertHealthy();

    count("bad encoding");
    Resp badBatchQuery = raw("GET /api/tasks/poll/batch/" + TASK + "?count=%G1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(400, badBatchQuery.status(), badBatchQuery::toString);
    assertErrorBody(badBatchQuery, 400);
    assertHealthy();

    // a request line or headers beyond the HTTP codec's limits: refused before routing
    count("oversized request line / headers");
    Resp longUri = raw("GET /api/workflow/" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(414, longUri.status(), longUri::toString);
    assertHealthy();
    count("oversized request line / headers");
    Resp bigHeader = raw("GET /api/workflow/" + wfRunning + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n");
    assertEquals(431, bigHeader.status(), bigHeader::toString);
    assertHealthy();
  }

  /**
   * Clients keep connections alive: after each kind of bad request, the next request on the same
   * connection is answered normally (or the server said it closes the connection, and did).
   */
  @TestFactory
  @Order(6)
  Stream<DynamicTest> keepAliveAfterBadInput() {
    byte[] big = big('[');
    Map<String, byte[]> firsts = new LinkedHashMap<>();
    firsts.put("malformed JSON (400)", rawRequest("POST /api/metadata/taskdefs", "application/json", json("[1,")));
    firsts.put("unknown id (404)", rawRequest("GET /api/workflow/bi-unknown-id", null, null));
    firsts.put("unknown route with a body (404)", rawRequest("POST /api/nope", "application/json", json("{\"a\":1}")));
    firsts.put("wrong method with a body (405)", rawRequest("PATCH /api/workflow/" + wfRunning, "application/json", json("{}")));
    firsts.put("wrong method with a body outside /api (405)", rawRequest("POST /health", "application/json", json("{}")));
    firsts.put("bad query parameter (400)", rawRequest("GET /api/tasks/poll/batch/" + TASK + "?timeout=6000", null, null));
    firsts.put("undecodable path (400)", rawRequest("GET /api/workflow/%zz", null, null));
    firsts.put("oversized body with Content-Length (413)", rawRequest("POST /api/metadata/taskdefs", "application/json", big));
    String hex = Integer.toHexString(big.length);
    firsts.put("oversized chunked body (413)", concat(json("POST /api/metadata/taskdefs HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + hex + "\r\n"), big, json("\r\n0\r\n\r\n")));
    return firsts.entrySet().stream().map(e -> DynamicTest.dynamicTest("[keep-alive] " + e.getKey(), () -> {
      count("keep-alive after bad input");
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(e.getValue());
        out.flush();
        Resp first = readResponse(in);
        assertNotNull(first, "no answer to the bad request");
        assertTrue(first.status() >= 400 && first.status() < 500, first::toString);
        assertErrorBody(first, first.status());
        out.write(json("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
        out.flush();
        Resp next = readResponse(in);
        if (first.closing()) {
          assertEquals(null, next, "the server announced Connection: close but answered again");
        } else {
          assertNotNull(next, "the server closed the connection without saying so");
          assertEquals(200, next.status(), next::toString);
        }
      } catch (java.net.SocketTimeoutException timeout) {
        throw new AssertionError("no answer on the kept-alive connection after " + e.getKey(), timeout);
      }
      assertHealthy();
    }));
  }

  private static byte[] rawRequest(String requestLine, String contentType, byte[] body) {
    String head = requestLine + " HTTP/1.1\r\nHost: x\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
    return concat(json(head), body == null ? new byte[0] : body);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * Nesting near the parser's depth limit: a start either is refused with a 400 or succeeds, and
   * then the workflow and its task read back (no 500 from writing or reading what was accepted),
   * as JSON this client's parser, with Jackson's default limits, can read.
   */
  @Test
  @Order(7)
  void deeplyNestedInputIsRefusedOrReadable() {
    for (int depth : new int[] {200, 895, 899, 900, 901, 990, 999, 1000, 1001, 5000}) {
      count("deep nesting");
      String input = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      Resp started = send("POST", "/api/workflow/bi_deep", input);
      assertTrue(started.status() == 200 || started.status() == 400, () -> "depth " + depth + ": " + started);
      if (started.status() == 400) {
        assertErrorBody(started, 400);
      } else {
        String id = started.body();
        Resp read = send("GET", "/api/workflow/" + id, (byte[]) null, null);
        assertEquals(200, read.status(), () -> "depth " + depth + ": started " + id + " but reading it gave " + read);
        String taskId = pollOne("bi_deep_task");
        Resp done = send("POST", "/api/tasks", taskResult(id, taskId, "COMPLETED"));
        assertEquals(200, done.status(), () -> "depth " + depth + ": " + done);
        Resp after = send("GET", "/api/workflow/" + id, (byte[]) null, null);
        assertEquals(200, after.status(), () -> "depth " + depth + ": " + after);
        assertEquals("COMPLETED", after.json().getString("status"));
      }
      assertHealthy();
    }
  }

  /**
   * Definitions, starts and results that spell optional fields as null (as some clients do) run
   * like ones that leave them out; no request on the way gets a 5xx.
   */
  @Test
  @Order(8)
  void nullFieldsRunLikeAbsentOnes() {
    count("null fields (full run)");
    expect(200, send("POST", "/api/metadata/taskdefs", "[{\"name\":\"bi_null_task\",\"retryCount\":1,\"retryDelaySeconds\":0,"
        + "\"timeoutPolicy\":null,\"retryLogic\":null,\"inputKeys\":null,\"outputKeys\":null,\"inputTemplate\":null,"
        + "\"description\":null,\"concurrentExecLimit\":null,\"pollTimeoutSeconds\":null,\"inputSchema\":null}]"));
    expect(200, send("POST", "/api/metadata/workflow", "{\"name\":\"bi_null_wf\",\"description\":null,\"version\":1,"
        + "\"inputParameters\":null,\"outputParameters\":null,\"variables\":null,\"inputTemplate\":null,\"timeoutPolicy\":null,"
        + "\"failureWorkflow\":null,\"metadata\":null,\"tasks\":[{\"name\":\"bi_null_task\",\"taskReferenceName\":\"n1\","
        + "\"type\":null,\"inputParameters\":null,\"decisionCases\":null,\"defaultCase\":null,\"forkTasks\":null,"
        + "\"loopOver\":null,\"joinOn\":null,\"taskDefinition\":null,\"retryCount\":null,\"onStateChange\":null}]}"));
    Resp started = send("POST", "/api/workflow", "{\"name\":\"bi_null_wf\",\"version\":null,\"correlationId\":null,"
        + "\"input\":{\"a\":null},\"taskToDomain\":null,\"workflowDef\":null,\"priority\":null}");
    expect(200, started);
    String id = started.body();
    String first = pollOne("bi_null_task");
    expect(200, send("POST", "/api/tasks", "{\"workflowInstanceId\":\"" + id + "\",\"taskId\":\"" + first
        + "\",\"status\":\"FAILED\",\"outputData\":null,\"logs\":null,\"reasonForIncompletion\":null,\"workerId\":null}"));
    String retry = pollOne("bi_null_task");
    assertNotEquals(first, retry);
    expect(204, send("POST", "/api/tasks/update-v2", "{\"workflowInstanceId\":\"" + id + "\",\"taskId\":\"" + retry
        + "\",\"status\":\"COMPLETED\",\"outputData\":null,\"logs\":[null,{\"log\":null}]}"));
    assertEquals("COMPLETED", workflow(id).getString("status"));
    expect(200, send("GET", "/api/workflow/" + id + "/status?includeOutput=true&includeVariables=true", (byte[]) null, null));
    expect(200, send("GET", "/api/workflow/" + id + "/tasks?status=COMPLETED", (byte[]) null, null));
    assertHealthy();
  }

  /** Bad requests of every kind at once, on many connections: each gets its own 4xx, and the server goes on. */
  @Test
  @Order(9)
  void concurrentBadInput() throws Exception {
    List<Case> all = cases().stream().filter(c -> c.expected() >= 400 && !"chunked".equals(c.contentType())).toList();
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (Case c : all) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + c.path()))
            .timeout(REQUEST_TIMEOUT)
            .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
          req.header("Content-Type", c.contentType());
        }
        pending.add(http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString()));
      }
    }
    count("concurrent burst of bad requests");
    for (int i = 0; i < pending.size(); i++) {
      Case c = all.get(i % all.size());
      HttpResponse<String> r = pending.get(i).get(30, TimeUnit.SECONDS);
      if (r.statusCode() >= 500) {
        serverErrors.add("concurrent " + c.method() + " " + c.path() + " -> " + r.statusCode() + " " + r.body());
      }
      // conflicts and unknown ids do not depend on order; everything in the table is a rejection
      assertEquals(c.expected(), r.statusCode(), () -> "concurrent " + c.name() + ": " + r.body());
    }
    assertHealthy();
  }

  /** A callback far in the future, and other extreme numbers a worker may send, are no 500. */
  @Test
  @Order(10)
  void extremeNumbersInResults() {
    count("extreme numbers");
    String id = send("POST", "/api/workflow/bi_deep", "{}").body();
    String taskId = pollOne("bi_deep_task");
    Resp later = send("POST", "/api/tasks", "{\"workflowInstanceId\":\"" + id + "\",\"taskId\":\"" + taskId
        + "\",\"status\":\"IN_PROGRESS\",\"callbackAfterSeconds\":" + Long.MAX_VALUE + "}");
    assertTrue(later.status() == 200 || later.status() == 400, later::toString);
    Resp soon = send("POST", "/api/tasks", "{\"workflowInstanceId\":\"" + id + "\",\"taskId\":\"" + taskId
        + "\",\"status\":\"IN_PROGRESS\",\"callbackAfterSeconds\":-5,\"logs\":[{\"log\":\"x\",\"createdTime\":-1}]}");
    assertEquals(200, soon.status(), soon::toString);
    String again = pollOne("bi_deep_task");
    assertEquals(taskId, again, "a negative callback makes the task available at once");
    expect(200, send("POST", "/api/tasks", taskResult(id, taskId, "COMPLETED")));
    assertEquals("COMPLETED", workflow(id).getString("status"));
    assertHealthy();
  }

  /** A worker asking to be called back in (about) forever must not get the task back at once. */
  @Test
  @Order(11)
  void hugeCallbackDefersTheTask() {
    for (long callback : new long[] {Long.MAX_VALUE, Long.MAX_VALUE / 1000}) {
      String id = send("POST", "/api/workflow/bi_deep", "{}").body();
      String taskId = pollOne("bi_deep_task");
      expect(200, send("POST", "/api/tasks", "{\"workflowInstanceId\":\"" + id + "\",\"taskId\":\"" + taskId
          + "\",\"status\":\"IN_PROGRESS\",\"callbackAfterSeconds\":" + callback + "}"));
      Resp polled = send("GET", "/api/tasks/poll/batch/bi_deep_task?count=1&timeout=200", (byte[]) null, null);
      assertEquals("[]", polled.body(), "callbackAfterSeconds " + callback + " handed the task out again at once");
      assertEquals("SCHEDULED", task(taskId).getString("status"));
      expect(200, send("DELETE", "/api/workflow/" + id, (byte[]) null, null));
    }
  }

  /** A search value is matched literally apart from its '*' wildcards (even one containing "\\E"). */
  @Test
  @Order(12)
  void searchValueWithRegexCharactersIsLiteral() {
    Resp found = send("GET", "/api/workflow/search?query=workflowType%3D%22a%5CE(*%22", (byte[]) null, null);
    assertEquals(200, found.status(), found::toString);
    assertEquals(0, found.json().getInteger("totalHits"));
  }

  /** After everything above: nothing rejected was written, and the server works as before. */
  @Test
  @Order(100)
  void nothingPartiallyWrittenAndServerStillWorks() {
    // rejected task definitions: none of a list with one bad member was saved
    for (String name : List.of("bi_ok1", "bi_ok2", "bi_ok3", "bi_typed", "bi_big")) {
      assertEquals(404, send("GET", "/api/metadata/taskdefs/" + name, (byte[]) null, null).status(), name);
    }
    // the rejected update left the definition as it was
    JsonObject def = send("GET", "/api/metadata/taskdefs/" + TASK, (byte[]) null, null).json();
    assertEquals(2, def.getInteger("retryCount"));
    assertEquals(600, def.getInteger("responseTimeoutSeconds"));
    // rejected workflow definitions
    for (String name : List.of("bi_put1", "bi_put2", "bi_new", "bi_dup", "bi_typed_wf", "bi_nulls")) {
      assertEquals(404, send("GET", "/api/metadata/workflow/" + name, (byte[]) null, null).status(), name);
    }
    assertEquals(1, send("GET", "/api/metadata/workflow/" + WF, (byte[]) null, null).json().getInteger("version"));
    assertEquals(404, send("GET", "/api/metadata/workflow/" + WF + "?version=2", (byte[]) null, null).status());
    // rejected event handlers: only the fixture exists
    JsonArray handlers = new JsonArray(send("GET", "/api/event", (byte[]) null, null).body());
    assertEquals(1, handlers.size(), handlers::encode);
    assertEquals("bi_handler", handlers.getJsonObject(0).getString("name"));
    // rejected starts created no execution
    JsonArray running = new JsonArray(send("GET", "/api/workflow/running/" + WF + "?version=1", (byte[]) null, null).body());
    assertEquals(new JsonArray().add(wfRunning), running, "only the fixture is running");
    // rejected updates left the running task and the workflows alone
    JsonObject t = task(taskRunning);
    assertEquals("IN_PROGRESS", t.getString("status"));
    assertTrue(t.getJsonObject("outputData", new JsonObject()).isEmpty(), t::encode);
    assertEquals("RUNNING", workflow(wfRunning).getString("status"));
    assertEquals("COMPLETED", workflow(wfDone).getString("status"));
    assertEquals(204, send("GET", "/api/tasks/" + taskRunning + "/log", (byte[]) null, null).status(), "no log was added");

    // the server still works: finish the running workflow, then run a new one end to end
    expect(200, send("POST", "/api/tasks", taskResult(wfRunning, taskRunning, "COMPLETED")));
    assertEquals("COMPLETED", workflow(wfRunning).getString("status"));
    String id = startWorkflow();
    String taskId = pollOne();
    expect(200, send("POST", "/api/tasks", taskResult(id, taskId, "COMPLETED")));
    assertEquals("COMPLETED", workflow(id).getString("status"));
    assertHealthy();
  }

  @Test
  @Order(101)
  void noRequestGotA5xx() {
    assertTrue(serverErrors.isEmpty(), "requests that got a 5xx: " + serverErrors);
  }

  // ---------------------------------------------------------------- case table

  private static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    CaseBuilder b = new CaseBuilder(out);
    String W = wfRunning;
    String T = taskRunning;

    // ---- health
    b.route("GET /health");
    b.add("wrong method", "POST on /health", "POST", "/health", "{}", 405);
    b.add("wrong method", "DELETE on /health", "DELETE", "/health", null, 405);
    b.route("GET /api/health");
    b.add("wrong method", "POST on /api/health", "POST", "/api/health", "{}", 405);
    b.oversized("GET", "/api/health", '{');
    for (String path : new String[] {"/actuator/health", "/health/readiness", "/actuator/health/readiness",
        "/health/liveness", "/actuator/health/liveness"}) {
      b.route("GET " + path);
      b.add("wrong method", "POST on " + path, "POST", path, "{}", 405);
      b.add("wrong method", "DELETE on " + path, "DELETE", path, null, 405);
    }

    // ---- Prometheus scrapes
    for (String path : new String[] {"/metrics", "/actuator/prometheus"}) {
      b.route("GET " + path);
      b.add("wrong method", "POST on " + path, "POST", path, "{}", 405);
      b.add("wrong method", "PUT on " + path, "PUT", path, "{}", 405);
    }

    // ---- POST /api/metadata/taskdefs (TaskDef[])
    b.route("POST /api/metadata/taskdefs");
    b.malformed("POST", "/api/metadata/taskdefs");
    b.add("malformed JSON", "an object where a list is expected, with a bad member", "POST", "/api/metadata/taskdefs",
        "{\"retryCount\":\"abc\"}", 400);
    b.add("malformed JSON", "trailing garbage after the list", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_ok3\"}] garbage", 400);
    b.add("malformed JSON", "two documents", "POST", "/api/metadata/taskdefs", "[{\"name\":\"bi_ok3\"}][]", 400);
    b.add("empty body", "no body", "POST", "/api/metadata/taskdefs", "", 400);
    b.add("empty body", "whitespace only", "POST", "/api/metadata/taskdefs", "  \n ", 400);
    b.validation("empty list", "POST", "/api/metadata/taskdefs", "[]");
    b.validation("a null member", "POST", "/api/metadata/taskdefs", "[null]");
    b.add("wrong types", "retryCount \"abc\"", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_typed\",\"retryCount\":\"abc\"}]", 400);
    b.add("wrong types", "timeoutSeconds as an object", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_typed\",\"timeoutSeconds\":{}}]", 400);
    b.add("wrong types", "retryCount beyond int", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_typed\",\"retryCount\":99999999999999}]", 400);
    b.add("wrong types", "timeoutPolicy not an enum value", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_typed\",\"timeoutPolicy\":\"SOMETIMES\"}]", 400);
    b.add("wrong types", "retryLogic empty string", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_typed\",\"retryLogic\":\"\"}]", 400);
    b.add("wrong types", "inputKeys as an object", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_typed\",\"inputKeys\":{\"a\":1}}]", 400);
    b.add("wrong types", "list of lists", "POST", "/api/metadata/taskdefs", "[[{\"name\":\"bi_typed\"}]]", 400);
    b.validation("one good and one nameless definition: none written", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_ok1\"},{\"name\":\"\"}]");
    b.validation("one good and one with a negative retryCount: none written", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_ok2\"},{\"name\":\"bi_ok3\",\"retryCount\":-1}]");
    b.validation("responseTimeoutSeconds 0", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_ok1\",\"responseTimeoutSeconds\":0}]");
    b.validation("responseTimeout above timeout", "POST", "/api/metadata/taskdefs",
        "[{\"name\":\"bi_ok1\",\"timeoutSeconds\":10,\"responseTimeoutSeconds\":20}]");
    b.validation("backoffScaleFactor 0", "POST", "/api/metadata/taskdefs", "[{\"name\":\"bi_ok1\",\"backoffScaleFactor\":0}]");
    b.oversized("POST", "/api/metadata/taskdefs", '[');
    b.oversizedChunked("POST", "/api/metadata/taskdefs", '[');

    // ---- PUT /api/metadata/taskdefs (TaskDef)
    b.route("PUT /api/metadata/taskdefs");
    b.malformed("PUT", "/api/metadata/taskdefs");
    b.add("empty body", "no body", "PUT", "/api/metadata/taskdefs", "", 400);
    b.add("wrong types", "a list where an object is expected", "PUT", "/api/metadata/taskdefs",
        "[{\"name\":\"" + TASK + "\"}]", 400);
    b.add("wrong types", "retryCount \"abc\"", "PUT", "/api/metadata/taskdefs",
        "{\"name\":\"" + TASK + "\",\"retryCount\":\"abc\"}", 400);
    b.add("wrong types", "name as an object", "PUT", "/api/metadata/taskdefs", "{\"name\":{}}", 400);
    b.validation("negative retryCount leaves the definition unchanged", "PUT", "/api/metadata/taskdefs",
        "{\"name\":\"" + TASK + "\",\"retryCount\":-1}");
    b.add("unknown ids", "unknown task definition", "PUT", "/api/metadata/taskdefs", "{\"name\":\"bi_nope\"}", 404);
    b.oversized("PUT", "/api/metadata/taskdefs", '{');

    // ---- GET /api/metadata/taskdefs
    b.route("GET /api/metadata/taskdefs");
    b.add("wrong method", "DELETE without a name", "DELETE", "/api/metadata/taskdefs", null, 405);

    // ---- GET/DELETE /api/metadata/taskdefs/:name
    b.route("GET /api/metadata/taskdefs/:name");
    b.add("unknown ids", "unknown task definition", "GET", "/api/metadata/taskdefs/bi_nope", null, 404);
    b.add("unknown ids", "blank name", "GET", "/api/metadata/taskdefs/%20", null, 400);
    b.route("DELETE /api/metadata/taskdefs/:name");
    b.add("unknown ids", "unknown task definition", "DELETE", "/api/metadata/taskdefs/bi_nope", null, 404);
    b.add("wrong method", "POST on a definition", "POST", "/api/metadata/taskdefs/" + TASK, "{}", 405);

    // ---- POST /api/metadata/workflow/validate
    b.route("POST /api/metadata/workflow/validate");
    b.malformed("POST", "/api/metadata/workflow/validate");
    b.add("empty body", "no body", "POST", "/api/metadata/workflow/validate", "", 400);
    b.add("wrong types", "a list where an object is expected", "POST", "/api/metadata/workflow/validate",
        "[" + workflowDef("bi_new", 1) + "]", 400);
    b.add("wrong types", "tasks as a string", "POST", "/api/metadata/workflow/validate",
        "{\"name\":\"bi_new\",\"tasks\":\"abc\"}", 400);
    b.validation("no tasks", "POST", "/api/metadata/workflow/validate", "{\"name\":\"bi_new\",\"tasks\":[]}");
    b.validation("schemaVersion 1", "POST", "/api/metadata/workflow/validate",
        workflowDef("bi_new", 1).replace("\"schemaVersion\":2", "\"schemaVersion\":1"));
    b.validation("no name", "POST", "/api/metadata/workflow/validate", workflowDef("", 1));
    b.validation("a reference to a task the workflow does not have", "POST", "/api/metadata/workflow/validate",
        "{\"name\":\"bi_new\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"inputParameters\":{\"x\":\"${ghost.output}\"}}]}");
    b.validation("a SWITCH without evaluatorType and expression", "POST", "/api/metadata/workflow/validate",
        "{\"name\":\"bi_new\",\"tasks\":[{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SWITCH\","
        + "\"decisionCases\":{\"a\":[{\"name\":\"a\",\"taskReferenceName\":\"a\"}]}}]}");
    b.validation("a FORK_JOIN without its JOIN", "POST", "/api/metadata/workflow/validate",
        "{\"name\":\"bi_new\",\"tasks\":[{\"name\":\"f\",\"taskReferenceName\":\"f\",\"type\":\"FORK_JOIN\","
        + "\"forkTasks\":[[{\"name\":\"a\",\"taskReferenceName\":\"a\"}]]}]}");
    b.validation("a nested duplicate reference name", "POST", "/api/metadata/workflow/validate",
        "{\"name\":\"bi_new\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\"},{\"name\":\"l\","
        + "\"taskReferenceName\":\"l\",\"type\":\"DO_WHILE\",\"loopCondition\":\"false\",\"loopOver\":[{\"name\":\"a\","
        + "\"taskReferenceName\":\"a\"}]}]}");
    for (String field : List.of("decisionCases", "defaultCase", "forkTasks", "loopOver", "inputParameters", "joinOn")) {
      b.add("null as absent (200)", field + " null is no " + field, "POST", "/api/metadata/workflow/validate",
          "{\"name\":\"bi_new\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"" + field + "\":null}]}", 200);
    }
    b.oversized("POST", "/api/metadata/workflow/validate", '{');

    // ---- GET lists
    b.route("GET /api/metadata/workflow/latest-versions");
    b.add("wrong method", "POST on latest-versions", "POST", "/api/metadata/workflow/latest-versions", "{}", 405);
    b.route("GET /api/metadata/workflow/names-and-versions");
    b.add("wrong method", "DELETE on names-and-versions", "DELETE", "/api/metadata/workflow/names-and-versions", null, 405);
    b.route("GET /api/metadata/workflow/names");
    b.add("wrong method", "PUT on names", "PUT", "/api/metadata/workflow/names", "[]", 405);

    // ---- POST /api/metadata/workflow (WorkflowDef)
    b.route("POST /api/metadata/workflow");
    b.malformed("POST", "/api/metadata/workflow");
    b.add("empty body", "no body", "POST", "/api/metadata/workflow", "", 400);
    b.add("wrong types", "version \"x\"", "POST", "/api/metadata/workflow",
        workflowDef("bi_typed_wf", 1).replace("\"version\":1", "\"version\":\"x\""), 400);
    b.add("wrong types", "inputParameters of a task as a list", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_typed_wf\",\"tasks\":[{\"name\":\"t\",\"taskReferenceName\":\"t\",\"inputParameters\":[1]}]}", 400);
    b.add("wrong types", "a task as a string", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_typed_wf\",\"tasks\":[\"t\"]}", 400);
    b.add("wrong types", "restartable \"maybe\"", "POST", "/api/metadata/workflow",
        workflowDef("bi_typed_wf", 1).replace("{\"name\"", "{\"restartable\":\"maybe\",\"name\""), 400);
    b.validation("duplicate task reference names", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_dup\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"r\"},{\"name\":\"b\",\"taskReferenceName\":\"r\"}]}");
    b.validation("negative version", "POST", "/api/metadata/workflow", workflowDef("bi_new", -1));
    b.validation("a null task", "POST", "/api/metadata/workflow", "{\"name\":\"bi_new\",\"tasks\":[null]}");
    b.add("invalid values", "a null decision case", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_nulls\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"decisionCases\":{\"x\":null}}]}", 400);
    b.add("invalid values", "a null fork branch", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_nulls\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"forkTasks\":[null]}]}", 400);
    b.validation("a null task in loopOver", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_nulls\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"loopOver\":[null]}]}");
    b.validation("a null task in defaultCase", "POST", "/api/metadata/workflow",
        "{\"name\":\"bi_nulls\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"defaultCase\":[null]}]}");
    b.add("conflicts", "already exists without overwrite", "POST", "/api/metadata/workflow", workflowDef(WF, 1), 409);
    b.add("bad query params", "overwrite=maybe", "POST", "/api/metadata/workflow?overwrite=maybe", workflowDef("bi_new", 1), 400);
    b.oversized("POST", "/api/metadata/workflow", '{');
    b.oversizedChunked("POST", "/api/metadata/workflow", '{');

    // ---- PUT /api/metadata/workflow (WorkflowDef[])
    b.route("PUT /api/metadata/workflow");
    b.malformed("PUT", "/api/metadata/workflow");
    b.add("empty body", "no body", "PUT", "/api/metadata/workflow", "", 400);
    b.add("wrong types", "a list of numbers", "PUT", "/api/metadata/workflow", "[1,2]", 400);
    b.validation("empty list", "PUT", "/api/metadata/workflow", "[]");
    b.validation("a null member", "PUT", "/api/metadata/workflow", "[null]");
    b.validation("one good and one without tasks: none written", "PUT", "/api/metadata/workflow",
        "[" + workflowDef("bi_put1", 1) + ",{\"name\":\"bi_put2\",\"tasks\":[]}]");
    b.add("wrong types", "one good and one with a wrongly typed version: none written", "PUT", "/api/metadata/workflow",
        "[" + workflowDef("bi_put1", 1) + "," + workflowDef("bi_put2", 1).replace("\"version\":1", "\"version\":[1]") + "]", 400);
    b.oversized("PUT", "/api/metadata/workflow", '[');

    // ---- GET /api/metadata/workflow, /:name/versions, /:name, DELETE /:name/:version
    b.route("GET /api/metadata/workflow");
    b.add("wrong method", "DELETE without a name", "DELETE", "/api/metadata/workflow", null, 405);
    b.route("GET /api/metadata/workflow/:name/versions");
    b.add("wrong method", "POST on versions", "POST", "/api/metadata/workflow/" + WF + "/versions", "{}", 405);
    b.route("GET /api/metadata/workflow/:name");
    b.add("unknown ids", "unknown workflow definition", "GET", "/api/metadata/workflow/bi_nope", null, 404);
    b.add("unknown ids", "unknown version", "GET", "/api/metadata/workflow/" + WF + "?version=99", null, 404);
    b.add("bad query params", "version=x", "GET", "/api/metadata/workflow/" + WF + "?version=x", null, 400);
    b.add("bad query params", "version=1.5", "GET", "/api/metadata/workflow/" + WF + "?version=1.5", null, 400);
    b.add("bad query params", "version beyond int", "GET", "/api/metadata/workflow/" + WF + "?version=99999999999", null, 400);
    b.route("DELETE /api/metadata/workflow/:name/:version");
    b.add("unknown ids", "unknown workflow definition", "DELETE", "/api/metadata/workflow/bi_nope/1", null, 404);
    b.add("unknown ids", "unknown version", "DELETE", "/api/metadata/workflow/" + WF + "/99", null, 404);
    b.add("bad query params", "version x in the path", "DELETE", "/api/metadata/workflow/" + WF + "/x", null, 400);

    // ---- POST /api/workflow (StartWorkflowRequest)
    b.route("POST /api/workflow");
    b.malformed("POST", "/api/workflow");
    b.route("POST /api/workflow/test");
    b.malformed("POST", "/api/workflow/test");
    b.add("empty body", "no body", "POST", "/api/workflow/test", "", 400);
    b.add("wrong types", "mocks as a list", "POST", "/api/workflow/test",
        "{\"name\":\"" + WF + "\",\"taskRefToMockOutput\":[1]}", 400);
    b.add("wrong types", "mock status BOGUS", "POST", "/api/workflow/test",
        "{\"name\":\"" + WF + "\",\"taskRefToMockOutput\":{\"t\":[{\"status\":\"BOGUS\"}]}}", 400);
    b.add("unknown ids", "unknown workflow name", "POST", "/api/workflow/test", "{\"name\":\"bi_no_such_wf\",\"input\":{}}", 404);
    b.route("POST /api/workflow");
    b.add("empty body", "no body", "POST", "/api/workflow", "", 400);
    b.add("wrong types", "priority \"high\"", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"priority\":\"high\"}", 400);
    b.add("wrong types", "input as a list", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"input\":[1,2]}", 400);
    b.add("wrong types", "input as a string", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"input\":\"x\"}", 400);
    b.add("wrong types", "version \"x\"", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"version\":\"x\"}", 400);
    b.add("wrong types", "taskToDomain values as lists", "POST", "/api/workflow",
        "{\"name\":\"" + WF + "\",\"taskToDomain\":{\"a\":[1]}}", 400);
    b.add("wrong types", "workflowDef as a string", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"workflowDef\":\"x\"}", 400);
    b.add("wrong types", "a list where an object is expected", "POST", "/api/workflow", "[{\"name\":\"" + WF + "\"}]", 400);
    b.add("invalid values", "priority 100", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"priority\":100}", 400);
    b.add("invalid values", "priority -1", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"priority\":-1}", 400);
    b.add("wrong types", "priority beyond int", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"priority\":99999999999}", 400);
    b.add("wrong types", "priority beyond long", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"priority\":1" + "0".repeat(30) + "}", 400);
    b.add("invalid values", "input null", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"input\":null}", 400);
    b.add("invalid values", "no name", "POST", "/api/workflow", "{}", 400);
    b.add("invalid values", "embedded definition without tasks", "POST", "/api/workflow",
        "{\"name\":\"" + WF + "\",\"workflowDef\":{\"name\":\"" + WF + "\",\"tasks\":[]}}", 400);
    b.validation("an embedded definition broken in its sub-workflow", "POST", "/api/workflow",
        "{\"name\":\"bi_new\",\"workflowDef\":{\"name\":\"bi_new\",\"tasks\":[{\"name\":\"s\",\"taskReferenceName\":\"s\","
        + "\"type\":\"SUB_WORKFLOW\",\"subWorkflowParam\":{\"workflowDefinition\":{\"name\":\"c\",\"tasks\":[]}}}]}}");
    b.add("invalid values", "embedded definition with a null fork branch", "POST", "/api/workflow",
        "{\"name\":\"" + WF + "\",\"workflowDef\":{\"name\":\"" + WF + "\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\",\"forkTasks\":[null]}]}}", 400);
    b.add("unknown ids", "unknown workflow name", "POST", "/api/workflow", "{\"name\":\"bi_nope\"}", 404);
    b.add("unknown ids", "unknown version", "POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"version\":99}", 404);
    b.oversized("POST", "/api/workflow", '{');
    b.oversizedChunked("POST", "/api/workflow", '{');

    // ---- POST /api/workflow/:name (input map)
    b.route("POST /api/workflow/:name");
    b.malformed("POST", "/api/workflow/" + WF);
    b.add("empty body", "no body", "POST", "/api/workflow/" + WF, "", 400);
    b.add("wrong types", "input as a list", "POST", "/api/workflow/" + WF, "[1,2]", 400);
    b.add("wrong types", "input as a number", "POST", "/api/workflow/" + WF, "42", 400);
    b.add("bad query params", "priority=100", "POST", "/api/workflow/" + WF + "?priority=100", "{}", 400);
    b.add("bad query params", "priority=-1", "POST", "/api/workflow/" + WF + "?priority=-1", "{}", 400);
    b.add("bad query params", "priority=abc", "POST", "/api/workflow/" + WF + "?priority=abc", "{}", 400);
    b.add("bad query params", "version=x", "POST", "/api/workflow/" + WF + "?version=x", "{}", 400);
    b.add("unknown ids", "unknown workflow name", "POST", "/api/workflow/bi_nope", "{}", 404);
    b.add("unknown ids", "unknown version", "POST", "/api/workflow/" + WF + "?version=99", "{}", 404);
    b.oversized("POST", "/api/workflow/" + WF, '{');
    b.add("malformed JSON", "nesting beyond the parser's limit", "POST", "/api/workflow/" + WF,
        "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400);


    // ---- POST /api/workflow/execute/:name/:version (StartWorkflowRequest; waits for the outcome)
    b.route("POST /api/workflow/execute/:name/:version");
    String execute = "/api/workflow/execute/" + WF + "/1";
    b.add("malformed JSON", "unterminated object", "POST", execute, "{", 400);
    b.add("empty body", "no body", "POST", execute, "", 400);
    b.add("wrong types", "input as a list", "POST", execute, "{\"input\":[1]}", 400);
    b.add("wrong types", "version not a number", "POST", "/api/workflow/execute/" + WF + "/one", "{}", 400);
    b.add("unknown ids", "unknown workflow definition", "POST", "/api/workflow/execute/bi_no_such_flow/1", "{}", 404);
    b.add("bad query params", "waitForSeconds=-1", "POST", execute + "?waitForSeconds=-1", "{}", 400);
    b.add("bad query params", "waitForSeconds=abc", "POST", execute + "?waitForSeconds=abc", "{}", 400);
    b.add("bad query params", "returnStrategy=BOGUS", "POST", execute + "?returnStrategy=BOGUS", "{}", 400);
    b.oversized("POST", execute, '{');

    // ---- POST /api/workflow/:workflowId/variables (a map merged into the variables)
    b.route("POST /api/workflow/:workflowId/variables");
    String variables = "/api/workflow/" + W + "/variables";
    b.add("malformed JSON", "unterminated object", "POST", variables, "{", 400);
    b.add("empty body", "no body", "POST", variables, "", 400);
    b.add("wrong types", "variables as a list", "POST", variables, "[1]", 400);
    b.add("wrong types", "variables as a string", "POST", variables, "\"x\"", 400);
    b.add("unknown ids", "unknown workflow", "POST", "/api/workflow/bi-unknown-id/variables", "{}", 404);
    b.oversized("POST", variables, '{');

    // ---- GET /api/workflow/search and /search-v2
    for (String search : List.of("/api/workflow/search", "/api/workflow/search-v2")) {
      b.search(search);
      b.add("bad query params", "size=abc", "GET", search + "?size=abc", null, 400);
      b.add("bad query params", "size=-1", "GET", search + "?size=-1", null, 400);
      b.add("bad query params", "start beyond int", "GET", search + "?start=99999999999", null, 400);
      b.add("bad query params", "topLevelOnly=maybe", "GET", search + "?topLevelOnly=maybe", null, 400);
      b.add("bad query params", "query with an unclosed IN", "GET", search + "?query=status%20IN%20(RUNNING", null, 400);
      b.add("bad query params", "sort without a field", "GET", search + "?sort=%3AASC", null, 400);
      b.add("valid edge values (2xx)", "sort of separators only is no sort", "GET", search + "?sort=%3B%3B", null, 200);
      b.add("bad query params", "sort with an empty field", "GET", search + "?sort=startTime%3ADESC%3B%3AASC", null, 400);
      b.add("valid edge values (2xx)", "start at the largest int", "GET", search + "?start=2147483647&size=5000", null, 200);
      b.add("valid edge values (2xx)", "sort by an unknown field", "GET", search + "?sort=bogusField%3ADESC", null, 200);
    }

    // ---- /api/workflow/bulk/* (workflow ids)
    String[][] bulks = {{"PUT", "pause"}, {"PUT", "resume"}, {"POST", "restart"}, {"POST", "retry"},
        {"POST", "terminate"}, {"DELETE", "remove"}};
    String tooMany = "[" + String.join(",", java.util.Collections.nCopies(1001, "\"bi-unknown-id\"")) + "]";
    for (String[] bulk : bulks) {
      String path = "/api/workflow/bulk/" + bulk[1];
      b.route(bulk[0] + " " + path);
      b.add("malformed JSON", "unterminated list", bulk[0], path, "[\"a\",", 400);
      b.add("malformed JSON", "null", bulk[0], path, "null", 400);
      b.add("empty body", "no body", bulk[0], path, "", 400);
      b.add("wrong types", "an object where a list of ids is expected", bulk[0], path, "{\"ids\":[\"a\"]}", 400);
      b.add("wrong types", "a list of lists", bulk[0], path, "[[\"a\"]]", 400);
      b.add("invalid values", "more than 1000 ids", bulk[0], path, tooMany, 400);
      b.bulkUnknown(bulk[0], path);
      b.oversized(bulk[0], path, '[');
    }
    b.route("POST /api/workflow/bulk/restart");
    b.add("bad query params", "useLatestDefinitions=maybe", "POST", "/api/workflow/bulk/restart?useLatestDefinitions=maybe",
        "[\"bi-unknown-id\"]", 400);
    b.add("wrong method", "GET on a bulk operation", "GET", "/api/workflow/bulk/retry", null, 405);

    // ---- operator actions on one workflow
    b.route("POST /api/workflow/:workflowId/retry");
    b.add("unknown ids", "unknown workflow", "POST", "/api/workflow/bi-unknown-id/retry", null, 404);
    b.add("conflicts", "a running workflow (Conductor answers 404: still running)", "POST", "/api/workflow/" + W + "/retry", null, 404);
    b.add("bad query params", "resumeSubworkflowTasks=maybe", "POST", "/api/workflow/" + W + "/retry?resumeSubworkflowTasks=maybe", null, 400);
    b.route("POST /api/workflow/:workflowId/restart");
    b.add("unknown ids", "unknown workflow", "POST", "/api/workflow/bi-unknown-id/restart", null, 404);
    b.add("conflicts", "a running workflow", "POST", "/api/workflow/" + W + "/restart", null, 409);
    b.add("bad query params", "useLatestDefinitions=maybe", "POST", "/api/workflow/" + wfDone + "/restart?useLatestDefinitions=maybe", null, 400);
    b.route("POST /api/workflow/:workflowId/rerun");
    b.add("unknown ids", "unknown workflow", "POST", "/api/workflow/bi-unknown-id/rerun", "{}", 404);
    b.add("conflicts", "a running workflow", "POST", "/api/workflow/" + W + "/rerun", "{}", 409);
    b.add("malformed JSON", "unterminated object", "POST", "/api/workflow/" + wfDone + "/rerun", "{", 400);
    b.add("malformed JSON", "trailing garbage", "POST", "/api/workflow/" + wfDone + "/rerun", "{} {}", 400);
    b.add("wrong types", "a list where an object is expected", "POST", "/api/workflow/" + wfDone + "/rerun", "[1]", 400);
    b.add("wrong types", "workflowInput as a list", "POST", "/api/workflow/" + wfDone + "/rerun", "{\"workflowInput\":[1]}", 400);
    b.add("invalid values", "reRunFromTaskId unknown", "POST", "/api/workflow/" + wfDone + "/rerun",
        "{\"reRunFromTaskId\":\"bi-unknown-task\"}", 400);
    b.oversized("POST", "/api/workflow/" + wfDone + "/rerun", '{');
    b.route("POST /api/workflow/:workflowId/resetcallbacks");
    b.add("unknown ids", "unknown workflow", "POST", "/api/workflow/bi-unknown-id/resetcallbacks", null, 404);
    b.add("conflicts", "a completed workflow", "POST", "/api/workflow/" + wfDone + "/resetcallbacks", null, 409);
    b.route("PUT /api/workflow/:workflowId/skiptask/:taskReferenceName");
    b.add("unknown ids", "unknown workflow", "PUT", "/api/workflow/bi-unknown-id/skiptask/t1", null, 404);
    b.add("unknown ids", "unknown task reference", "PUT", "/api/workflow/" + W + "/skiptask/bi_nope", null, 400);
    b.add("conflicts", "a task already scheduled", "PUT", "/api/workflow/" + W + "/skiptask/t1", null, 409);
    b.add("conflicts", "a completed workflow", "PUT", "/api/workflow/" + wfDone + "/skiptask/t1", null, 409);
    b.add("malformed JSON", "unterminated object", "PUT", "/api/workflow/" + W + "/skiptask/t1", "{", 400);
    b.add("wrong types", "taskOutput as a list", "PUT", "/api/workflow/" + W + "/skiptask/t1", "{\"taskOutput\":[1]}", 400);
    b.add("wrong types", "a string where an object is expected", "PUT", "/api/workflow/" + W + "/skiptask/t1", "\"skip\"", 400);

    // ---- GET /api/workflow/running/:name
    b.route("GET /api/workflow/running/:name");
    b.add("bad query params", "version=x", "GET", "/api/workflow/running/" + WF + "?version=x", null, 400);
    b.add("bad query params", "startTime=abc", "GET", "/api/workflow/running/" + WF + "?startTime=abc&endTime=5", null, 400);
    b.add("bad query params", "endTime=1.5", "GET", "/api/workflow/running/" + WF + "?startTime=1&endTime=1.5", null, 400);

    // ---- PUT /api/workflow/decide/:workflowId
    b.route("PUT /api/workflow/decide/:workflowId");
    b.add("unknown ids", "unknown workflow", "PUT", "/api/workflow/decide/bi-unknown-id", null, 404);
    b.add("wrong method", "GET on decide", "GET", "/api/workflow/decide/" + W, null, 405);

    // ---- POST /api/workflow/:name/correlated (correlation ids)
    b.route("POST /api/workflow/:name/correlated");
    b.add("malformed JSON", "unterminated object", "POST", "/api/workflow/" + WF + "/correlated", "{", 400);
    b.add("malformed JSON", "unterminated list", "POST", "/api/workflow/" + WF + "/correlated", "[1,", 400);
    b.add("malformed JSON", "null", "POST", "/api/workflow/" + WF + "/correlated", "null", 400);
    b.add("empty body", "no body", "POST", "/api/workflow/" + WF + "/correlated", "", 400);
    b.add("wrong types", "an object where a list is expected", "POST", "/api/workflow/" + WF + "/correlated", "{\"a\":1}", 400);
    b.add("wrong types", "a list of lists", "POST", "/api/workflow/" + WF + "/correlated", "[[\"a\"]]", 400);
    b.add("bad query params", "includeClosed=maybe", "POST", "/api/workflow/" + WF + "/correlated?includeClosed=maybe", "[\"c\"]", 400);
    b.add("bad query params", "includeTasks=1", "POST", "/api/workflow/" + WF + "/correlated?includeTasks=1", "[\"c\"]", 400);
    b.oversized("POST", "/api/workflow/" + WF + "/correlated", '[');

    // ---- POST /api/workflow/correlated/batch ({correlationIds, workflowNames}; the SDKs' call)
    b.route("POST /api/workflow/correlated/batch");
    String acrossNames = "/api/workflow/correlated/batch";
    b.add("malformed JSON", "unterminated object", "POST", acrossNames, "{", 400);
    b.add("empty body", "no body", "POST", acrossNames, "", 400);
    b.add("wrong types", "a list where an object is expected", "POST", acrossNames, "[\"c\"]", 400);
    b.add("missing fields", "no workflowNames", "POST", acrossNames, "{\"correlationIds\":[\"c\"]}", 400);
    b.add("missing fields", "no correlationIds", "POST", acrossNames, "{\"workflowNames\":[\"" + WF + "\"]}", 400);
    b.add("wrong types", "correlationIds as an object", "POST", acrossNames, "{\"correlationIds\":{\"a\":1},\"workflowNames\":[]}", 400);
    b.add("bad query params", "includeClosed=maybe", "POST", acrossNames + "?includeClosed=maybe",
        "{\"correlationIds\":[],\"workflowNames\":[]}", 400);
    b.add("valid edge values (2xx)", "empty lists", "POST", acrossNames, "{\"correlationIds\":[],\"workflowNames\":[]}", 200);
    b.oversized("POST", acrossNames, '{');

    // ---- GET /api/workflow/:name/correlated/:correlationId
    b.route("GET /api/workflow/:name/correlated/:correlationId");
    b.add("bad query params", "includeClosed=maybe", "GET", "/api/workflow/" + WF + "/correlated/c?includeClosed=maybe", null, 400);
    b.add("bad query params", "includeTasks=yes", "GET", "/api/workflow/" + WF + "/correlated/c?includeTasks=yes", null, 400);

    // ---- GET /api/workflow/:workflowId/status
    b.route("GET /api/workflow/:workflowId/status");
    b.add("unknown ids", "unknown workflow", "GET", "/api/workflow/bi-unknown-id/status", null, 404);
    b.add("bad query params", "includeOutput=maybe", "GET", "/api/workflow/" + W + "/status?includeOutput=maybe", null, 400);
    b.add("bad query params", "includeVariables=2", "GET", "/api/workflow/" + W + "/status?includeVariables=2", null, 400);

    // ---- GET /api/workflow/:workflowId/tasks
    b.route("GET /api/workflow/:workflowId/tasks");
    b.add("unknown ids", "unknown workflow", "GET", "/api/workflow/bi-unknown-id/tasks", null, 404);
    b.add("bad query params", "count=abc", "GET", "/api/workflow/" + W + "/tasks?count=abc", null, 400);
    b.add("bad query params", "start=-1", "GET", "/api/workflow/" + W + "/tasks?start=-1", null, 400);
    b.add("bad query params", "count=-1", "GET", "/api/workflow/" + W + "/tasks?count=-1", null, 400);
    b.add("bad query params", "start beyond int", "GET", "/api/workflow/" + W + "/tasks?start=99999999999", null, 400);
    b.add("valid edge values (2xx)", "start + count beyond int", "GET", "/api/workflow/" + W + "/tasks?start=1&count=2147483647", null, 200);
    b.add("valid edge values (2xx)", "count 0", "GET", "/api/workflow/" + W + "/tasks?count=0", null, 200);

    // ---- pause / resume
    b.route("PUT /api/workflow/:workflowId/pause");
    b.add("unknown ids", "unknown workflow", "PUT", "/api/workflow/bi-unknown-id/pause", null, 404);
    b.add("conflicts", "pause a completed workflow", "PUT", "/api/workflow/" + wfDone + "/pause", null, 409);
    b.route("PUT /api/workflow/:workflowId/resume");
    b.add("unknown ids", "unknown workflow", "PUT", "/api/workflow/bi-unknown-id/resume", null, 404);
    b.add("conflicts", "resume a running workflow", "PUT", "/api/workflow/" + W + "/resume", null, 409);

    // ---- DELETE /api/workflow/:workflowId/remove
    b.route("DELETE /api/workflow/:workflowId/remove");
    b.add("unknown ids", "unknown workflow", "DELETE", "/api/workflow/bi-unknown-id/remove", null, 404);
    b.add("bad query params", "archiveWorkflow=maybe", "DELETE", "/api/workflow/" + W + "/remove?archiveWorkflow=maybe", null, 400);

    // ---- GET / DELETE /api/workflow/:workflowId
    b.route("GET /api/workflow/:workflowId");
    b.add("unknown ids", "unknown workflow", "GET", "/api/workflow/bi-unknown-id", null, 404);
    b.add("bad query params", "includeTasks=maybe", "GET", "/api/workflow/" + W + "?includeTasks=maybe", null, 400);
    b.add("bad query params", "includeTasks=tru", "GET", "/api/workflow/" + W + "?includeTasks=tru", null, 400);
    b.route("DELETE /api/workflow/:workflowId");
    b.add("unknown ids", "unknown workflow", "DELETE", "/api/workflow/bi-unknown-id", null, 404);
    b.add("conflicts", "terminate a completed workflow", "DELETE", "/api/workflow/" + wfDone, null, 409);
    b.add("wrong method", "PUT on a workflow", "PUT", "/api/workflow/" + W, "{}", 405);

    // ---- GET /api/tasks/poll/batch/:taskType
    b.route("GET /api/tasks/poll/batch/:taskType");
    String batch = "/api/tasks/poll/batch/" + TASK;
    b.add("bad query params", "count=abc", "GET", batch + "?count=abc", null, 400);
    b.add("bad query params", "count=0", "GET", batch + "?count=0", null, 400);
    b.add("bad query params", "count=-5", "GET", batch + "?count=-5", null, 400);
    b.add("bad query params", "count beyond int", "GET", batch + "?count=99999999999", null, 400);
    b.add("bad query params", "timeout=6000", "GET", batch + "?timeout=6000", null, 400);
    b.add("bad query params", "timeout=-1", "GET", batch + "?timeout=-1", null, 400);
    b.add("bad query params", "timeout=abc", "GET", batch + "?timeout=abc", null, 400);
    b.add("bad query params", "timeout=1e3", "GET", batch + "?timeout=1e3", null, 400);

    // ---- GET /api/tasks/poll/:taskType
    b.route("GET /api/tasks/poll/:taskType");
    b.add("wrong method", "DELETE on poll", "DELETE", "/api/tasks/poll/" + TASK, null, 405);

    // ---- POST /api/tasks and /api/tasks/update-v2 (TaskResult)
    for (String update : List.of("/api/tasks", "/api/tasks/update-v2")) {
      b.route("POST " + update);
      b.malformed("POST", update);
      b.add("empty body", "no body", "POST", update, "", 400);
      b.validation("no ids", "POST", update, "{}");
      b.validation("no workflowInstanceId", "POST", update, "{\"taskId\":\"" + T + "\",\"status\":\"COMPLETED\"}");
      b.add("wrong types", "status BOGUS", "POST", update, taskResult(W, T, "BOGUS"), 400);
      b.add("wrong types", "status lower case", "POST", update, taskResult(W, T, "completed"), 400);
      b.add("wrong types", "status empty", "POST", update, taskResult(W, T, ""), 400);
      b.add("wrong types", "outputData as a list", "POST", update,
          "{\"workflowInstanceId\":\"" + W + "\",\"taskId\":\"" + T + "\",\"status\":\"COMPLETED\",\"outputData\":[1]}", 400);
      b.add("wrong types", "callbackAfterSeconds \"x\"", "POST", update,
          "{\"workflowInstanceId\":\"" + W + "\",\"taskId\":\"" + T + "\",\"status\":\"IN_PROGRESS\",\"callbackAfterSeconds\":\"x\"}", 400);
      b.add("wrong types", "extendLease \"yes\"", "POST", update,
          "{\"workflowInstanceId\":\"" + W + "\",\"taskId\":\"" + T + "\",\"extendLease\":\"yes\"}", 400);
      b.add("wrong types", "logs as a string", "POST", update,
          "{\"workflowInstanceId\":\"" + W + "\",\"taskId\":\"" + T + "\",\"status\":\"COMPLETED\",\"logs\":\"abc\"}", 400);
      b.add("wrong types", "log createdTime \"abc\"", "POST", update,
          "{\"workflowInstanceId\":\"" + W + "\",\"taskId\":\"" + T + "\",\"status\":\"COMPLETED\",\"logs\":[{\"log\":\"l\",\"createdTime\":\"abc\"}]}", 400);
      b.add("wrong types", "a list where an object is expected", "POST", update, "[" + taskResult(W, T, "COMPLETED") + "]", 400);
      b.add("invalid values", "status null on a running task", "POST", update,
          "{\"workflowInstanceId\":\"" + W + "\",\"taskId\":\"" + T + "\"}", 400);
      b.add("unknown ids", "unknown workflow and task", "POST", update, taskResult("bi-unknown-wf", "bi-unknown-task", "COMPLETED"), 404);
      b.add("unknown ids", "unknown task of a known workflow", "POST", update, taskResult(W, "bi-unknown-task", "COMPLETED"), 404);
      b.add("unknown ids", "a known task under another workflow", "POST", update, taskResult(wfDone, T, "COMPLETED"), 404);
      b.oversized("POST", update, '{');
    }
    b.oversizedChunked("POST", "/api/tasks", '{');

    // ---- queue information
    b.route("GET /api/tasks/queue/sizes");
    b.add("wrong method", "POST on queue sizes", "POST", "/api/tasks/queue/sizes", "[]", 405);
    b.route("GET /api/tasks/queue/size");
    b.add("bad query params", "taskType missing", "GET", "/api/tasks/queue/size", null, 400);
    b.add("bad query params", "taskType blank", "GET", "/api/tasks/queue/size?taskType=", null, 400);
    b.route("GET /api/tasks/queue/all/verbose");
    b.add("wrong method", "PUT on verbose queues", "PUT", "/api/tasks/queue/all/verbose", "{}", 405);
    b.route("GET /api/tasks/queue/all");
    b.add("wrong method", "POST on all queues", "POST", "/api/tasks/queue/all", "{}", 405);
    b.route("GET /api/tasks/queue/polldata/all");
    b.add("wrong method", "PUT on all poll data", "PUT", "/api/tasks/queue/polldata/all", "{}", 405);
    b.route("GET /api/tasks/queue/polldata");
    b.add("wrong method", "DELETE on poll data", "DELETE", "/api/tasks/queue/polldata?taskType=" + TASK, null, 405);
    b.route("POST /api/tasks/queue/requeue/:taskType");
    b.add("wrong method", "PUT on requeue", "PUT", "/api/tasks/queue/requeue/" + TASK, "{}", 405);
    b.oversized("POST", "/api/tasks/queue/requeue/" + TASK, '{');

    // ---- GET/DELETE /api/tasks/queue/:taskType/:taskId (remove from queue), POST /api/tasks/:taskId/ack
    b.route("GET /api/tasks/queue/:taskType/:taskId");
    b.add("unknown ids", "blank task id", "GET", "/api/tasks/queue/" + TASK + "/%20", null, 400);
    b.add("wrong method", "PUT on a queued task", "PUT", "/api/tasks/queue/" + TASK + "/" + T, "{}", 405);
    b.route("DELETE /api/tasks/queue/:taskType/:taskId");
    b.add("unknown ids", "blank task type", "DELETE", "/api/tasks/queue/%20/" + T, null, 400);
    b.route("POST /api/tasks/:taskId/ack");
    b.add("wrong method", "GET on ack", "GET", "/api/tasks/" + T + "/ack", null, 405);
    b.oversized("POST", "/api/tasks/" + T + "/ack", '{');

    // ---- POST /api/tasks/:workflowId/:status/signal[/sync] (output map)
    for (String sync : List.of("", "/sync")) {
      b.route("POST /api/tasks/:workflowId/:status/signal" + sync);
      String signal = "/api/tasks/" + W + "/COMPLETED/signal" + sync;
      b.add("malformed JSON", "unterminated object", "POST", signal, "{", 400);
      b.add("malformed JSON", "trailing garbage", "POST", signal, "{} x", 400);
      b.add("wrong types", "output as a list", "POST", signal, "[1]", 400);
      b.add("wrong types", "output as a string", "POST", signal, "\"str\"", 400);
      b.add("wrong types", "status BOGUS", "POST", "/api/tasks/" + W + "/BOGUS/signal" + sync, "{}", 400);
      b.add("unknown ids", "unknown workflow", "POST", "/api/tasks/bi-unknown-id/COMPLETED/signal" + sync, "{}", 404);
      b.oversized("POST", signal, '{');
    }
    b.route("POST /api/tasks/:workflowId/:status/signal/sync");
    b.add("unknown ids", "nothing is waiting for a signal", "POST", "/api/tasks/" + W + "/COMPLETED/signal/sync", "{}", 404);
    b.add("bad query params", "returnStrategy=BOGUS", "POST", "/api/tasks/" + W + "/COMPLETED/signal/sync?returnStrategy=BOGUS", "{}", 400);
    b.add("bad query params", "timeoutMillis=abc", "POST", "/api/tasks/" + W + "/COMPLETED/signal/sync?timeoutMillis=abc", "{}", 400);

    // ---- POST /api/tasks/:workflowId/:taskRefName/:status (output map)
    b.route("POST /api/tasks/:workflowId/:taskRefName/:status");
    String byRef = "/api/tasks/" + W + "/t1/COMPLETED";
    b.add("malformed JSON", "unterminated object", "POST", byRef, "{", 400);
    b.add("malformed JSON", "unterminated list", "POST", byRef, "[1,", 400);
    b.add("malformed JSON", "trailing garbage", "POST", byRef, "{} x", 400);
    b.add("wrong types", "output as a string", "POST", byRef, "\"str\"", 400);
    b.add("wrong types", "output as a list", "POST", byRef, "[1]", 400);
    b.add("wrong types", "status BOGUS", "POST", "/api/tasks/" + W + "/t1/BOGUS", "{}", 400);
    b.add("unknown ids", "unknown workflow", "POST", "/api/tasks/bi-unknown-id/t1/COMPLETED", "{}", 404);
    b.oversized("POST", byRef, '{');

    // ---- POST /api/tasks/:workflowId/:taskRefName/:status/sync (output map; answers the workflow)
    b.route("POST /api/tasks/:workflowId/:taskRefName/:status/sync");
    String byRefSync = "/api/tasks/" + W + "/t1/COMPLETED/sync";
    b.add("malformed JSON", "unterminated object", "POST", byRefSync, "{", 400);
    b.add("wrong types", "output as a list", "POST", byRefSync, "[1]", 400);
    b.add("wrong types", "status BOGUS", "POST", "/api/tasks/" + W + "/t1/BOGUS/sync", "{}", 400);
    b.add("unknown ids", "unknown workflow", "POST", "/api/tasks/bi-unknown-id/t1/COMPLETED/sync", "{}", 404);
    b.add("unknown ids", "no pending task with that reference", "POST", "/api/tasks/" + W + "/no_such_ref/COMPLETED/sync", "{}", 404);
    b.oversized("POST", byRefSync, '{');

    // ---- GET /api/workflow/search-by-tasks and -v2
    for (String search : List.of("/api/workflow/search-by-tasks", "/api/workflow/search-by-tasks-v2")) {
      b.search(search);
      b.add("valid edge values (2xx)", "a task type that matches nothing", "GET", search + "?query=taskType%3Dbi_none", null, 200);
    }

    // ---- GET /api/tasks/search and /search-v2
    for (String search : List.of("/api/tasks/search", "/api/tasks/search-v2")) {
      b.search(search);
      b.add("bad query params", "size=abc", "GET", search + "?size=abc", null, 400);
      b.add("valid edge values (2xx)", "a number compared as text", "GET", search + "?query=taskType%3D5", null, 200);
    }

    // ---- task logs and tasks
    b.route("POST /api/tasks/:taskId/log");
    b.add("empty body", "no body", "POST", "/api/tasks/" + T + "/log", "", 400);
    b.add("unknown ids", "unknown task", "POST", "/api/tasks/bi-unknown-task/log", "\"a line\"", 404);
    b.oversized("POST", "/api/tasks/" + T + "/log", '{');
    b.route("GET /api/tasks/:taskId/log");
    b.add("wrong method", "PUT on a task log", "PUT", "/api/tasks/" + T + "/log", "\"x\"", 405);
    b.route("GET /api/tasks/:taskId");
    b.add("unknown ids", "unknown task", "GET", "/api/tasks/bi-unknown-task", null, 404);
    b.add("wrong method", "DELETE on a task", "DELETE", "/api/tasks/" + T, null, 405);

    // ---- /api/event (event handlers)
    String handler = "{\"name\":\"bi_eh_new\",\"event\":\"conductor:bi_wf:t1\",\"actions\":[{\"action\":\"complete_task\"}]}";
    b.route("POST /api/event");
    b.malformed("POST", "/api/event");
    b.add("empty body", "no body", "POST", "/api/event", "", 400);
    b.validation("no name, event or actions", "POST", "/api/event", "{}");
    b.validation("no actions", "POST", "/api/event", "{\"name\":\"bi_eh_new\",\"event\":\"conductor:x:y\",\"actions\":[]}");
    b.validation("a null action", "POST", "/api/event", "{\"name\":\"bi_eh_new\",\"event\":\"conductor:x:y\",\"actions\":[null]}");
    b.validation("an action without its type", "POST", "/api/event", "{\"name\":\"bi_eh_new\",\"event\":\"conductor:x:y\",\"actions\":[{}]}");
    b.add("wrong types", "action type not an enum value", "POST", "/api/event", handler.replace("complete_task", "bogus_action"), 400);
    b.add("wrong types", "actions as a string", "POST", "/api/event", "{\"name\":\"bi_eh_new\",\"event\":\"e\",\"actions\":\"x\"}", 400);
    b.add("wrong types", "active \"yes\"", "POST", "/api/event", handler.replace("{\"name\"", "{\"active\":\"yes\",\"name\""), 400);
    b.add("wrong types", "a list where an object is expected", "POST", "/api/event", "[" + handler + "]", 400);
    b.add("conflicts", "already exists", "POST", "/api/event", HANDLER, 409);
    b.oversized("POST", "/api/event", '{');
    b.route("PUT /api/event");
    b.malformed("PUT", "/api/event");
    b.validation("no actions", "PUT", "/api/event", "{\"name\":\"bi_handler\",\"event\":\"conductor:x:y\"}");
    b.add("unknown ids", "unknown handler", "PUT", "/api/event", handler, 404);
    b.oversized("PUT", "/api/event", '{');
    b.route("GET /api/event");
    b.add("wrong method", "DELETE without a name", "DELETE", "/api/event", null, 405);
    b.route("GET /api/event/:event");
    b.add("bad query params", "activeOnly=maybe", "GET", "/api/event/conductor:bi_wf:t1?activeOnly=maybe", null, 400);
    b.route("DELETE /api/event/:name");
    b.add("unknown ids", "unknown handler", "DELETE", "/api/event/bi_nope", null, 404);
    b.route("GET /api/event/execution");
    b.add("wrong method", "POST on the executions", "POST", "/api/event/execution", "{}", 405);
    b.route("GET /api/event/execution/:name");
    b.add("bad query params", "from=soon", "GET", "/api/event/execution/bi_handler?from=soon", null, 400);

    // ---- /api/queue (status queues)
    b.route("GET /api/queue/size");
    b.add("wrong method", "POST on queue sizes", "POST", "/api/queue/size", "{}", 405);
    b.route("GET /api/queue");
    b.add("wrong method", "PUT on the queue map", "PUT", "/api/queue", "{}", 405);
    for (String target : List.of("task/" + T, "t1")) {
      String route = target.startsWith("task/") ? "POST /api/queue/update/:workflowId/task/:taskId/:status"
          : "POST /api/queue/update/:workflowId/:taskRefName/:status";
      b.route(route);
      String update = "/api/queue/update/" + W + "/" + target;
      b.add("wrong types", "status BOGUS", "POST", update + "/BOGUS", "{}", 400);
      b.add("malformed JSON", "unterminated object", "POST", update + "/COMPLETED", "{", 400);
      b.add("malformed JSON", "trailing garbage", "POST", update + "/COMPLETED", "{} x", 400);
      b.add("wrong types", "output as a list", "POST", update + "/COMPLETED", "[1]", 400);
      b.oversized("POST", update + "/COMPLETED", '{');
    }

    // ---- POST /api/workflow/:workflowId/messages (a JSON object for PULL_WORKFLOW_MESSAGES tasks)
    b.route("POST /api/workflow/:workflowId/messages");
    String messages = "/api/workflow/" + W + "/messages";
    b.malformed("POST", messages);
    b.add("empty body", "no body", "POST", messages, "", 400);
    b.add("wrong types", "payload as a list", "POST", messages, "[1]", 400);
    b.add("wrong types", "payload as a number", "POST", messages, "5", 400);
    b.add("unknown ids", "unknown workflow", "POST", "/api/workflow/bi-unknown-id/messages", "{\"a\":1}", 404);
    b.add("conflicts", "workflow not running", "POST", "/api/workflow/" + wfDone + "/messages", "{\"a\":1}", 409);
    b.add("wrong method", "GET on messages", "GET", messages, null, 405);
    b.oversized("POST", messages, '{');

    // ---- /api/tasks/{taskId}/waiting (the dashboard's "why is it waiting?")
    b.route("GET /api/tasks/:taskId/waiting");
    b.add("unknown ids", "unknown task", "GET", "/api/tasks/bi-unknown-id/waiting", null, 404);
    b.add("wrong method", "POST on waiting", "POST", "/api/tasks/" + W + "/waiting", "{}", 405);

    // ---- /api/admin
    b.route("GET /api/admin/config");
    b.add("wrong method", "POST on config", "POST", "/api/admin/config", "{}", 405);
    b.route("GET /api/admin/cluster");
    b.add("wrong method", "POST on cluster", "POST", "/api/admin/cluster", "{}", 405);
    b.route("GET /api/admin/task/:tasktype");
    b.add("bad query params", "start=-1", "GET", "/api/admin/task/" + TASK + "?start=-1", null, 400);
    b.add("bad query params", "count=x", "GET", "/api/admin/task/" + TASK + "?count=x", null, 400);
    b.add("bad query params", "count=6000", "GET", "/api/admin/task/" + TASK + "?count=6000", null, 400);
    b.route("POST /api/admin/sweep/requeue/:workflowId");
    b.add("unknown ids", "unknown workflow", "POST", "/api/admin/sweep/requeue/bi-unknown-id", null, 404);
    b.add("wrong method", "GET on requeue", "GET", "/api/admin/sweep/requeue/" + W, null, 405);
    b.route("POST /api/admin/consistency/verifyAndRepair/:workflowId");
    b.add("unknown ids", "unknown workflow", "POST", "/api/admin/consistency/verifyAndRepair/bi-unknown-id", null, 404);
    b.add("wrong method", "PUT on verifyAndRepair", "PUT", "/api/admin/consistency/verifyAndRepair/" + W, "{}", 405);
    b.route("GET /api/admin/queues");
    b.add("bad query params", "verbose=maybe", "GET", "/api/admin/queues?verbose=maybe", null, 400);

    // ---- /api/environment and /api/secrets (read-only)
    b.route("GET /api/environment");
    b.add("wrong method", "PUT on environment", "PUT", "/api/environment", "{}", 405);
    b.route("GET /api/environment/:key");
    b.add("unknown ids", "unknown variable", "GET", "/api/environment/BI_NOPE", null, 404);
    b.typed("wrong method", "PUT a variable (read-only)", "PUT", "/api/environment/BI_X", "x", "text/plain", 405);
    b.add("wrong method", "DELETE a variable (read-only)", "DELETE", "/api/environment/BI_X", null, 405);
    b.route("GET /api/secrets");
    b.add("wrong method", "POST secrets (read-only)", "POST", "/api/secrets", "[]", 405);
    b.add("unknown routes", "a secret's value is never served", "GET", "/api/secrets/BI_X", null, 404);
    b.typed("unknown routes", "a secret cannot be written", "PUT", "/api/secrets/BI_X", "x", "text/plain", 404);

    // ---- GET /api/version
    b.route("GET /api/version");
    b.add("wrong method", "POST on version", "POST", "/api/version", "{}", 405);

    // ---- content types other than JSON
    b.route(null);
    b.typed("content type", "JSON sent as a form: still read as JSON", "PUT", "/api/metadata/taskdefs",
        "{\"name\":\"bi_nope\"}", "application/x-www-form-urlencoded", 404);
    b.typed("content type", "JSON sent as a form with a broken %-escape", "PUT", "/api/metadata/taskdefs",
        "{\"name\":\"bi_nope%zz\"}", "application/x-www-form-urlencoded", 400);
    b.typed("content type", "garbage multipart", "POST", "/api/metadata/taskdefs",
        "garbage", "multipart/form-data; boundary=xyz", 400);
    b.typed("content type", "text/plain JSON", "PUT", "/api/metadata/taskdefs", "{\"name\":\"bi_nope\"}", "text/plain", 404);

    // ---- unknown routes
    b.add("unknown routes", "unknown api path", "GET", "/api/nope", null, 404);
    b.add("unknown routes", "unknown page path: the dashboard's app", "GET", "/nope", null, 200);
    b.add("unknown routes", "unknown metadata path", "GET", "/api/metadata/nope/x/y", null, 404);
    b.add("unknown routes", "too deep workflow path", "POST", "/api/workflow/a/b/c/d", "{}", 404);
    b.add("unknown routes", "too deep task path", "GET", "/api/tasks/a/b/c/d/e", null, 404);
    b.add("unknown routes", "root: the dashboard's app", "GET", "/", null, 200);
    b.add("unknown routes", "a page path with a body", "POST", "/nope", "{\"a\":1}", 405);
    b.add("unknown routes", "api root", "GET", "/api", null, 404);
    b.add("unknown routes", "unknown path with a body", "POST", "/api/nope", "{\"a\":1}", 404);
    return out;
  }

  /** Builds cases for the route set by {@link #route}. */
  private static final class CaseBuilder {
    private final List<Case> out;
    private String route;

    CaseBuilder(List<Case> out) {
      this.out = out;
    }

    void route(String route) {
      this.route = route;
    }

    /** A search route (GET with query, freeText, start, size, sort) and the bad input every search shares. */
    void search(String path) {
      route("GET " + path);
      add("bad query params", "size=6000", "GET", path + "?size=6000", null, 400);
      add("bad query params", "start=-1", "GET", path + "?start=-1", null, 400);
      add("bad query params", "query without an operator", "GET", path + "?query=bogus", null, 400);
      add("bad query params", "sort with a bad order", "GET", path + "?sort=startTime%3ASIDEWAYS", null, 400);
      add("wrong method", "PUT on search", "PUT", path, "{}", 405);
    }

    void add(String category, String name, String method, String path, String body, int expected) {
      out.add(new Case(category, name, route, method, path, body == null ? null : json(body),
          body == null ? null : "application/json", expected, null));
    }

    void typed(String category, String name, String method, String path, String body, String contentType, int expected) {
      out.add(new Case(category, name, route, method, path, json(body), contentType, expected, null));
    }

    /** A 400 from a definition rule: Conductor's validation body with its list of errors. */
    void validation(String name, String method, String path, String body) {
      out.add(new Case("invalid values", name, route, method, path, json(body), "application/json", 400, resp -> {
        JsonObject error = resp.json();
        assertEquals("Validation failed, check below errors for detail.", error.getString("message"));
        JsonArray items = error.getJsonArray("validationErrors");
        assertNotNull(items, resp::toString);
        assertFalse(items.isEmpty(), resp::toString);
        for (Object item : items) {
          JsonObject v = assertInstanceOf(JsonObject.class, item);
          assertFalse(v.getString("message", "").isBlank(), resp::toString);
          assertNotNull(v.getString("path"), resp::toString);
        }
      }));
    }

    /** The standard malformed bodies where a JSON document is expected. */
    void malformed(String method, String path) {
      add("malformed JSON", "unterminated object", method, path, "{", 400);
      add("malformed JSON", "unterminated list", method, path, "[1,", 400);
      add("malformed JSON", "a bare string", method, path, "\"str\"", 400);
      add("malformed JSON", "null", method, path, "null", 400);
      add("malformed JSON", "not JSON at all", method, path, "name=x&y=z", 400);
      add("malformed JSON", "a single quote string", method, path, "{'name':'x'}", 400);
      out.add(new Case("malformed JSON", "invalid UTF-8", route, method, path,
          new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, "application/json", 400, null));
    }

    /** A bulk operation over ids nothing has: 200, every id reported as failed, none as done. */
    void bulkUnknown(String method, String path) {
      out.add(new Case("unknown ids", "unknown ids are per-id failures", route, method, path,
          json("[\"bi-unknown-1\",\"bi-unknown-2\"]"), "application/json", 200, resp -> {
            JsonObject result = resp.json();
            assertTrue(result.getJsonArray("bulkSuccessfulResults", new JsonArray()).isEmpty(), resp::toString);
            assertEquals(Set.of("bi-unknown-1", "bi-unknown-2"), result.getJsonObject("bulkErrorResults").fieldNames(), resp::toString);
          }));
    }

    void oversized(String method, String path, char shape) {
      out.add(new Case("oversized body (413)", "one byte over the limit", route, method, path, big(shape),
          "application/json", 413, null));
    }

    void oversizedChunked(String method, String path, char shape) {
      out.add(new Case("oversized body (413)", "chunked, over the limit", route, method, path, big(shape),
          "chunked", 413, null));
    }
  }

  // ---------------------------------------------------------------- running a case

  private static void run(Case c) {
    count(c.category());
    Resp resp = "chunked".equals(c.contentType())
        ? sendChunked(c.method(), c.path(), c.body())
        : send(c.method(), c.path(), c.body(), c.contentType());
    assertEquals(c.expected(), resp.status(), () -> c.name() + ": " + resp);
    if (c.expected() >= 400) {
      assertErrorBody(resp, c.expected());
    }
    if (c.extra() != null) {
      c.extra().accept(resp);
    }
    try {
      assertHealthy();
    } catch (AssertionError e) {
      throw new AssertionError("after " + c.method() + " " + c.path() + " (" + c.name() + "): " + e.getMessage(), e);
    }
  }

  private static void assertErrorBody(Resp resp, int status) {
    assertNotNull(resp.contentType(), resp::toString);
    assertTrue(resp.contentType().startsWith("application/json"), resp::toString);
    JsonObject error;
    try {
      error = resp.json();
    } catch (RuntimeException e) {
      throw new AssertionError("error body is not a JSON object: " + resp, e);
    }
    assertEquals(status, error.getInteger("status"), resp::toString);
    assertFalse(error.getString("message", "").isBlank(), resp::toString);
    assertFalse(error.getString("instance", "").isBlank(), resp::toString);
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"), resp::toString);
  }

  /** The server still answers normally. */
  private static void assertHealthy() {
    Resp health = send("GET", "/health", (byte[]) null, null);
    assertEquals(200, health.status(), health::toString);
    assertEquals(Boolean.TRUE, health.json().getBoolean("healthy"));
  }

  private static void count(String category) {
    casesPerCategory.merge(category, 1, Integer::sum);
  }

  // ---------------------------------------------------------------- routes from the sources

  /** Every route the API's resources (api/*Resource.java) mount, as {method, template}. */
  private static List<String[]> mountedRoutes() {
    List<String[]> routes = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(API_SOURCES)) {
      files = listing.filter(f -> f.getFileName().toString().endsWith("Resource.java")).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + API_SOURCES, e);
    }
    for (Path file : files) {
      String source;
      try {
        source = Files.readString(file);
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file, e);
      }
      Matcher m = ROUTE.matcher(source);
      while (m.find()) {
        routes.add(new String[] {m.group(1).toUpperCase(Locale.ROOT), m.group(2)});
      }
    }
    assertTrue(routes.size() > 30, "expected the resources to mount their routes, found " + routes.size());
    return routes;
  }

  /** A template with every path parameter replaced by an id nothing has. */
  private static String concrete(String template) {
    return template.replaceAll(":([A-Za-z]+)", "bi-unknown-$1");
  }

  // ---------------------------------------------------------------- HTTP helpers

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A valid JSON document of MAX_BODY + 1 bytes, an object or a list of one object. */
  private static byte[] big(char shape) {
    String head = shape == '[' ? "[{\"name\":\"bi_big\",\"description\":\"" : "{\"name\":\"bi_big\",\"description\":\"";
    String tail = shape == '[' ? "\"}]" : "\"}";
    int pad = MAX_BODY + 1 - head.length() - tail.length();
    byte[] out = json(head + "x".repeat(pad) + tail);
    assertEquals(MAX_BODY + 1, out.length);
    return out;
  }

  static Resp send(String method, String path, String body) {
    return send(method, path, json(body), "application/json");
  }

  static Resp send(String method, String path, byte[] body, String contentType) {
    return exchange(method, path, body, contentType, false);
  }

  /** Sends the body without a Content-Length (chunked), so the limit is found while reading. */
  static Resp sendChunked(String method, String path, byte[] body) {
    return exchange(method, path, body, "application/json", true);
  }

  private static Resp exchange(String method, String path, byte[] body, String contentType, boolean chunked) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
        : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(REQUEST_TIMEOUT).method(method, publisher);
    if (contentType != null) {
      req.header("Content-Type", contentType);
    }
    HttpResponse<String> r;
    try {
      r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new AssertionError(method + " " + path + " got no answer within " + REQUEST_TIMEOUT, e);
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    Resp resp = new Resp(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    if (resp.status() >= 500) {
      serverErrors.add(method + " " + path + " -> " + resp);
    }
    return resp;
  }

  /** One request written as raw bytes on a new connection; the answer read up to its Content-Length. */
  static Resp raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      Resp resp = readResponse(socket.getInputStream());
      if (resp == null) {
        throw new AssertionError("connection closed without an answer to " + request.lines().findFirst().orElse(""));
      }
      return resp;
    }
  }

  /** One HTTP/1.1 answer with a Content-Length body (as this server sends them); null at end of stream. */
  private static Resp readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int ch = in.read();
      if (ch < 0) {
        return null;
      }
      head.write(ch);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    Resp resp = new Resp(status, headers.get("content-type"), new String(body, StandardCharsets.UTF_8),
        "close".equalsIgnoreCase(headers.get("connection")));
    if (status >= 500) {
      serverErrors.add("raw " + lines[0] + " -> " + resp);
    }
    return resp;
  }

  private static void expect(int status, Resp resp) {
    assertEquals(status, resp.status(), resp::toString);
  }

  // ---------------------------------------------------------------- fixtures

  private static String workflowDef(String name, int version) {
    String task = "bi_deep".equals(name) ? "bi_deep_task" : TASK;
    return "{\"name\":\"" + name + "\",\"version\":" + version + ",\"schemaVersion\":2,\"tasks\":[{\"name\":\"" + task
        + "\",\"taskReferenceName\":\"t1\",\"type\":\"SIMPLE\",\"inputParameters\":{\"in\":\"${workflow.input}\"}}]}";
  }

  private static String taskResult(String workflowId, String taskId, String status) {
    return "{\"workflowInstanceId\":\"" + workflowId + "\",\"taskId\":\"" + taskId + "\",\"status\":\"" + status + "\"}";
  }

  private static String startWorkflow() {
    Resp r = send("POST", "/api/workflow", "{\"name\":\"" + WF + "\",\"input\":{\"k\":\"v\"}}");
    expect(200, r);
    return r.body();
  }

  private static String pollOne() {
    return pollOne(TASK);
  }

  private static String pollOne(String taskType) {
    Resp r = send("GET", "/api/tasks/poll/batch/" + taskType + "?count=1&timeout=2000&workerid=bi", (byte[]) null, null);
    expect(200, r);
    JsonArray tasks = new JsonArray(r.body());
    assertEquals(1, tasks.size(), r::toString);
    return tasks.getJsonObject(0).getString("taskId");
  }

  private static JsonObject workflow(String id) {
    Resp r = send("GET", "/api/workflow/" + id, (byte[]) null, null);
    expect(200, r);
    return r.json();
  }

  private static JsonObject task(String id) {
    Resp r = send("GET", "/api/tasks/" + id, (byte[]) null, null);
    expect(200, r);
    return r.json();
  }
}
