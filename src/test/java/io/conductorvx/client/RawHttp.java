package io.conductorvx.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP for the endpoints the official Java client has no method for. */
final class RawHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private RawHttp() {}

  record Response(int status, String contentType, String body) {}

  static Response get(TestServer server, String path) {
    return send(server, "GET", path, null);
  }

  static Response post(TestServer server, String path, String json) {
    return send(server, "POST", path, json);
  }

  static Response send(TestServer server, String method, String path, String json) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      req.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
