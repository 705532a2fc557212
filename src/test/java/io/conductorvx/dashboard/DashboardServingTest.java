package io.conductorvx.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the server serves the dashboard: files, page paths, headers, and what it weighs. */
@ExtendWith(VertxExtension.class)
class DashboardServingTest {
  private static final Path WEBROOT = Path.of("webroot");
  private static ConductorServer server;
  private static HttpClient http;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    server = ConductorServer.start(vertx, ServerConfig.fromJson(new JsonObject().put("port", 0)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void pagePathsAnswerTheAppWithAContentSecurityPolicy() {
    for (String path : List.of("/", "/execution/some-id", "/workflowDef/a/2", "/taskDef/x", "/queues", "/run?name=x")) {
      HttpResponse<String> r = get(path, false);
      assertEquals(200, r.statusCode(), path);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), path);
      assertTrue(r.body().contains("<script type=\"module\" src=\"/js/app.js\">"), path);
      String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.startsWith("default-src 'self'"), csp);
      assertTrue(csp.contains("connect-src 'self' ws://localhost:" + server.port()), csp);
    }
  }

  @Test
  void filesComeCompressedAndRevalidated() {
    HttpResponse<String> r = get("/js/app.js", true);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
    assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElse(""));
    assertTrue(r.headers().firstValue("Last-Modified").isPresent());
  }

  @Test
  void apiAnswersGoUncompressedEvenToClientsThatAcceptGzip() {
    for (String path : List.of("/api/metadata/workflow", "/api/workflow/no-such-id", "/api/tasks/poll/batch/nobody?timeout=1")) {
      HttpResponse<String> r = get(path, true);
      assertTrue(r.statusCode() == 200 || r.statusCode() == 404, path + " " + r.statusCode());
      assertEquals("", r.headers().firstValue("Content-Encoding").orElse(""), path);
      assertTrue(r.body().startsWith("[") || r.body().startsWith("{"), path + ": " + r.body());
    }
  }

  @Test
  void apiPathsKeepConductorsAnswers() {
    HttpResponse<String> unknown = get("/api/nope", false);
    assertEquals(404, unknown.statusCode());
    assertEquals(404, new JsonObject(unknown.body()).getInteger("status"));
    assertEquals(200, get("/health", false).statusCode());
  }

  /** All of it under 150 KB compressed (it is far less), and nothing that names another host. */
  @Test
  void theWholeDashboardIsSmallAndSelfContained() throws IOException {
    long gzipped = 0;
    Pattern external = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/");
    try (Stream<Path> files = Files.walk(WEBROOT)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.equals("LICENSE") || name.equals("README.md")) {
          continue;
        }
        byte[] bytes = Files.readAllBytes(f);
        gzipped += gzip(bytes);
        if (name.endsWith(".js") || name.endsWith(".css") || name.endsWith(".html")) {
          // XML namespace names (www.w3.org) are identifiers, never fetched
          String text = new String(bytes).replace("http://www.w3.org/", "");
          assertFalse(external.matcher(text).find(), f + " refers to another host");
        }
      }
    }
    System.out.println("dashboard size, gzip -6 per file: " + gzipped / 1024 + " KB");
    assertTrue(gzipped < 150 * 1024, gzipped + " bytes");
  }

  private static long gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.size();
  }

  private static HttpResponse<String> get(String path, boolean gzip) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path));
    if (gzip) {
      req.header("Accept-Encoding", "gzip");
    }
    try {
      return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
