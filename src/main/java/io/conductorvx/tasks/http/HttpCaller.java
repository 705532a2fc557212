package io.conductorvx.tasks.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.conductorvx.model.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Performs an {@link HttpRequestSpec} with a Vert.x WebClient, without blocking. */
public final class HttpCaller {
  private static final ObjectReader STRICT_JSON = Json.MAPPER.readerFor(JsonNode.class)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** What came back: Conductor's {@code output.response} map is built from it. */
  public record Outcome(int statusCode, String reasonPhrase, Map<String, List<String>> headers, Object body, String bodyText) {
    public boolean successful() {
      return statusCode >= 200 && statusCode < 300;
    }

    public Map<String, Object> toResponse() {
      Map<String, Object> response = new LinkedHashMap<>();
      response.put("headers", headers);
      response.put("reasonPhrase", reasonPhrase);
      response.put("statusCode", statusCode);
      if (body != null) {
        response.put("body", body);
      }
      return response;
    }
  }

  private HttpCaller() {}

  public static Future<Outcome> call(WebClient client, HttpRequestSpec spec) {
    HttpRequest<Buffer> request;
    try {
      request = client.requestAbs(HttpMethod.valueOf(spec.method()), spec.uri());
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("Invalid HTTP URI '" + spec.uri() + "': " + e.getMessage()));
    }
    request.connectTimeout(spec.connectTimeoutMs()).idleTimeout(spec.readTimeoutMs());
    request.putHeader("Accept", spec.accept());
    spec.headers().forEach(request::putHeader);
    return send(request, spec).map(HttpCaller::outcome);
  }

  /** JSON unless contentType says otherwise; a string body goes out as it is, a map as a form when asked. */
  private static Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> request, HttpRequestSpec spec) {
    Object body = spec.body();
    if (body == null) {
      return request.send();
    }
    if (spec.sendsForm() && body instanceof Map<?, ?> fields) {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      fields.forEach((k, v) -> form.add(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      return request.sendForm(form);
    }
    if (!request.headers().contains("Content-Type")) {
      request.putHeader("Content-Type", spec.contentType());
    }
    Buffer payload = body instanceof String s ? Buffer.buffer(s) : Buffer.buffer(Json.toBytes(body));
    return request.sendBuffer(payload);
  }

  private static Outcome outcome(HttpResponse<Buffer> response) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : response.headers().names()) {
      headers.put(name, new ArrayList<>(response.headers().getAll(name)));
    }
    String text = response.body() == null ? null : response.bodyAsString();
    return new Outcome(response.statusCode(), response.statusMessage(), headers, parse(text), text);
  }

  /** A JSON object, array or number when the body is one, else the text itself. */
  static Object parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      JsonNode node = STRICT_JSON.readValue(text);
      if (node != null && (node.isObject() || node.isArray())) {
        return Json.MAPPER.convertValue(node, Object.class);
      }
      if (node != null && node.isNumber()) {
        return node.numberValue();
      }
    } catch (IOException notJson) {
      // plain text
    }
    return text;
  }
}
