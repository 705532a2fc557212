package io.conductorvx.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver), against one
 * in-process server reached through a proxy the test can cut. One server and one browser for the
 * class; tests run in order and each leaves the browser on a page of its own. Screenshots of each
 * page land in target/dashboard/. Every test ends by checking the browser console is free of
 * errors. Skips only when Chromium is not installed (and fails then on CI, which installs it).
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardE2ETest {
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CONDUCTOR_TEST_CHROMIUM", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CONDUCTOR_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Path SHOTS = Path.of("target", "dashboard");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static ConductorServer server;
  private static CutProxy proxy;
  private static ChromeDriver driver;
  private static HttpClient http;
  private static String api;
  private static String ui;
  /** Console messages a test expects (a cut network logs failed connections), by substring. */
  private static final List<String> expectedConsole = new ArrayList<>();
  private static final List<String> NO_LIVE_YET = List.of("/api/live' failed");

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI installs chromium and chromium-driver (.ci/run); " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
    }
    Assumptions.assumeTrue(installed, "Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
    ServerConfig config = ServerConfig.fromJson(new JsonObject().put("port", 0).put("sweepIntervalMs", 100).put("workflowRecheckSeconds", 1));
    server = ConductorServer.start(vertx, config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    proxy = CutProxy.start(vertx, server.port()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    api = "http://localhost:" + server.port() + "/api";
    ui = "http://localhost:" + proxy.port();
    Files.createDirectories(SHOTS);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--window-size=1440,900", "--user-data-dir=" + Files.createTempDirectory("cvx-chromium"));
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    registerDefinitions();
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (proxy != null) {
      proxy.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The console stays free of errors on every page. */
  @AfterEach
  void consoleHasNoErrors() {
    if (driver == null) {
      return;
    }
    List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> expectedConsole.stream().noneMatch(m::contains))
        .filter(m -> NO_LIVE_YET.stream().noneMatch(m::contains))
        .toList();
    expectedConsole.clear();
    assertTrue(errors.isEmpty(), "browser console errors: " + errors);
  }

  // ---------------------------------------------------------------- the tests

  @Test
  @Order(1)
  void runPageStartsAWorkflowAndLandsOnItsExecution() {
    open("/run");
    select(By.name("name"), "e2e_flow");
    waitFor(d -> d.findElement(By.name("input")).getAttribute("value").contains("customer"));
    WebElement input = driver.findElement(By.name("input"));
    input.clear();
    input.sendKeys("{\"customer\": \"ada\"}");
    driver.findElement(By.name("correlationId")).sendKeys("e2e-run");
    WebElement domains = driver.findElement(By.name("taskToDomain"));
    domains.clear();
    domains.sendKeys("{\"*\": \"run\"}");
    shot("run");
    driver.findElement(By.id("run")).click();
    waitFor(d -> d.getCurrentUrl().contains("/execution/"));
    String id = driver.getCurrentUrl().replaceAll(".*/execution/([^?]+).*", "$1");
    JsonObject started = get("/workflow/" + id);
    assertEquals("ada", started.getJsonObject("input").getString("customer"));
    assertEquals("e2e-run", started.getString("correlationId"));
    waitFor(d -> statusText().contains("RUNNING"));
    waitFor(d -> nodeStatus("first").equals("SCHEDULED"));
    runningFlow = id;
  }

  private static String runningFlow;

  @Test
  @Order(2)
  void graphAndTaskListTurnCompletedLiveAsTheWorkerReportsWithoutAReload() {
    assertNotNull(runningFlow, "needs the workflow started from the Run page");
    open("/execution/" + runningFlow);
    waitFor(d -> nodeStatus("first").equals("SCHEDULED"));
    js("window.__noReload = true");
    Map<String, String> before = nodePositions();
    complete("e2e_a", "run", Map.of("greeting", "hello from the worker"));
    waitFor(d -> nodeStatus("first").equals("COMPLETED"));
    complete("e2e_b", "run", Map.of("side", "one"));
    complete("e2e_b", "run", Map.of("side", "two"));
    waitFor(d -> nodeStatus("left").equals("COMPLETED") && nodeStatus("right").equals("COMPLETED"));
    complete("e2e_a", "run", Map.of("greeting", "bye"));
    waitFor(d -> statusText().contains("COMPLETED"));
    waitFor(d -> nodeStatus("last").equals("COMPLETED") && nodeStatus("join").equals("COMPLETED"));
    assertEquals(Boolean.TRUE, js("return window.__noReload === true"), "the page was not reloaded");
    assertEquals(before, nodePositions(), "no node moved while statuses changed");
    shot("execution-completed");
    click(By.cssSelector("[data-tab=tasks]"));
    int tasks = get("/workflow/" + runningFlow + "?includeTasks=true").getJsonArray("tasks").size();
    waitFor(d -> d.findElements(By.cssSelector("#task-list .trow[data-status=COMPLETED]")).size() == tasks);
    shot("execution-task-list");
    click(By.cssSelector("[data-tab=timeline]"));
    waitFor(d -> !d.findElements(By.cssSelector("#timeline .tl-run")).isEmpty());
    shot("execution-timeline");
  }

  @Test
  @Order(3)
  void clickingATaskShowsItsOutput() {
    String id = startFlow("e2e_flow", Map.of("customer", "bob"), "output");
    complete("e2e_a", "output", Map.of("greeting", "hello, bob"));
    open("/execution/" + id);
    waitFor(d -> nodeStatus("first").equals("COMPLETED"));
    click(By.cssSelector("g.n[data-ref=first]"));
    waitFor(d -> d.findElements(By.id("task-panel")).size() == 1);
    click(By.cssSelector("#task-panel [data-tab=output]"));
    waitFor(d -> d.findElement(By.id("task-output")).getText().contains("hello, bob"));
    assertTrue(driver.getCurrentUrl().contains("task="), "the selected task is in the URL");
    shot("execution-task-output");
    // reload restores the view: the task stays selected
    driver.navigate().refresh();
    waitFor(d -> d.findElements(By.id("task-panel")).size() == 1);
    // and back/forward move between tabs
    click(By.cssSelector(".main [data-tab=tasks]"));
    waitFor(d -> d.getCurrentUrl().contains("tab=tasks"));
    driver.navigate().back();
    waitFor(d -> !d.getCurrentUrl().contains("tab=tasks") && !d.findElements(By.cssSelector("g.n[data-ref=first]")).isEmpty());
    driver.navigate().forward();
    waitFor(d -> d.getCurrentUrl().contains("tab=tasks") && !d.findElements(By.id("task-list")).isEmpty());
    // finish it so its queue empties for later tests
    complete("e2e_b", "output", Map.of());
    complete("e2e_b", "output", Map.of());
    complete("e2e_a", "output", Map.of());
  }

  @Test
  @Order(4)
  void aScheduledTaskNobodyPollsSaysWhyItWaitsAndTerminatingFromItsPageEndsIt() {
    String id = startFlow("e2e_stuck", Map.of(), "e2e-stuck");
    open("/execution/" + id);
    waitFor(d -> nodeStatus("stuck").equals("SCHEDULED"));
    click(By.cssSelector("g.n[data-ref=stuck]"));
    waitFor(d -> d.findElement(By.id("waiting")).getText().contains("No worker has polled e2e-stuck:e2e_never"));
    shot("execution-why-waiting");
    click(By.id("terminate"));
    WebElement reason = driver.findElement(By.name("dialog-field"));
    reason.clear();
    reason.sendKeys("stopped by the e2e test");
    click(By.id("dialog-ok"));
    waitFor(d -> statusText().contains("TERMINATED"));
    waitFor(d -> d.findElement(By.id("wf-reason")).getText().contains("stopped by the e2e test"));
    assertEquals("TERMINATED", get("/workflow/" + id).getString("status"));
  }

  @Test
  @Order(5)
  void bulkTerminateFromTheListReportsEachExecution() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(startFlow("e2e_stuck", Map.of(), "e2e-bulk"));
    }
    waitFor(d -> get("/workflow/search?query=correlationId%3De2e-bulk").getInteger("totalHits") == 3);
    open("/?corr=e2e-bulk&status=RUNNING");
    waitFor(d -> d.findElements(By.cssSelector("#results tbody tr")).size() == 3);
    waitForLive();
    // a new matching execution is announced, not pushed into the rows under the pointer
    ids.add(startFlow("e2e_stuck", Map.of(), "e2e-bulk"));
    WebElement fresh = waitFor(d -> d.findElement(By.id("new-executions")));
    assertTrue(fresh.getText().startsWith("1 new matching execution"), fresh.getText());
    assertEquals(3, driver.findElements(By.cssSelector("#results tbody tr")).size());
    shot("executions");
    fresh.click();
    waitFor(d -> d.findElements(By.cssSelector("#results tbody tr")).size() == 4);
    click(By.cssSelector("#results thead input[type=checkbox]"));
    click(By.id("bulk-terminate"));
    click(By.id("dialog-ok"));
    waitFor(d -> d.findElement(By.id("bulk-result")).getText().contains("4 succeeded"));
    shot("executions-bulk-result");
    for (String id : ids) {
      assertEquals("TERMINATED", get("/workflow/" + id).getString("status"), id);
    }
    // the list reloaded with the filter on RUNNING: nothing matches any more
    waitFor(d -> d.findElements(By.cssSelector("#results tbody tr")).isEmpty());
  }

  @Test
  @Order(6)
  void anInvalidDefinitionShowsTheServersMessageAtItsLine() {
    open("/workflowDef/e2e_flow");
    WebElement editor = waitFor(d -> d.findElement(By.name("json-editor")));
    waitFor(d -> editor.getAttribute("value").contains("\"taskReferenceName\": \"first\""));
    JsonObject def = get("/metadata/workflow/e2e_flow");
    def.getJsonArray("tasks").getJsonObject(3).put("taskReferenceName", "first"); // a duplicate reference name
    String edited = def.encodePrettily();
    js("const t = document.querySelector('textarea[name=json-editor]');"
        + "const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;"
        + "set.call(t, arguments[0]); t.dispatchEvent(new Event('input', {bubbles: true}));", edited);
    expectedConsole.add("the server responded with a status of 400"); // the browser logs the rejected request
    click(By.id("validate"));
    String serverMessage = send("POST", "/metadata/workflow/validate", def.encode()).body();
    JsonObject error = new JsonObject(serverMessage);
    String first = error.getJsonArray("validationErrors").getJsonObject(0).getString("message");
    WebElement problems = waitFor(d -> d.findElement(By.id("problems")));
    waitFor(d -> problems.getText().contains(first));
    assertFalse(driver.findElements(By.cssSelector(".gutter .gl.bad")).isEmpty(), "the line it concerns is marked");
    shot("definition-invalid");
    assertEquals(1, get("/metadata/workflow/e2e_flow").getInteger("version"), "nothing was saved");
  }

  @Test
  @Order(7)
  void aQueueWithTasksAndNoWorkerStandsOutOnTheQueuesPage() {
    startFlow("e2e_stuck", Map.of(), "e2e-queue");
    open("/queues");
    WebElement row = waitFor(d -> d.findElement(By.cssSelector("tr[data-queue='e2e-queue:e2e_never']")));
    assertTrue(row.getAttribute("class").contains("nowork"), row.getAttribute("class"));
    assertTrue(row.getText().contains("no worker polling"), row.getText());
    WebElement polled = driver.findElement(By.cssSelector("tr[data-queue=e2e_a]"));
    assertFalse(polled.getAttribute("class").contains("nowork"));
    shot("queues");
  }

  @Test
  @Order(8)
  void anExecutionWithA2000BranchDynamicForkOpens() {
    String id = startDynamic(2000);
    open("/execution/" + id);
    WebElement group = waitFor(d -> d.findElement(By.cssSelector("g.n.k-group")));
    waitFor(d -> group.getText().contains("2000 branches"));
    waitFor(d -> group.getText().contains("2000 scheduled"));
    shot("execution-dynamic-fork-2000");
    click(By.cssSelector("g.n.k-group"));
    waitFor(d -> d.findElement(By.id("task-panel")).getText().contains("2000 branches"));
    click(By.cssSelector(".main [data-tab=tasks]"));
    // the task list is virtual: a few dozen rows in the DOM for 2,000 tasks
    waitFor(d -> !d.findElements(By.cssSelector("#task-list .trow[data-ref]")).isEmpty());
    int rows = driver.findElements(By.cssSelector("#task-list .trow[data-ref]")).size();
    assertTrue(rows < 100, "rendered rows: " + rows);
    send("DELETE", "/workflow/" + id + "?reason=done", null);
  }

  @Test
  @Order(9)
  void largeExecutionsReachFirstPaint() {
    // measured, not asserted: benchmarks/dashboard-paint.sh repeats it (-Ddashboard.paintRuns) for the numbers
    String big = startFlow("e2e_big", Map.of(), "e2e-big");
    String dyn = startDynamic(5000);
    for (String[] page : new String[][] {{"2,000-task definition", "/execution/" + big}, {"5,000-branch dynamic fork", "/execution/" + dyn},
        {"2,000-task definition (editor)", "/workflowDef/e2e_big"}}) {
      List<Long> graph = new ArrayList<>();
      List<Long> statuses = new ArrayList<>();
      List<String> fetches = new ArrayList<>();
      for (int i = 0; i < Integer.getInteger("dashboard.paintRuns", 1); i++) {
        open(page[1]);
        graph.add(waitFor(d -> (Long) js("const m = performance.getEntriesByName('cvx-graph-painted'); return m.length ? Math.round(m[0].startTime) : null;")));
        if (page[1].startsWith("/execution/")) {
          statuses.add(waitFor(d -> (Long) js("const m = performance.getEntriesByName('cvx-tasks-painted'); return m.length ? Math.round(m[0].startTime) : null;")));
        }
        fetches.add((String) js("return performance.getEntriesByType('resource').filter(r => r.name.includes('/api/'))"
            + ".map(r => r.name.replace(/.*\\/api/, '').slice(0, 50) + ' ' + Math.round(r.startTime) + '-' + Math.round(r.responseEnd) + ' ms').join(', ')"));
      }
      System.out.println("first paint of " + page[0] + ": graph " + graph + " ms, every task's status " + statuses
          + " ms (from navigation start); API calls: " + fetches);
      // only the part in view is drawn
      int drawn = driver.findElements(By.cssSelector("g.n")).size();
      assertTrue(drawn > 3 && drawn < 1000, page[0] + ": " + drawn + " nodes drawn");
    }
    shot("definition-big");
    send("DELETE", "/workflow/" + big + "?reason=done", null);
    send("DELETE", "/workflow/" + dyn + "?reason=done", null);
  }

  @Test
  @Order(10)
  void afterTheFeedIsCutMidRunThePageEndsEqualToAFreshLoad() {
    String id = startFlow("e2e_flow", Map.of("customer", "cut"), "cut");
    open("/execution/" + id);
    waitForLive();
    waitFor(d -> nodeStatus("first").equals("SCHEDULED"));
    expectedConsole.add("WebSocket connection to");
    expectedConsole.add("net::ERR_");
    proxy.cut();
    waitFor(d -> !liveState().equals("connected"));
    shot("execution-feed-cut");
    complete("e2e_a", "cut", Map.of("greeting", "while cut"));
    complete("e2e_b", "cut", Map.of());
    complete("e2e_b", "cut", Map.of());
    proxy.restore();
    js("window.__live.reconnectNow()");
    waitForLive();
    JsonObject fresh = get("/workflow/" + id + "?includeTasks=true");
    Map<String, String> expected = new java.util.TreeMap<>();
    for (Object o : fresh.getJsonArray("tasks")) {
      JsonObject t = (JsonObject) o;
      expected.put(t.getString("referenceTaskName"), t.getString("status"));
    }
    assertEquals("COMPLETED", expected.get("right"));
    waitFor(d -> {
      Map<String, String> shown = new java.util.TreeMap<>();
      for (String ref : expected.keySet()) {
        shown.put(ref, nodeStatus(ref));
      }
      return shown.equals(expected);
    });
    assertTrue(statusText().contains(fresh.getString("status")));
    complete("e2e_a", "cut", Map.of());
    waitFor(d -> statusText().contains("COMPLETED"));
  }

  @Test
  @Order(11)
  void anIdlePageMakesNoRequestsForAMinute() {
    String id = startFlow("e2e_stuck", Map.of(), "e2e-idle");
    open("/execution/" + id);
    waitForLive();
    waitFor(d -> nodeStatus("stuck").equals("SCHEDULED"));
    driver.manage().logs().get(LogType.PERFORMANCE); // drop what loading the page logged
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<String> requests = new ArrayList<>();
    while (System.nanoTime() < end && requests.isEmpty()) {
      // the network log is read every 2 s; the first request ends the wait (and fails the test)
      try {
        new WebDriverWait(driver, Duration.ofSeconds(2), Duration.ofSeconds(2))
            .until(d -> requests.addAll(requestsSent()));
      } catch (org.openqa.selenium.TimeoutException quiet) {
        // two quiet seconds: read again until the minute is over
      }
    }
    assertEquals(List.of(), requests, "requests made by an idle page");
    assertEquals("connected", liveState());
    send("DELETE", "/workflow/" + id + "?reason=done", null);
  }

  // ---------------------------------------------------------------- browser helpers

  private static void open(String path) {
    driver.get(ui + path);
    waitFor(d -> d.findElements(By.cssSelector("main .page")).size() > 0);
  }

  private static <T> T waitFor(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).pollingEvery(Duration.ofMillis(100)).ignoring(RuntimeException.class)
        .until(d -> {
          T v = condition.apply(d);
          return v instanceof Boolean b && !b ? null : v;
        });
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static void click(By by) {
    waitFor(d -> {
      d.findElement(by).click();
      return true;
    });
  }

  private static void select(By by, String value) {
    waitFor(d -> d.findElement(by).findElements(By.cssSelector("option[value='" + value + "']")).size() == 1);
    new org.openqa.selenium.support.ui.Select(driver.findElement(by)).selectByValue(value);
  }

  private static String statusText() {
    return driver.findElement(By.id("wf-status")).getText();
  }

  private static String nodeStatus(String ref) {
    List<WebElement> nodes = driver.findElements(By.cssSelector("g.n[data-ref='" + ref + "']"));
    return nodes.isEmpty() ? "" : nodes.get(0).getAttribute("data-status");
  }

  private static Map<String, String> nodePositions() {
    return driver.findElements(By.cssSelector("g.n[data-ref]")).stream()
        .collect(Collectors.toMap(e -> e.getAttribute("data-ref"), e -> e.getAttribute("transform"), (a, b) -> a, java.util.TreeMap::new));
  }

  private static String liveState() {
    return driver.findElement(By.id("live-state")).getAttribute("data-state");
  }

  private static void waitForLive() {
    waitFor(d -> liveState().equals("connected"));
  }

  /** HTTP requests the page started since the performance log was last read (WebSockets frames are not requests). */
  private static List<String> requestsSent() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject message = new JsonObject(e.getMessage()).getJsonObject("message");
      if ("Network.requestWillBeSent".equals(message.getString("method"))) {
        out.add(message.getJsonObject("params").getJsonObject("request").getString("url"));
      }
    }
    return out;
  }

  private static void shot(String name) {
    try {
      Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- API helpers (blocking, on the test thread)

  record Resp(int status, String body) {}

  private static Resp send(String method, String path, String json) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
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

  private static JsonObject get(String path) {
    Resp r = send("GET", path, null);
    assertEquals(200, r.status(), path + ": " + r.body());
    return new JsonObject(r.body());
  }

  private static void ok(Resp r) {
    assertTrue(r.status() / 100 == 2, r.toString());
  }

  /** Starts a workflow whose tasks go to the domain named by its correlation id, so each test polls only its own. */
  private static String startFlow(String name, Map<String, Object> input, String correlationId) {
    Resp r = send("POST", "/workflow", new JsonObject().put("name", name).put("input", new JsonObject(input))
        .put("correlationId", correlationId).put("taskToDomain", new JsonObject().put("*", correlationId)).encode());
    ok(r);
    return r.body().trim();
  }

  private static String startDynamic(int branches) {
    JsonArray inputs = new JsonArray();
    for (int i = 0; i < branches; i++) {
      inputs.add(new JsonObject().put("n", i));
    }
    Resp r = send("POST", "/workflow", new JsonObject().put("name", "e2e_dyn").put("input", new JsonObject().put("items", inputs)).encode());
    ok(r);
    return r.body().trim();
  }

  /** Polls one task of the type in the domain (bounded) and completes it with the output. */
  private static void complete(String type, String domain, Map<String, Object> output) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      // a long poll: the server holds it up to 1 s until a task is there
      Resp r = send("GET", "/tasks/poll/" + type + "?workerid=e2e-worker&timeout=1000&domain=" + domain, null);
      if (r.status() == 200 && !r.body().isBlank()) {
        JsonObject task = new JsonObject(r.body());
        ok(send("POST", "/tasks", new JsonObject().put("taskId", task.getString("taskId"))
            .put("workflowInstanceId", task.getString("workflowInstanceId")).put("workerId", "e2e-worker")
            .put("status", "COMPLETED").put("outputData", new JsonObject(output)).encode()));
        return;
      }
    }
    fail("no " + type + " task to complete within " + WAIT);
  }

  private static void registerDefinitions() {
    JsonArray taskDefs = new JsonArray();
    for (String name : List.of("e2e_a", "e2e_b", "e2e_never", "e2e_branch", "e2e_big_task")) {
      taskDefs.add(new JsonObject().put("name", name).put("retryCount", 0).put("responseTimeoutSeconds", 600).put("ownerEmail", "e2e@example.com"));
    }
    ok(send("POST", "/metadata/taskdefs", taskDefs.encode()));
    JsonArray flow = new JsonArray()
        .add(simple("e2e_a", "first"))
        .add(new JsonObject().put("name", "fork").put("taskReferenceName", "fork").put("type", "FORK_JOIN")
            .put("forkTasks", new JsonArray().add(new JsonArray().add(simple("e2e_b", "left"))).add(new JsonArray().add(simple("e2e_b", "right")))))
        .add(new JsonObject().put("name", "join").put("taskReferenceName", "join").put("type", "JOIN").put("joinOn", new JsonArray().add("left").add("right")))
        .add(simple("e2e_a", "last"));
    ok(send("POST", "/metadata/workflow", workflow("e2e_flow", flow).put("inputParameters", new JsonArray().add("customer")).encode()));
    ok(send("POST", "/metadata/workflow", workflow("e2e_stuck", new JsonArray().add(simple("e2e_never", "stuck"))).encode()));
    JsonArray dyn = new JsonArray()
        .add(new JsonObject().put("name", "dyn").put("taskReferenceName", "dyn").put("type", "FORK_JOIN_DYNAMIC")
            .put("inputParameters", new JsonObject().put("forkTaskName", "e2e_branch").put("forkTaskInputs", "${workflow.input.items}")))
        .add(new JsonObject().put("name", "dyn_join").put("taskReferenceName", "dyn_join").put("type", "JOIN"));
    ok(send("POST", "/metadata/workflow", workflow("e2e_dyn", dyn).encode()));
    ok(send("POST", "/metadata/workflow", workflow("e2e_big", bigTasks()).encode()));
  }

  /** 2,000 tasks: 125 blocks of a fork with three branches of four tasks, its join and two more tasks. */
  private static JsonArray bigTasks() {
    JsonArray tasks = new JsonArray();
    for (int b = 0; b < 125; b++) {
      JsonArray branches = new JsonArray();
      List<String> lasts = new ArrayList<>();
      for (int br = 0; br < 3; br++) {
        JsonArray branch = new JsonArray();
        for (int t = 0; t < 4; t++) {
          branch.add(simple("e2e_big_task", "b" + b + "_" + br + "_" + t));
        }
        lasts.add("b" + b + "_" + br + "_3");
        branches.add(branch);
      }
      tasks.add(new JsonObject().put("name", "fork").put("taskReferenceName", "fork" + b).put("type", "FORK_JOIN").put("forkTasks", branches));
      tasks.add(new JsonObject().put("name", "join").put("taskReferenceName", "join" + b).put("type", "JOIN").put("joinOn", new JsonArray(lasts)));
      tasks.add(simple("e2e_big_task", "after" + b + "_a"));
      tasks.add(simple("e2e_big_task", "after" + b + "_b"));
    }
    return tasks;
  }

  private static JsonObject simple(String name, String ref) {
    return new JsonObject().put("name", name).put("taskReferenceName", ref).put("type", "SIMPLE");
  }

  private static JsonObject workflow(String name, JsonArray tasks) {
    return new JsonObject().put("name", name).put("version", 1).put("schemaVersion", 2).put("ownerEmail", "e2e@example.com").put("tasks", tasks);
  }
}
