package io.conductorvx.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live-feed clients for benchmarks/live.sh: {@code clients} connections subscribed to the
 * {@code workflows} topic and {@code singles} connections that each follow one running workflow at a
 * time (the next one started, as the first client hears of it). Every {@code workflow} or
 * {@code task} message is timed from its {@code updateTime} (the decision's time, just before the
 * commit) to its arrival here. Prints "ready" once every client is subscribed; when {@code stopFile}
 * appears, prints one JSON line: messages, resyncs, errors and the delay p50/p99/max in ms.
 */
public final class LiveBench {
  private static final int MAX_MS = 60_000;
  private final AtomicLongArray delays = new AtomicLongArray(MAX_MS + 1);
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong follows = new AtomicLong();

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    new LiveBench().run(args);
  }

  private void run(Map<String, String> args) throws Exception {
    URI url = URI.create(args.getOrDefault("url", "http://localhost:8080/api"));
    int clients = Integer.parseInt(args.getOrDefault("clients", "100"));
    int singles = Integer.parseInt(args.getOrDefault("singles", "100"));
    Path stopFile = Path.of(args.getOrDefault("stopFile", "live-bench.stop"));
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(64 << 20).setMaxConnections(clients + singles + 10));
    WebSocketConnectOptions where = new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
        .setURI("/api/live");

    List<WebSocket> followers = new ArrayList<>();
    for (int i = 0; i < singles; i++) {
      WebSocket s = await(ws.connect(where));
      s.textMessageHandler(this::received);
      followers.add(s);
    }
    long[] counter = {0};
    for (int i = 0; i < clients; i++) {
      WebSocket c = await(ws.connect(where));
      boolean dispatcher = i == 0;
      c.textMessageHandler(text -> {
        received(text);
        if (dispatcher && !followers.isEmpty() && text.contains("\"status\":\"RUNNING\"")) {
          // the next follower drops its workflow and follows this new one
          JsonObject m = new JsonObject(text);
          long n = counter[0]++;
          WebSocket f = followers.get((int) (n % followers.size()));
          if (n >= followers.size()) {
            f.writeTextMessage("{\"op\":\"unsubscribe\",\"id\":\"w" + (n - followers.size()) + "\"}");
          }
          f.writeTextMessage("{\"op\":\"subscribe\",\"id\":\"w" + n + "\",\"topic\":\"workflow\",\"workflowId\":\""
              + m.getString("workflowId") + "\"}");
          follows.incrementAndGet();
        }
      });
      await(c.writeTextMessage("{\"op\":\"subscribe\",\"id\":\"all\",\"topic\":\"workflows\"}"));
    }
    System.out.println("ready");
    System.out.flush();
    while (!Files.exists(stopFile)) {
      Thread.sleep(100);
    }
    Thread.sleep(500); // the last events in flight
    System.out.println(new JsonObject().put("clients", clients).put("singles", clients == 0 ? 0 : singles)
        .put("messages", messages.get()).put("resyncs", resyncs.get()).put("errors", errors.get())
        .put("follows", follows.get()).put("delayP50Ms", percentile(0.50)).put("delayP99Ms", percentile(0.99))
        .put("delayMaxMs", percentile(1.0)).encode());
    vertx.close();
  }

  private void received(String text) {
    if (text.startsWith("{\"type\":\"workflow\"") || text.startsWith("{\"type\":\"task\"")) {
      messages.incrementAndGet();
      int at = text.indexOf("\"updateTime\":");
      if (at > 0) {
        int start = at + 13;
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
          end++;
        }
        long delay = System.currentTimeMillis() - Long.parseLong(text.substring(start, end));
        delays.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, delay)));
      }
    } else if (text.startsWith("{\"type\":\"resync\"")) {
      resyncs.incrementAndGet();
    } else if (text.startsWith("{\"type\":\"error\"")) {
      errors.incrementAndGet();
    }
  }

  private long percentile(double p) {
    long total = 0;
    for (int i = 0; i <= MAX_MS; i++) {
      total += delays.get(i);
    }
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(p * total);
    long seen = 0;
    for (int i = 0; i <= MAX_MS; i++) {
      seen += delays.get(i);
      if (seen >= rank) {
        return i;
      }
    }
    return MAX_MS;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }
}
