package io.conductorvx;

import io.conductorvx.config.ConfigLoader;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.metrics.MetricsVertx;
import io.vertx.core.Vertx;

/** Reads the configuration, starts the server, and exits non-zero if it cannot start. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServerConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("conductor-vx: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Netty's JFR allocation events cost ~0.1 s of class loading on the first connection; on only
    // when asked for (-Dio.netty.jfr.enabled=true).
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    ConductorServer.startWarmUp();
    Vertx vertx = MetricsVertx.create(config);
    long started = System.nanoTime();
    ConductorServer.start(vertx, config)
        .onSuccess(server -> {
          System.out.printf("conductor-vx listening on port %d (store=%s, queue=%s) in %d ms%n",
              server.port(), config.store(), config.queue(), (System.nanoTime() - started) / 1_000_000);
          // SIGTERM: stop in order (a cluster member hands its partitions over first), then close
          Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop().eventually(vertx::close).await()));
        })
        .onFailure(err -> {
          System.err.println("conductor-vx: cannot start: " + err.getMessage());
          vertx.close().onComplete(ignored -> System.exit(1));
        });
  }
}
