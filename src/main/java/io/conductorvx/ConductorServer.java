package io.conductorvx;

import io.conductorvx.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A running server: its backends and verticles on a Vert.x instance. Tests start one on port 0
 * and read the bound port from {@link #port()}.
 */
public final class ConductorServer {
  private final Vertx vertx;
  private final ServerConfig config;
  private final Backends backends;
  private final int port;

  private ConductorServer(Vertx vertx, ServerConfig config, Backends backends, int port) {
    this.vertx = vertx;
    this.config = config;
    this.backends = backends;
    this.port = port;
  }

  /** Connects the backends and deploys every verticle; fails if a backend cannot be reached. */
  public static Future<ConductorServer> start(Vertx vertx, ServerConfig config) {
    return Backends.create(vertx, config)
        .compose(backends -> Future.<Integer>failedFuture("not built yet")
            .map(port -> new ConductorServer(vertx, config, backends, port)));
  }

  public int port() {
    return port;
  }

  public ServerConfig config() {
    return config;
  }

  public Backends backends() {
    return backends;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Undeploys this server's verticles and closes its backends; the Vert.x instance stays. */
  public Future<Void> stop() {
    return backends.close();
  }
}
