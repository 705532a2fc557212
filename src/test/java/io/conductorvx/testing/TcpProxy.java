package io.conductorvx.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of a real backend, so a test can make that backend "go away" (drop
 * every connection and refuse new ones) without touching the shared server.
 */
public final class TcpProxy {
  private final NetServer server;
  private final NetClient client;
  private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();

  private TcpProxy(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  public static Future<TcpProxy> start(Vertx vertx, String targetHost, int targetPort) {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    TcpProxy proxy = new TcpProxy(server, client);
    server.connectHandler(downstream -> {
      downstream.pause();
      proxy.sockets.add(downstream);
      client.connect(targetPort, targetHost).onComplete(ar -> {
        if (ar.failed()) {
          downstream.close();
          return;
        }
        NetSocket upstream = ar.result();
        proxy.sockets.add(upstream);
        downstream.pipeTo(upstream);
        upstream.pipeTo(downstream);
      });
    });
    return server.listen(0, "127.0.0.1").map(s -> proxy);
  }

  public int port() {
    return server.actualPort();
  }

  /** Stops listening and cuts every open connection, as a crashed backend would. */
  public Future<Void> kill() {
    return server.close()
        .compose(v -> Future.join(sockets.stream().map(NetSocket::close).toList()))
        .compose(v -> client.close());
  }
}
