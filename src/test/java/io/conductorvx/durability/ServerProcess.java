package io.conductorvx.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server as an OS process of its own ({@code java -cp <test classpath> io.conductorvx.Main}),
 * configured through environment variables only, so it can be killed like a real deployment.
 * Its output goes to a log file; a shutdown hook kills it if the test JVM ends first.
 */
final class ServerProcess {
  private final Process process;
  private final Path log;
  private final int port;
  private final Thread reaper;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.reaper = new Thread(process::destroyForcibly, "crash-server-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts {@code io.conductorvx.Main} with the test JVM's classpath. Inherited CONDUCTOR_*
   * variables are dropped, and it runs in {@code workDir} so no config file of the project is read.
   */
  static ServerProcess start(Map<String, String> settings, int port, Path workDir, String logName) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "io.conductorvx.Main");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CONDUCTOR_"));
    pb.environment().putAll(settings);
    pb.environment().put("CONDUCTOR_PORT", Integer.toString(port));
    Path log = workDir.resolve(logName);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    try {
      return new ServerProcess(pb.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the server process", e);
    }
  }

  long pid() {
    return process.pid();
  }

  /**
   * Polls GET /health until it answers 200. Fails when the process exits first or the time runs out.
   * @return milliseconds it took
   */
  long awaitHealthy(Duration within) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + within.toNanos();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("server process exited with " + process.exitValue() + " before it was healthy:\n" + logTail(40));
      }
      try {
        if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("server not healthy within " + within.toSeconds() + " s:\n" + logTail(40));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Kills the process the hard way. On Linux {@link Process#destroyForcibly()} sends SIGKILL; the
   * exit code (128 + 9) shows that it did.
   * @return the exit code
   */
  int killHard() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      throw new AssertionError("server process did not die within 15 s of SIGKILL");
    }
    forget();
    return process.exitValue();
  }

  /** Ends the process (SIGTERM, then SIGKILL) if it still runs. */
  void stop() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    forget();
  }

  private void forget() {
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  Path log() {
    return log;
  }

  List<String> logLines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of("(cannot read " + log + ": " + e + ")");
    }
  }

  String logTail(int lines) {
    List<String> all = logLines();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Lines of Vert.x's blocked-thread checker, with the stack line that follows each. */
  List<String> blockedThreadWarnings() {
    List<String> all = logLines();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).contains("has been blocked for")) {
        out.add(all.get(i) + (i + 1 < all.size() ? " | " + all.get(i + 1).trim() : ""));
      }
    }
    return out;
  }
}
