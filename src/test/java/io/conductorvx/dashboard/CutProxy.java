package io.conductorvx.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the server that the browser talks to, so a test can cut the network
 * (every open connection closed, new ones refused) and bring it back, as a real outage would.
 */
final class CutProxy {
  private final Vertx vertx;
  private final int target;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private NetServer server;
  private NetClient client;

  private CutProxy(Vertx vertx, int target) {
    this.vertx = vertx;
    this.target = target;
  }

  static Future<CutProxy> start(Vertx vertx, int target) {
    CutProxy p = new CutProxy(vertx, target);
    p.client = vertx.createNetClient();
    p.server = vertx.createNetServer().connectHandler(p::accept);
    return p.server.listen(0, "127.0.0.1").map(s -> p);
  }

  int port() {
    return server.actualPort();
  }

  private void accept(NetSocket in) {
    if (cut) {
      in.close();
      return;
    }
    in.pause();
    client.connect(target, "127.0.0.1").onSuccess(out -> {
      open.add(in);
      open.add(out);
      in.closeHandler(v -> {
        open.remove(in);
        out.close();
      });
      out.closeHandler(v -> {
        open.remove(out);
        in.close();
      });
      in.pipeTo(out);
      out.pipeTo(in);
      in.resume();
    }).onFailure(err -> in.close());
  }

  /** Closes every connection through the proxy and refuses new ones until {@link #restore}. */
  void cut() {
    cut = true;
    for (NetSocket s : open) {
      s.close();
    }
  }

  void restore() {
    cut = false;
  }

  Future<Void> close() {
    return server.close().compose(v -> client.close());
  }
}
