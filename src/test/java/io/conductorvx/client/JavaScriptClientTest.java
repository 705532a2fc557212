package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.testing.MethodRefusingProxy;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official JavaScript SDK ({@code @io-orkes/conductor-javascript}, unchanged) against an
 * in-process server: {@code src/test/js/official-client.cjs} registers definitions, runs a worker
 * with the SDK's TaskManager, drives the workflow operations, the searches and the SchedulerClient
 * (pause and resume also through a proxy that refuses PUT, so the SDK's GET fallback runs), and prints one line
 * per scenario; once per backend mode. Needs Node.js 18+ and npm; the SDK is installed with
 * {@code npm ci} on first use.
 */
class JavaScriptClientTest {
  private static final Path SCRIPTS = Path.of("src", "test", "js");

  @BeforeAll
  static void installSdk() throws Exception {
    if (!Files.isDirectory(SCRIPTS.resolve("node_modules"))) {
      Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
      assertEquals(0, install.exitCode(), "npm ci failed:\n" + install.output());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "postgres+redis", "postgres"})
  void officialJavaScriptClientRunsEveryScenario(String mode) throws Exception {
    String schema = mode.equals("memory") ? null : TestBackends.uniqueSchema();
    if (schema != null) {
      TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
    }
    try (TestServer server = TestServer.start(settings(mode, schema))) {
      MethodRefusingProxy refusePut = TestServer.await(MethodRefusingProxy.start(server.server().vertx(), server.port(), HttpMethod.PUT), 10);
      try {
        Result result = run(List.of("node", "official-client.cjs"),
            Map.of("CONDUCTOR_SERVER_URL", server.baseUrl(), "CONDUCTOR_REFUSE_PUT_URL", "http://127.0.0.1:" + refusePut.port() + "/api"), 180);
        assertEquals(0, result.exitCode(), "the JavaScript client failed:\n" + result.output());
        assertTrue(result.output().lines().anyMatch(l -> l.startsWith("ok   ")), result.output());
        assertTrue(result.output().lines().noneMatch(l -> l.startsWith("FAIL")), result.output());
        // the SDK tried PUT, got our 405, and went on with GET
        assertEquals(List.of("PUT /api/scheduler/schedules/{s}/resume -> 405", "GET /api/scheduler/schedules/{s}/resume -> 200",
            "PUT /api/scheduler/schedules/{s}/pause -> 405", "GET /api/scheduler/schedules/{s}/pause -> 200"),
            refusePut.exchanges().stream().map(l -> l.replaceAll("/schedules/[^/]+/", "/schedules/{s}/")).toList(), result.output());
      } finally {
        TestServer.await(refusePut.close(), 10);
      }
    } finally {
      if (schema != null) {
        TestServer.await(TestBackends.dropSchema(schema), 30);
      }
    }
  }

  private static JsonObject settings(String mode, String schema) {
    return switch (mode) {
      case "postgres+redis" -> new JsonObject().put("store", "postgres").put("queue", "redis")
          .put("postgresUrl", TestBackends.postgresUrl(schema)).put("redisUrl", TestBackends.REDIS_URL)
          .put("redisKeyPrefix", TestBackends.uniqueRedisPrefix());
      case "postgres" -> new JsonObject().put("store", "postgres").put("queue", "postgres")
          .put("postgresUrl", TestBackends.postgresUrl(schema));
      default -> new JsonObject();
    };
  }

  private record Result(int exitCode, String output) {}

  /** Runs a command in the scripts folder with the given environment added; output and errors together. */
  private static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("js-client", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(SCRIPTS.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
