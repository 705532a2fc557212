package io.conductorvx.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.Await;
import io.conductorvx.client.TestServer;
import io.conductorvx.model.StartWorkflowRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the live feed does with clients that misbehave or are too many: errors that keep the
 * connection usable, foreign origins, oversized frames, silent peers, the connection limit, a client
 * that stops reading, and connections that come and go by the thousand.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LiveFeedLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long PING_MS = 200;
  private static final int MAX_CONNECTIONS = 40;
  private static TestServer server;
  private static LiveHttp http;
  private static Vertx clientVertx;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start(Vertx vertx) {
    server = TestServer.start(new JsonObject()
        .put("livePingIntervalMs", PING_MS)
        .put("liveMaxSubscriptions", 3)
        .put("liveMaxFrameBytes", 2048)
        .put("liveBufferBytes", 65_536)
        .put("liveMaxConnections", MAX_CONNECTIONS)
        .put("liveAllowedOrigins", "https://dash.example.com"));
    http = new LiveHttp(server.port());
    clientVertx = vertx;
    sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static LiveInterest interest() {
    return server.conductorServer().engine().liveInterest();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void badSubscriptionsGetAnErrorAndTheConnectionStaysUsable() {
    try (LiveClient c = LiveClient.connect(sockets, server.port())) {
      c.subscribe("w", "workflow", new JsonObject().put("workflowId", "no-such-workflow"));
      assertError(c.next(WAIT), "w", 404);
      c.subscribe("t", "nonsense", null);
      assertError(c.next(WAIT), "t", 400);
      c.send(new JsonObject().put("op", "subscribe").put("topic", "workflows"));
      assertError(c.next(WAIT), null, 400);
      c.send(new JsonObject().put("op", "dance").put("id", "d"));
      assertError(c.next(WAIT), "d", 400);
      c.subscribe("m", "workflow", null);
      assertError(c.next(WAIT), "m", 400);
      c.subscribe("st", "workflows", new JsonObject().put("status", new JsonArray().add("SLEEPING")));
      assertError(c.next(WAIT), "st", 400);
      for (String bad : List.of("{not json", "[1]", "null", "42", "\"text\"")) {
        LiveClient.await(c.ws.writeTextMessage(bad));
        assertError(c.next(WAIT), null, 400);
      }
      c.send(new JsonObject().put("op", "unsubscribe").put("id", "never"));
      assertError(c.next(WAIT), "never", 404);
      // the limit of 3 subscriptions, and a duplicate id
      for (String id : List.of("a", "b", "c")) {
        c.subscribe(id, "workflows", null);
        assertEquals("subscribed", c.next(WAIT).getString("type"));
      }
      c.subscribe("a", "queues", null);
      JsonObject dup = c.next(WAIT);
      assertTrue(dup.getInteger("status") == 400 || dup.getInteger("status") == 429, dup.encode());
      c.subscribe("d", "queues", null);
      assertError(c.next(WAIT), "d", 429);
      // still usable: unsubscribe frees a slot
      c.send(new JsonObject().put("op", "unsubscribe").put("id", "a"));
      c.subscribe("q", "queues", null);
      JsonObject ok = c.next(WAIT);
      assertEquals("subscribed", ok.getString("type"));
      assertEquals("q", ok.getString("id"));
    }
  }

  private static void assertError(JsonObject m, String id, int status) {
    assertEquals("error", m.getString("type"), m.encode());
    assertEquals(id, m.getString("id"), m.encode());
    assertEquals(status, m.getInteger("status"), m.encode());
    assertTrue(m.getString("message") != null && !m.getString("message").isBlank());
  }

  @Test
  void aForeignOriginIsRefusedWhileTheServersOwnAndAllowedOnesAreAccepted() {
    Throwable refused = Await.await("refusal", WAIT, () -> {
      try {
        LiveClient.await(LiveClient.open(sockets, server.port(), "https://evil.example.com"));
        return null;
      } catch (IllegalStateException e) {
        return e.getCause();
      }
    }, e -> e != null);
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus());
    for (String origin : List.of("http://127.0.0.1:" + server.port(), "https://dash.example.com")) {
      WebSocket ws = LiveClient.await(LiveClient.open(sockets, server.port(), origin));
      LiveClient.await(ws.close());
    }
    // a plain GET is no upgrade
    assertEquals(400, http.call("GET", "/api/live", null).statusCode());
  }

  @Test
  void anOversizedFrameClosesTheConnectionWith1009() {
    try (LiveClient c = LiveClient.connect(sockets, server.port())) {
      String big = "x".repeat(3000);
      c.ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("id", big).encode());
      Await.await("the close", WAIT, () -> c.closeCode != null);
      assertEquals((short) 1009, c.closeCode);
    }
    Await.await("no connection left", WAIT, () -> interest().connectionCount() == 0);
  }

  @Test
  void aConnectionThatAnswersNoPingIsClosedWhileOneThatAnswersStays() throws Exception {
    try (LiveClient answering = LiveClient.connect(sockets, server.port());
        Socket raw = new Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write(("GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = raw.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      long opened = System.currentTimeMillis();
      int pings = 0;
      int opcode;
      do {
        opcode = readFrame(in);
        if (opcode == 0x9) {
          pings++;
        }
      } while (opcode != 0x8);
      long silentFor = System.currentTimeMillis() - opened;
      assertTrue(pings >= 1, "pinged before being closed");
      assertTrue(silentFor >= 2 * PING_MS, "closed after " + silentFor + " ms");
      // the client that answers is still open, and usable
      assertNull(answering.closeCode);
      answering.subscribe("q", "queues", null);
      assertEquals("subscribed", answering.next(WAIT).getString("type"));
      Await.await("only the answering connection left", WAIT, () -> interest().connectionCount() == 1);
    }
  }

  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Reads one unmasked server frame; returns its opcode. */
  private static int readFrame(InputStream in) throws Exception {
    int b0 = in.read();
    int b1 = in.read();
    if (b0 < 0 || b1 < 0) {
      return 0x8;
    }
    long length = b1 & 0x7f;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | in.read();
      }
    }
    in.readNBytes((int) length);
    return b0 & 0x0f;
  }

  @Test
  void connectionsBeyondTheLimitAreRefused() {
    Await.await("no connection left from other tests", WAIT, () -> interest().connectionCount() == 0);
    List<WebSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        open.add(LiveClient.await(LiveClient.open(sockets, server.port(), null)));
      }
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> LiveClient.await(LiveClient.open(sockets, server.port(), null)));
      assertEquals(503, assertInstanceOf(UpgradeRejectedException.class, e.getCause()).getStatus());
    } finally {
      open.forEach(ws -> LiveClient.await(ws.close()));
    }
    Await.await("every connection closed", WAIT, () -> interest().connectionCount() == 0);
    LiveClient.await(LiveClient.open(sockets, server.port(), null).compose(WebSocket::close));
  }

  @Test
  void aClientThatStopsReadingEndsWithResyncWhileTheOthersGetEveryEvent() {
    // a server of its own: with this class's short ping period a client that stops reading is soon closed as dead
    try (TestServer own = TestServer.start(new JsonObject().put("liveBufferBytes", 65_536))) {
      slowClient(own);
    }
  }

  private static void slowClient(TestServer server) {
    LiveHttp http = new LiveHttp(server.port());
    String s = suffix();
    String wf = "lv_slow_" + s;
    // instant workflows whose COMPLETED events are large (2 KB of output each)
    http.registerWorkflow(LiveHttp.definition(wf, new JsonArray().add(new JsonObject().put("name", "set")
            .put("taskReferenceName", "set").put("type", "SET_VARIABLE").put("inputParameters", new JsonObject().put("v", 1))))
        .put("outputParameters", new JsonObject().put("padding", "p".repeat(2048))));
    int workflows = 5000;
    try (LiveClient slow = LiveClient.connect(sockets, server.port());
        LiveClient reader = LiveClient.connect(sockets, server.port())) {
      JsonObject filter = new JsonObject().put("workflowType", wf);
      slow.subscribe("s", "workflows", filter);
      reader.subscribe("r", "workflows", filter);
      assertEquals("subscribed", slow.next(WAIT).getString("type"));
      assertEquals("subscribed", reader.next(WAIT).getString("type"));
      slow.ws.pause(); // reads nothing more from its socket

      startAll(server, wf, workflows);
      long completed = 0;
      long expectedSeq = 1;
      while (completed < workflows) {
        JsonObject m = reader.next(WAIT);
        assertEquals("workflow", m.getString("type"), m.encode());
        assertEquals(expectedSeq++, m.getLong("seq"));
        if ("COMPLETED".equals(m.getString("status"))) {
          completed++;
        }
      }
      assertEquals(workflows + 1L, expectedSeq, "the reading client got every event (an instant workflow is one status change)");

      slow.ws.resume();
      List<JsonObject> got = new ArrayList<>();
      JsonObject m;
      while ((m = slow.poll(Duration.ofSeconds(2))) != null) {
        got.add(m);
      }
      assertTrue(got.size() < workflows, "events were dropped for the slow client: " + got.size());
      JsonObject last = got.get(got.size() - 1);
      assertEquals("resync", last.getString("type"), last.encode());
      assertEquals(1, got.stream().filter(x -> x.getString("type").equals("resync")).count());
      for (int i = 0; i < got.size(); i++) {
        assertEquals(i + 1, got.get(i).getLong("seq"), "no gap before the resync");
      }
      // after the resync it gets events again
      startAll(server, wf, 1);
      JsonObject after = slow.until(x -> "COMPLETED".equals(x.getString("status")), WAIT);
      assertEquals(last.getLong("seq") + 1, after.getLong("seq"));
      String metrics = http.ok("GET", "/metrics", null);
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("conductorvx_live_events_dropped_total") && !l.endsWith(" 0.0")),
          "dropped events are counted");
    }
  }

  private static void startAll(TestServer server, String name, int count) {
    int batch = 200;
    for (int done = 0; done < count; done += batch) {
      List<Future<String>> started = new ArrayList<>();
      for (int i = done; i < Math.min(count, done + batch); i++) {
        StartWorkflowRequest r = new StartWorkflowRequest();
        r.name = name;
        started.add(server.conductorServer().engine().startWorkflow(r));
      }
      TestServer.await(Future.all(started), 30);
    }
  }

  @Test
  void tenThousandConnectSubscribeDisconnectCyclesLeaveNothingBehind() {
    String s = suffix();
    String wf = "lv_cycle_" + s;
    http.registerWorkflow(LiveHttp.definition(wf, new JsonArray().add(LiveHttp.simple("lv_cycle_task_" + s, "t"))));
    String id = http.start(wf, null);
    Await.await("no connection left from other tests", WAIT, () -> interest().connectionCount() == 0);
    int lanes = 16;
    int perLane = 10_000 / lanes;
    String subscribeWorkflow = new JsonObject().put("op", "subscribe").put("id", "w").put("topic", "workflow")
        .put("workflowId", id).encode();
    String subscribeList = new JsonObject().put("op", "subscribe").put("id", "l").put("topic", "workflows").encode();
    List<Future<Void>> all = new ArrayList<>();
    for (int lane = 0; lane < lanes; lane++) {
      all.add(lane(perLane, subscribeWorkflow, subscribeList));
    }
    TestServer.await(Future.all(all), 80);
    Await.await("every subscription and connection gone", WAIT, () -> interest().subscriptionCount() == 0
        && interest().watchedWorkflows() == 0 && interest().connectionCount() == 0 && !interest().anyStatusListener());
  }

  /** {@code left} cycles one after another; every other one closes before its snapshot can arrive. */
  private static Future<Void> lane(int left, String subscribeWorkflow, String subscribeList) {
    if (left == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> cycle = Promise.promise();
    clientVertx.runOnContext(v -> LiveClient.open(sockets, server.port(), null).onComplete(ar -> {
      if (ar.failed()) {
        cycle.fail(ar.cause());
        return;
      }
      WebSocket ws = ar.result();
      ws.writeTextMessage(subscribeWorkflow);
      ws.writeTextMessage(subscribeList);
      if (left % 2 == 0) {
        ws.close().onComplete(x -> cycle.complete());
      } else {
        ws.textMessageHandler(text -> {
          if (text.contains("\"snapshot\"")) {
            ws.close().onComplete(x -> cycle.tryComplete());
          }
        });
      }
    }));
    return cycle.future().compose(v -> lane(left - 1, subscribeWorkflow, subscribeList));
  }
}
