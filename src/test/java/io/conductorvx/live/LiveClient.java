package io.conductorvx.live;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/** A test's live-feed client (the Vert.x WebSocket client): what it receives is queued for the test thread. */
final class LiveClient implements AutoCloseable {
  final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  /** Every message received so far, in order. */
  final List<JsonObject> all = java.util.Collections.synchronizedList(new ArrayList<>());
  volatile Short closeCode;

  private LiveClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject m = new JsonObject(text);
      all.add(m);
      received.add(m);
    });
    ws.closeHandler(v -> closeCode = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
  }

  static Future<WebSocket> open(WebSocketClient client, int port, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/api/live");
    if (origin != null) {
      options.setHeaders(MultiMap.caseInsensitiveMultiMap().add("Origin", origin));
    }
    return client.connect(options);
  }

  static LiveClient connect(WebSocketClient client, int port) {
    return new LiveClient(await(open(client, port, null)));
  }

  static LiveClient wrap(WebSocket ws) {
    return new LiveClient(ws);
  }

  void send(JsonObject message) {
    await(ws.writeTextMessage(message.encode()));
  }

  void subscribe(String id, String topic, JsonObject extra) {
    send(new JsonObject().put("op", "subscribe").put("id", id).put("topic", topic).mergeIn(extra == null ? new JsonObject() : extra));
  }

  /** The next message received; fails after the timeout. */
  JsonObject next(Duration timeout) {
    try {
      JsonObject m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) {
        throw new AssertionFailedError("no message within " + timeout.toMillis() + " ms");
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Skips messages until one matches; fails after the timeout. */
  JsonObject until(Predicate<JsonObject> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionFailedError("no matching message within " + timeout.toMillis() + " ms; last: "
            + (all.isEmpty() ? "none" : all.get(all.size() - 1)));
      }
      JsonObject m = next(Duration.ofNanos(left));
      if (match.test(m)) {
        return m;
      }
    }
  }

  /** Nothing else arrives within the period. */
  JsonObject poll(Duration period) {
    try {
      return received.poll(period.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
  }
}
