package io.conductorvx.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of a real backend, so a test can make that backend "go away" without
 * touching the shared server: for good ({@link #kill()}), or for a while ({@link #cut()} then
 * {@link #restore()}, an outage the client has to recover from on its own).
 */
public final class TcpProxy {
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean down;

  private TcpProxy(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  public static Future<TcpProxy> start(Vertx vertx, String targetHost, int targetPort) {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    TcpProxy proxy = new TcpProxy(server, client);
    server.connectHandler(downstream -> {
      if (proxy.down) {
        downstream.close();
        return;
      }
      downstream.pause();
      proxy.track(downstream);
      client.connect(targetPort, targetHost).onComplete(ar -> {
        if (ar.failed()) {
          downstream.close();
          return;
        }
        NetSocket upstream = ar.result();
        proxy.track(upstream);
        if (proxy.down) {
          // the outage began while this connection was being set up
          upstream.close();
          downstream.close();
          return;
        }
        downstream.pipeTo(upstream);
        upstream.pipeTo(downstream);
      });
    });
    return server.listen(0, "127.0.0.1").map(s -> proxy);
  }

  private void track(NetSocket socket) {
    sockets.add(socket);
    socket.closeHandler(v -> sockets.remove(socket));
  }

  public int port() {
    return server.actualPort();
  }

  /** Stops listening and cuts every open connection, as a crashed backend would. */
  public Future<Void> kill() {
    return server.close()
        .compose(v -> closeAll())
        .compose(v -> client.close());
  }

  /**
   * Starts an outage: every open connection is cut and every new one is closed as soon as it is
   * accepted, until {@link #restore()}.
   */
  public Future<Void> cut() {
    down = true;
    return closeAll();
  }

  /** Ends the outage: new connections reach the backend again. */
  public void restore() {
    down = false;
  }

  public boolean isDown() {
    return down;
  }

  private Future<Void> closeAll() {
    List<NetSocket> open = List.copyOf(sockets);
    return Future.join(open.stream().map(NetSocket::close).toList()).mapEmpty();
  }
}
