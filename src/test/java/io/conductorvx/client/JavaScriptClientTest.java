package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official JavaScript SDK ({@code @io-orkes/conductor-javascript}, unchanged) against an
 * in-process server: {@code src/test/js/official-client.cjs} registers definitions, runs a worker
 * with the SDK's TaskManager, drives the workflow operations and the searches, and prints one line
 * per scenario. Needs Node.js 18+ and npm; the SDK is installed with {@code npm ci} on first use.
 */
class JavaScriptClientTest {
  private static final Path SCRIPTS = Path.of("src", "test", "js");
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void officialJavaScriptClientRunsEveryScenario() throws Exception {
    if (!Files.isDirectory(SCRIPTS.resolve("node_modules"))) {
      Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
      assertEquals(0, install.exitCode(), "npm ci failed:\n" + install.output());
    }
    Result result = run(List.of("node", "official-client.cjs"), 180);
    assertEquals(0, result.exitCode(), "the JavaScript client failed:\n" + result.output());
    assertTrue(result.output().lines().anyMatch(l -> l.startsWith("ok   ")), result.output());
    assertTrue(result.output().lines().noneMatch(l -> l.startsWith("FAIL")), result.output());
  }

  private record Result(int exitCode, String output) {}

  /** Runs a command in the scripts folder with the server's URL in its environment; output and errors together. */
  private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("js-client", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(SCRIPTS.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("CONDUCTOR_SERVER_URL", server.baseUrl());
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
