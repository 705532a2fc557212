package io.conductorvx.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * appears, prints one JSON line: messages, resyncs, errors, seq gaps and the delay p50/p99/max in ms.
 *
 * <p>The clients share the machine with the server, so they are kept cheap: each frame is looked at
 * as bytes (no String, no JSON parse), the {@code workflows} clients check that their seq has no
 * gap, and one message in {@code sample} (default 4) is timed. Only the first client, which picks
 * the workflows the others follow, decodes the RUNNING messages it needs.
 */
public final class LiveBench {
  private static final int MAX_MS = 60_000;
  private final AtomicLongArray delays = new AtomicLongArray(MAX_MS + 1);
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong follows = new AtomicLong();
  private final AtomicLong gaps = new AtomicLong();
  private static final byte[] UPDATE_TIME = "\"updateTime\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] RUNNING = "\"status\":\"RUNNING\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private int sample = 4;

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
    sample = Math.max(1, Integer.parseInt(args.getOrDefault("sample", "4")));
    Path stopFile = Path.of(args.getOrDefault("stopFile", "live-bench.stop"));
    Vertx vertx = Vertx.vertx();
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(64 << 20).setMaxConnections(clients + singles + 10));
    WebSocketConnectOptions where = new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
        .setURI("/api/live");

    List<WebSocket> followers = new ArrayList<>();
    for (int i = 0; i < singles; i++) {
      WebSocket s = await(ws.connect(where));
      Client state = new Client();
      s.frameHandler(frame -> {
        if (frame.isText()) {
          received(state, frame.binaryData(), false);
        }
      });
      followers.add(s);
    }
    long[] counter = {0};
    for (int i = 0; i < clients; i++) {
      WebSocket c = await(ws.connect(where));
      boolean dispatcher = i == 0;
      Client state = new Client();
      c.frameHandler(frame -> {
        if (!frame.isText()) {
          return;
        }
        Buffer bytes = frame.binaryData();
        received(state, bytes, true);
        if (dispatcher && !followers.isEmpty() && contains(bytes, RUNNING)) {
          // the next follower drops its workflow and follows this new one
          JsonObject m = new JsonObject(bytes);
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
        .put("follows", follows.get()).put("seqGaps", gaps.get()).put("delaySample", sample).put("delayP50Ms", percentile(0.50)).put("delayP99Ms", percentile(0.99))
        .put("delayMaxMs", percentile(1.0)).encode());
    vertx.close();
  }

  /** One connection's state, touched only on its own event loop. */
  private static final class Client {
    long nextSeq;
    long count;
  }

  // {"type":"workflow","id":... : the type starts at byte 9
  private void received(Client client, Buffer b, boolean checkSeq) {
    if (b.length() < 12) {
      return;
    }
    byte t = b.getByte(9);
    if (t == 'w' || t == 't') {
      messages.incrementAndGet();
      if (checkSeq) {
        seq(client, b);
      }
      if (client.count++ % sample == 0) {
        int at = indexOf(b, UPDATE_TIME, 20);
        if (at > 0) {
          long time = 0;
          for (int i = at + UPDATE_TIME.length; i < b.length(); i++) {
            byte d = b.getByte(i);
            if (d < '0' || d > '9') {
              break;
            }
            time = time * 10 + (d - '0');
          }
          long delay = System.currentTimeMillis() - time;
          delays.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, delay)));
        }
      }
    } else if (t == 'r') {
      resyncs.incrementAndGet();
      if (checkSeq) {
        seq(client, b);
      }
    } else if (t == 'e') {
      errors.incrementAndGet();
    } else if (t == 's' && checkSeq) {
      seq(client, b); // subscribed, seq 0
    }
  }

  /** The workflows clients' subscription is "all": {"type":"…","id":"all","seq":N */
  private void seq(Client client, Buffer b) {
    int at = indexOf(b, SEQ, 9);
    if (at < 0) {
      return;
    }
    long n = 0;
    for (int i = at + SEQ.length; i < b.length(); i++) {
      byte d = b.getByte(i);
      if (d < '0' || d > '9') {
        break;
      }
      n = n * 10 + (d - '0');
    }
    if (n != client.nextSeq) {
      gaps.incrementAndGet();
    }
    client.nextSeq = n + 1;
  }

  private static final byte[] SEQ = "\"seq\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static boolean contains(Buffer b, byte[] what) {
    return indexOf(b, what, 0) >= 0;
  }

  private static int indexOf(Buffer b, byte[] what, int from) {
    int last = b.length() - what.length;
    outer:
    for (int i = from; i <= last; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b.getByte(i + j) != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
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
