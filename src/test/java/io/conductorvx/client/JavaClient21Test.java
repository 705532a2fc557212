package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.testing.MethodRefusingProxy;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java client of Conductor 6 ({@code org.conductoross:conductor-client:6.0.0}, built for Java 21)
 * against an in-process server on this JVM (Java 17 or newer): the Maven project in
 * {@code src/test/java21} runs on a JDK >= 21 as its own Maven build, with the server's URL and the
 * URL of a proxy that refuses GET on schedule pause/resume in its environment.
 *
 * <p>The JDK comes from the {@code conductor.jdk21} system property or CONDUCTOR_TEST_JDK21_HOME,
 * else this JVM if it is one, else the newest JDK >= 21 installed beside this one (the folder that
 * holds this JVM's home, as /usr/lib/jvm on Debian). Maven is {@code mvn} from the PATH.
 */
class JavaClient21Test {
  private static final Path PROJECT = Path.of("src", "test", "java21");

  @Test
  void javaClient21SchedulerClientRunsEveryCall() throws Exception {
    Path jdk = jdk21().orElseThrow(() -> new AssertionError("No JDK 21 or newer found: install one beside the JDK running"
        + " the tests, or name it with -Dconductor.jdk21=<home> or CONDUCTOR_TEST_JDK21_HOME"));
    try (TestServer server = TestServer.start(new JsonObject())) {
      MethodRefusingProxy refuseGet = TestServer.await(MethodRefusingProxy.start(server.server().vertx(), server.port(), HttpMethod.GET), 10);
      try {
        List<String> command = new ArrayList<>(List.of(maven(), "-B", "-f", PROJECT.resolve("pom.xml").toString(), "test"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
          command.add("-Dmaven.repo.local=" + repo);
        }
        Path log = Files.createTempFile("java21-client", ".log");
        try {
          ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
          builder.environment().put("JAVA_HOME", jdk.toString());
          builder.environment().put("CONDUCTOR_SERVER_URL", server.baseUrl());
          builder.environment().put("CONDUCTOR_REFUSE_GET_URL", "http://127.0.0.1:" + refuseGet.port() + "/api");
          Process process = builder.start();
          boolean done = process.waitFor(300, TimeUnit.SECONDS);
          if (!done) {
            process.destroyForcibly();
          }
          String output = Files.readString(log, StandardCharsets.UTF_8);
          assertTrue(done, "the Java 21 client tests timed out:\n" + tail(output));
          assertEquals(0, process.exitValue(), "the Java 21 client tests failed (JDK " + jdk + "):\n" + tail(output));
          assertTrue(output.contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), tail(output));
        } finally {
          Files.deleteIfExists(log);
        }
        // the client sent GET, got our 405, and went on with PUT
        assertEquals(List.of("GET /api/scheduler/schedules/{s}/pause -> 405", "PUT /api/scheduler/schedules/{s}/pause -> 200",
            "GET /api/scheduler/schedules/{s}/resume -> 405", "PUT /api/scheduler/schedules/{s}/resume -> 200"),
            refuseGet.exchanges().stream().map(l -> l.replaceAll("/schedules/[^/]+/", "/schedules/{s}/")).toList());
      } finally {
        TestServer.await(refuseGet.close(), 10);
      }
    }
  }

  private static String tail(String output) {
    return output.length() > 12_000 ? output.substring(output.length() - 12_000) : output;
  }

  private static String maven() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "mvn.cmd" : "mvn";
  }

  static Optional<Path> jdk21() throws IOException {
    String named = System.getProperty("conductor.jdk21", System.getenv("CONDUCTOR_TEST_JDK21_HOME"));
    if (named != null && !named.isBlank()) {
      return Optional.of(Path.of(named));
    }
    Path self = Path.of(System.getProperty("java.home"));
    if (Runtime.version().feature() >= 21 && Files.isExecutable(self.resolve("bin").resolve("javac"))) {
      return Optional.of(self);
    }
    Path beside = self.toRealPath().getParent();
    if (beside == null) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(beside)) {
      return homes.filter(h -> Files.isExecutable(h.resolve("bin").resolve("javac")))
          .filter(h -> feature(h) >= 21)
          .max(Comparator.comparingInt(JavaClient21Test::feature));
    }
  }

  /** The major version of a JDK home, from its {@code release} file; 0 when unknown. */
  private static int feature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
          String major = v.startsWith("1.") ? v.substring(2).split("\\.")[0] : v.split("[.+-]")[0];
          return Integer.parseInt(major);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
