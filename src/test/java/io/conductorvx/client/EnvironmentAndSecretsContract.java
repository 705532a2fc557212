package io.conductorvx.client;

import static io.conductorvx.client.SubWorkflowTaskTest.systemTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ${workflow.env.NAME}}, {@code ${workflow.secrets.NAME}}, /api/environment and /api/secrets
 * on one backend. Environment values are readable and resolved into stored inputs; secret values
 * reach a polling worker and an HTTP task's request only, and never an API answer, what is stored
 * (checked in PostgreSQL itself), the live feed's events or a log line.
 */
abstract class EnvironmentAndSecretsContract extends BackendTestBase {
  private static final Duration DONE = Duration.ofSeconds(20);
  private static final String TOKEN = "tok-5ecret-7f3a9c";
  private static final String API_KEY = "k3y-0f-the-api-4411";

  private static final Logger SERVER_LOG = Logger.getLogger("io.conductorvx");
  private static final Logger VERTX_LOG = Logger.getLogger("io.vertx");

  private Vertx endpointVertx;
  private HttpServer endpoint;
  private final List<String> authorizationsReceived = new CopyOnWriteArrayList<>();
  private final List<String> logLines = new CopyOnWriteArrayList<>();
  private final List<String> liveEvents = new CopyOnWriteArrayList<>();
  private final Handler logCapture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logLines.add(String.valueOf(record.getMessage()) + " " + (record.getThrown() == null ? "" : record.getThrown()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final List<MessageConsumer<JsonObject>> feed = new ArrayList<>();

  @Override
  protected JsonObject moreSettings() {
    return new JsonObject()
        .put("environment", new JsonObject().put("REGION", "eu-west-1").put("DB", new JsonObject().put("host", "db1").put("port", 5432)))
        .put("secrets", new JsonObject().put("TOKEN", TOKEN).put("API", new JsonObject().put("key", API_KEY).encode()));
  }

  @BeforeAll
  void listen() {
    Logger.getLogger("").addHandler(logCapture);
    // everything the server logs, down to the finest level, and what Vert.x logs (the console shows INFO and up)
    SERVER_LOG.setLevel(Level.ALL);
    VERTX_LOG.setLevel(Level.INFO);
    for (String address : List.of(LiveEvents.WORKFLOW, LiveEvents.TASK)) {
      MessageConsumer<JsonObject> c = server.conductorServer().engine().statusChannels().listen(address, m -> liveEvents.add(m.body().encode()));
      TestServer.await(c.completion(), 10);
      feed.add(c);
    }
    endpointVertx = Vertx.vertx();
    Router router = Router.router(endpointVertx);
    router.route().handler(BodyHandler.create());
    router.post("/echo").handler(ctx -> {
      authorizationsReceived.add(ctx.request().getHeader("Authorization"));
      ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("youSent", ctx.request().getHeader("Authorization")).put("body", ctx.body().asJsonObject()).encode());
    });
    endpoint = TestServer.await(endpointVertx.createHttpServer().requestHandler(router).listen(0), 10);
  }

  @AfterAll
  void unlisten() {
    Logger.getLogger("").removeHandler(logCapture);
    SERVER_LOG.setLevel(null);
    VERTX_LOG.setLevel(null);
    feed.forEach(MessageConsumer::unregister);
    TestServer.await(endpointVertx.close(), 10);
  }

  @Test
  void environmentIsListedReadAndResolvedIntoTaskInputs() {
    RawHttp.Response all = RawHttp.get(server, "/api/environment");
    assertEquals(200, all.status());
    assertEquals(new JsonArray()
            .add(new JsonObject().put("name", "DB").put("value", new JsonObject().put("host", "db1").put("port", 5432).encode()))
            .add(new JsonObject().put("name", "REGION").put("value", "eu-west-1")),
        new JsonArray(all.body()));
    RawHttp.Response one = RawHttp.get(server, "/api/environment/REGION");
    assertEquals("eu-west-1", one.body());
    assertTrue(one.contentType().startsWith("text/plain"), one.contentType());
    assertEquals(404, RawHttp.get(server, "/api/environment/NOPE").status());

    String wf = uniq("env_wf");
    registerWorkflow(wf, List.of(systemTask("SET_VARIABLE", "set", map(
        "region", expr("workflow.env.REGION"),
        "dbHost", expr("workflow.env.DB.host"),
        "dbPort", expr("workflow.env.DB.port"),
        "url", "https://${workflow.env.REGION}.example",
        "missing", expr("workflow.env.NOPE")))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);
    Map<String, Object> vars = w.getVariables();
    assertEquals("eu-west-1", vars.get("region"));
    assertEquals("db1", vars.get("dbHost"));
    assertEquals(5432, ((Number) vars.get("dbPort")).intValue());
    assertEquals("https://eu-west-1.example", vars.get("url"));
    assertEquals(null, vars.get("missing"));
  }

  @Test
  void secretsAreListedByNameOnly() {
    RawHttp.Response names = RawHttp.get(server, "/api/secrets");
    assertEquals(200, names.status());
    assertEquals(new JsonArray().add("API").add("TOKEN"), new JsonArray(names.body()));
    assertNoSecretIn("GET /api/secrets", names.body());
    assertEquals(404, RawHttp.get(server, "/api/secrets/TOKEN").status(), "no route answers a secret's value");
    RawHttp.Response config = RawHttp.get(server, "/api/admin/config");
    assertEquals(200, config.status());
    assertNoSecretIn("GET /api/admin/config", config.body());
  }

  @Test
  void aPollingWorkerGetsTheSecretsItsInputReferencesAndNothingElseShowsThem() throws Exception {
    String type = uniq("secret_worker");
    registerTaskDef(type, null);
    String wf = uniq("secret_wf");
    WorkflowTask work = simpleTask(type, "work", map(
        "authorization", "Bearer ${workflow.secrets.TOKEN}",
        "token", expr("workflow.secrets.TOKEN"),
        "apiKey", expr("workflow.secrets.API.key"),
        "viaInput", expr("workflow.input.passedOn"),
        "unknown", "[${workflow.secrets.NOPE}]"));
    WorkflowTask inline = systemTask("INLINE", "inline", map("evaluatorType", "javascript", "expression", "$.t + '!'",
        "t", expr("workflow.secrets.TOKEN")));
    WorkflowTask set = systemTask("SET_VARIABLE", "set", map("copied", expr("workflow.secrets.TOKEN")));
    registerWorkflow(wf, List.of(work, inline, set), d -> d.setOutputParameters(new java.util.LinkedHashMap<>(
        map("out", expr("workflow.secrets.TOKEN")))));
    String id = start(wf, map("passedOn", "${workflow.secrets.TOKEN}"));

    Task polled = awaitPoll(type, "secret-worker", null, DONE);
    assertEquals("Bearer " + TOKEN, polled.getInputData().get("authorization"));
    assertEquals(TOKEN, polled.getInputData().get("token"));
    assertEquals(API_KEY, polled.getInputData().get("apiKey"));
    assertEquals(TOKEN, polled.getInputData().get("viaInput"), "a reference that arrived through the input is filled in too");
    assertEquals("[]", polled.getInputData().get("unknown"));
    complete(polled, map("done", true));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    // in-server tasks see the reference, not the value: nothing they produce can hold it
    assertEquals("${workflow.secrets.TOKEN}!", w.getTaskByRefName("inline").getOutputData().get("result"));
    assertEquals("${workflow.secrets.TOKEN}", w.getVariables().get("copied"));
    assertEquals("${workflow.secrets.TOKEN}", w.getOutput().get("out"));
    // the stored task keeps the references
    Task stored = taskClient.getTaskDetails(polled.getTaskId());
    assertEquals("Bearer ${workflow.secrets.TOKEN}", stored.getInputData().get("authorization"));

    for (String path : List.of("/api/workflow/" + id, "/api/tasks/" + polled.getTaskId(),
        "/api/workflow/search-v2?query=workflowType%3D" + wf, "/api/tasks/search-v2?query=workflowId%3D" + id,
        "/api/workflow/" + id + "/tasks", "/api/admin/task/" + type)) {
      RawHttp.Response r = RawHttp.get(server, path);
      assertEquals(200, r.status(), path + " " + r.body());
      assertNoSecretIn("GET " + path, r.body());
    }
    assertNoSecretInStore(id);
    assertNoSecretIn("the live feed's events", String.join("\n", liveEvents));
    assertNoSecretIn("the log", String.join("\n", logLines));
  }

  @Test
  void anHttpTaskSendsTheSecretAndKeepsAMaskedAnswer() {
    String wf = uniq("secret_http");
    registerWorkflow(wf, List.of(systemTask("HTTP", "call", map("http_request", map(
        "uri", "http://localhost:" + endpoint.actualPort() + "/echo",
        "method", "POST",
        "headers", map("Authorization", "Bearer ${workflow.secrets.TOKEN}"),
        "body", map("key", expr("workflow.secrets.API.key"), "plain", "hello"))))), null);
    Workflow w = awaitStatus(start(wf, map()), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("Bearer " + TOKEN), authorizationsReceived, "the endpoint got the secret");
    Task call = w.getTaskByRefName("call");
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) ((Map<String, Object>) call.getOutputData().get("response")).get("body");
    assertEquals("Bearer ***", body.get("youSent"), "the echoed secret is masked in what is kept");
    assertEquals(Map.of("key", "***", "plain", "hello"), body.get("body"));
    assertEquals("Bearer ${workflow.secrets.TOKEN}",
        ((Map<?, ?>) ((Map<?, ?>) call.getInputData().get("http_request")).get("headers")).get("Authorization"));
    assertNoSecretIn("the workflow", RawHttp.get(server, "/api/workflow/" + w.getWorkflowId()).body());
    assertNoSecretInStore(w.getWorkflowId());
    assertNoSecretIn("the log", String.join("\n", logLines));
  }

  private static void assertNoSecretIn(String where, String text) {
    assertNotNull(text, where);
    assertFalse(text.contains(TOKEN), () -> where + " shows the TOKEN secret: " + text);
    assertFalse(text.contains(API_KEY), () -> where + " shows the API secret: " + text);
  }

  /** On PostgreSQL, reads the rows themselves: no stored workflow or task (of any test) holds a secret value. */
  private void assertNoSecretInStore(String workflowId) {
    if (schema == null) {
      return;
    }
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestBackends.POSTGRES_URL)).using(server.conductorServer().vertx()).build();
    try {
      long rows = TestServer.await(pool.preparedQuery("SELECT (SELECT count(*) FROM " + schema + ".task WHERE workflow_id = $1)"
              + " + (SELECT count(*) FROM " + schema + ".workflow WHERE workflow_id = $1)").execute(Tuple.of(workflowId)), 10)
          .iterator().next().getLong(0);
      assertTrue(rows >= 2, "the workflow and its tasks are stored: " + rows);
      long leaks = TestServer.await(pool.preparedQuery("SELECT (SELECT count(*) FROM " + schema + ".task WHERE json::text LIKE $1"
              + " OR json::text LIKE $2) + (SELECT count(*) FROM " + schema + ".workflow WHERE json::text LIKE $1 OR json::text LIKE $2"
              + " OR input::text LIKE $1 OR input::text LIKE $2)").execute(Tuple.of("%" + TOKEN + "%", "%" + API_KEY + "%")), 10)
          .iterator().next().getLong(0);
      assertEquals(0, leaks, "rows of PostgreSQL that hold a secret value");
    } finally {
      TestServer.await(pool.close(), 10);
    }
  }
}
