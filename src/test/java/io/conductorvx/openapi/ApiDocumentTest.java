package io.conductorvx.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document and the router agree both ways, the document is served in its three forms
 * and Swagger UI, and a request that breaks the document is a 400 in Conductor's validation body
 * naming the parameter or field and the rule (unless the setting apiValidation is off).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiDocumentTest {
  /** The parts of the URL space that are the API (the dashboard serves index.html elsewhere). */
  private static final List<String> API_PREFIXES = List.of("/api/", "/health", "/metrics", "/actuator/", "/api-docs", "/swagger-ui");

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ConductorServer server;
  private static ConductorServer unvalidated;
  // a Vert.x of its own: servers on port 0 in one Vert.x share one random port
  private static Vertx otherVertx;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    server = ConductorServer.start(vertx, config(true)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    otherVertx = Vertx.vertx();
    unvalidated = ConductorServer.start(otherVertx, config(false)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ServerConfig config(boolean validation) {
    return ServerConfig.fromJson(new JsonObject().put("port", 0).put("httpInstances", 1).put("deciderPartitions", 1)
        .put("apiValidation", validation));
  }

  @AfterAll
  static void stop() throws Exception {
    for (ConductorServer s : new ConductorServer[] {server, unvalidated}) {
      if (s != null) {
        s.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    if (otherVertx != null) {
      otherVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedOperationIsServed() {
    Set<String> served = new TreeSet<>();
    for (Route route : server.httpRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || API_PREFIXES.stream().noneMatch(path::startsWith)) {
        continue; // method-less routes are body handlers, validation and 405 answers, not operations
      }
      if (path.startsWith("/swagger-ui")) {
        path = "/swagger-ui/index.html"; // Swagger UI's page and its assets are one documented operation
      }
      for (HttpMethod method : route.methods()) {
        served.add(method.name() + " " + normalize(path));
      }
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = ApiDocument.read().tree().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          documented.add(method.toUpperCase() + " " + normalize(path));
        }
      }
    }
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    assertTrue(undocumented.isEmpty(), "served but not in the OpenAPI document: " + undocumented);

    Set<String> unserved = new TreeSet<>(documented);
    unserved.removeAll(served);
    assertTrue(unserved.isEmpty(), "in the OpenAPI document but not served: " + unserved);
    assertTrue(served.size() > 100, "the walk found the routes: " + served.size());
  }

  @Test
  void theDocumentIsServedAsYamlJsonAReferencePageAndSwaggerUi() throws Exception {
    HttpResponse<String> yaml = get(server, "/api-docs/openapi.yaml");
    assertEquals(200, yaml.statusCode());
    assertTrue(yaml.body().startsWith("openapi: 3.1"), yaml.body().substring(0, 40));

    HttpResponse<String> json = get(server, "/api-docs/openapi.json");
    assertEquals(200, json.statusCode());
    JsonObject doc = new JsonObject(json.body());
    assertEquals("3.1.0", doc.getString("openapi"));
    assertNotNull(doc.getJsonObject("paths").getJsonObject("/api/tasks/poll/batch/{tasktype}").getJsonObject("get"));

    HttpResponse<String> page = get(server, "/api-docs");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("/api/tasks/poll/batch/{tasktype}") && page.body().contains("batchPoll"));

    HttpResponse<String> ui = get(server, "/swagger-ui/index.html");
    assertEquals(200, ui.statusCode());
    assertTrue(ui.body().contains("swagger-initializer.js"), ui.body());
    HttpResponse<String> init = get(server, "/swagger-ui/swagger-initializer.js");
    assertTrue(init.body().contains("/api-docs/openapi.json") && !init.body().contains("petstore"), init.body());
    assertEquals(200, get(server, "/swagger-ui/swagger-ui-bundle.js").statusCode());
  }

  @Test
  void aQueryParameterThatBreaksTheDocumentIsA400NamingItAndTheRule() throws Exception {
    HttpResponse<String> resp = get(server, "/api/tasks/poll/batch/oas_task?count=many");
    JsonObject error = validationError(resp);
    JsonObject item = error.getJsonArray("validationErrors").getJsonObject(0);
    assertEquals("count", item.getString("path"), resp.body());
    assertTrue(item.getString("message").contains("count"), resp.body());

    JsonObject missing = validationError(get(server, "/api/tasks/queue/size"));
    assertEquals("taskType", missing.getJsonArray("validationErrors").getJsonObject(0).getString("path"));
  }

  @Test
  void aBodyThatBreaksTheDocumentIsA400NamingTheFieldAndTheRule() throws Exception {
    JsonObject error = validationError(send(server, "POST", "/api/workflow", "{\"name\": 5}"));
    JsonArray items = error.getJsonArray("validationErrors");
    JsonObject item = items.getJsonObject(0);
    assertEquals("body.name", item.getString("path"), error.encode());
    assertTrue(item.getString("message").contains("type"), error.encode());

    // the task update is checked by hand (HandChecks) with the same rules and the same shape
    JsonObject update = validationError(send(server, "POST", "/api/tasks", "{\"taskId\": 5, \"workflowInstanceId\": \"w\"}"));
    assertEquals("body.taskId", update.getJsonArray("validationErrors").getJsonObject(0).getString("path"), update.encode());
    JsonObject notAnObject = validationError(send(server, "POST", "/api/tasks", "[]"));
    assertEquals("body", notAnObject.getJsonArray("validationErrors").getJsonObject(0).getString("path"));
    JsonObject belowMinimum = validationError(get(server, "/api/tasks/poll/batch/oas_task?count=0"));
    assertTrue(belowMinimum.getJsonArray("validationErrors").getJsonObject(0).getString("message").contains("minimum"));

    JsonObject shape = validationError(send(server, "POST", "/api/metadata/taskdefs", "{\"name\": \"x\"}"));
    assertEquals("body", shape.getJsonArray("validationErrors").getJsonObject(0).getString("path"), shape.encode());
  }

  @Test
  void aValidRequestReachesTheResource() throws Exception {
    HttpResponse<String> poll = get(server, "/api/tasks/poll/batch/oas_task?count=2&timeout=1&workerid=w1");
    assertEquals(200, poll.statusCode(), poll.body());
    assertEquals("[]", poll.body());
    HttpResponse<String> blank = get(server, "/api/tasks/poll/batch/oas_task?count=&timeout=1");
    assertEquals(200, blank.statusCode(), "a blank value is the default, as the resource reads it: " + blank.body());
    HttpResponse<String> unknown = get(server, "/api/workflow/oas-no-such-id");
    assertEquals(404, unknown.statusCode(), unknown.body());
  }

  @Test
  void withValidationOffTheResourceAnswersItself() throws Exception {
    HttpResponse<String> resp = get(unvalidated, "/api/tasks/poll/batch/oas_task?count=many");
    assertEquals(400, resp.statusCode(), resp.body());
    JsonObject error = new JsonObject(resp.body());
    assertFalse(error.containsKey("validationErrors"), resp.body());
    assertTrue(error.getString("message").contains("count"), resp.body());
  }

  private static JsonObject validationError(HttpResponse<String> resp) {
    assertEquals(400, resp.statusCode(), resp.body());
    JsonObject error = new JsonObject(resp.body());
    assertEquals(400, error.getInteger("status"));
    assertEquals("Validation failed, check below errors for detail.", error.getString("message"));
    assertFalse(error.getJsonArray("validationErrors").isEmpty(), resp.body());
    return error;
  }

  /** Path parameters as {} whatever their name, so :workflowId and {name} compare equal. */
  private static String normalize(String path) {
    return path.replaceAll(":[A-Za-z0-9_]+", "{}").replaceAll("\\{[^}/]+}", "{}");
  }

  private static HttpResponse<String> get(ConductorServer s, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(ConductorServer s, String method, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
