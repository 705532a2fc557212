package io.conductorvx.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The REST calls the live-feed tests make, blocking on the test thread. */
final class LiveHttp {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  LiveHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> call(String method, String path, Object body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
          .header("Content-Type", "application/json");
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : io.vertx.core.json.Json.encode(body)));
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    }
  }

  String ok(String method, String path, Object body) {
    HttpResponse<String> r = call(method, path, body);
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  void registerWorkflow(JsonObject def) {
    ok("POST", "/api/metadata/workflow", def);
  }

  String start(String name, JsonObject input) {
    return ok("POST", "/api/workflow/" + name, input == null ? new JsonObject() : input);
  }

  JsonObject workflow(String id) {
    return new JsonObject(ok("GET", "/api/workflow/" + id + "?includeTasks=true", null));
  }

  List<JsonObject> poll(String taskType, String worker, int count) {
    String body = ok("GET", "/api/tasks/poll/batch/" + taskType + "?count=" + count + "&timeout=50&workerid=" + worker, null);
    return body.isEmpty() ? List.of() : new JsonArray(body).stream().map(o -> (JsonObject) o).toList();
  }

  void complete(JsonObject task, String status, JsonObject output) {
    ok("POST", "/api/tasks", new JsonObject().put("workflowInstanceId", task.getString("workflowInstanceId"))
        .put("taskId", task.getString("taskId")).put("status", status).put("workerId", task.getString("workerId"))
        .put("outputData", output == null ? new JsonObject() : output));
  }

  static JsonObject simple(String type, String ref) {
    return new JsonObject().put("name", type).put("taskReferenceName", ref).put("type", "SIMPLE");
  }

  static JsonObject definition(String name, JsonArray tasks) {
    return new JsonObject().put("name", name).put("version", 1).put("schemaVersion", 2)
        .put("ownerEmail", "tests@conductor-vx.io").put("tasks", tasks);
  }
}
