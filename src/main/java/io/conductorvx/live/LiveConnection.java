package io.conductorvx.live;

import io.conductorvx.model.WorkflowStatus;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client's WebSocket: reads its subscribe/unsubscribe messages and writes its events, on the
 * endpoint's event loop (the socket's own). What is written but not yet taken by the network is
 * bounded ({@code liveBufferBytes}): past it, an event is dropped, its subscription owes a
 * {@code resync}, and the resyncs go out once the client has read half of the backlog. The engine
 * never waits for a client.
 */
final class LiveConnection {
  private static final Buffer PING = Buffer.buffer("ping");
  private static final int MAX_ID_LENGTH = 256;
  static final byte[] RESYNC = ascii("resync");
  static final byte[] EMPTY = ascii("{}");

  private final LiveEndpoint endpoint;
  private final ServerWebSocket ws;
  private final long bufferLimit;
  private final int maxSubscriptions;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final FrameWriter writer;
  private boolean owesResync;
  private boolean closed;
  /** When the client was last heard from (a pong or a message). */
  long lastHeard;

  LiveConnection(LiveEndpoint endpoint, ServerWebSocket ws, long bufferLimit, int maxSubscriptions, long now) {
    this.endpoint = endpoint;
    this.ws = ws;
    this.bufferLimit = bufferLimit;
    this.maxSubscriptions = maxSubscriptions;
    this.lastHeard = now;
    this.writer = new FrameWriter(ws, bufferLimit, this::written);
    ws.textMessageHandler(this::received);
    ws.binaryMessageHandler(b -> {
      heard();
      error(null, 400, "Messages are JSON text frames");
    });
    ws.pongHandler(b -> heard());
    ws.exceptionHandler(err -> {
      // Vert.x drops the connection on an oversized frame; the protocol's answer is a 1009 close
      if (err instanceof CorruptedWebSocketFrameException bad && bad.closeStatus() != null
          && bad.closeStatus().code() == 1009) {
        shut((short) 1009, "Frame too big");
      } else {
        close();
      }
    });
    ws.closeHandler(v -> close());
  }

  private void heard() {
    lastHeard = System.currentTimeMillis();
  }

  void ping() {
    if (!closed) {
      ws.writePing(PING);
    }
  }

  /** Closes the socket (a missed pong, a server stop); the subscriptions end at once. */
  void shut(short code, String reason) {
    close();
    ws.close(code, reason);
  }

  /** Ends every subscription; called once, whichever way the connection ended. */
  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Subscription sub : new ArrayList<>(subscriptions.values())) {
      endpoint.end(sub);
    }
    subscriptions.clear();
    writer.close();
    endpoint.closed(this);
  }

  // ---- from the client ----

  private void received(String text) {
    if (closed) {
      return; // ended after a socket error: nothing more is registered for it
    }
    heard();
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      error(null, 400, "Not JSON: " + e.getMessage());
      return;
    }
    if (!(parsed instanceof JsonObject msg)) {
      error(null, 400, "A message is a JSON object");
      return;
    }
    Object idValue = msg.getValue("id");
    String id = idValue instanceof String s ? s : null;
    Object op = msg.getValue("op");
    if (!"subscribe".equals(op) && !"unsubscribe".equals(op)) {
      error(id, 400, "op must be subscribe or unsubscribe, got: " + (op == null ? "nothing" : Json.encode(op)));
      return;
    }
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      error(null, 400, "id must be a non-empty string of at most " + MAX_ID_LENGTH + " characters");
      return;
    }
    if ("unsubscribe".equals(op)) {
      Subscription sub = subscriptions.remove(id);
      if (sub == null) {
        error(id, 404, "No subscription with id " + id);
      } else {
        endpoint.end(sub);
      }
      return;
    }
    subscribe(id, msg);
  }

  private void subscribe(String id, JsonObject msg) {
    if (subscriptions.containsKey(id)) {
      error(id, 400, "A subscription with id " + id + " exists already on this connection");
      return;
    }
    if (subscriptions.size() >= maxSubscriptions) {
      error(id, 429, "At most " + maxSubscriptions + " subscriptions per connection");
      return;
    }
    Object topic = msg.getValue("topic");
    if ("workflow".equals(topic)) {
      Object workflowId = msg.getValue("workflowId");
      if (!(workflowId instanceof String wid) || wid.isBlank()) {
        error(id, 400, "topic workflow needs a workflowId");
        return;
      }
      Subscription.OfWorkflow sub = new Subscription.OfWorkflow(this, id, wid);
      subscriptions.put(id, sub);
      endpoint.subscribe(sub);
    } else if ("workflows".equals(topic)) {
      Object type = msg.getValue("workflowType");
      if (type != null && !(type instanceof String)) {
        error(id, 400, "workflowType must be a string");
        return;
      }
      Set<String> statuses;
      try {
        statuses = statuses(msg.getValue("status"));
      } catch (IllegalArgumentException e) {
        error(id, 400, e.getMessage());
        return;
      }
      Subscription.OfWorkflows sub = new Subscription.OfWorkflows(this, id, (String) type, statuses);
      subscriptions.put(id, sub);
      endpoint.subscribe(sub);
    } else if ("queues".equals(topic)) {
      Subscription.OfQueues sub = new Subscription.OfQueues(this, id);
      subscriptions.put(id, sub);
      endpoint.subscribe(sub);
    } else {
      error(id, 400, "Unknown topic " + (topic == null ? "(none)" : Json.encode(topic))
          + ": workflow, workflows or queues");
    }
  }

  /** null: any status. */
  private static Set<String> statuses(Object value) {
    if (value == null) {
      return null;
    }
    List<Object> names = value instanceof JsonArray a ? a.getList() : value instanceof String s ? List.of(s) : null;
    if (names == null) {
      throw new IllegalArgumentException("status must be an array of workflow statuses");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object name : names) {
      try {
        out.add(WorkflowStatus.valueOf(String.valueOf(name)).name());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Unknown workflow status " + Json.encode(name));
      }
    }
    return out;
  }

  /** The subscription failed (unknown workflow…): told to the client, and forgotten. */
  void failed(Subscription sub, int status, String message) {
    if (subscriptions.remove(sub.id, sub)) {
      endpoint.end(sub);
      error(sub.id, status, message);
    }
  }

  // ---- to the client ----

  /** Rare messages (subscribed, resync, queues): encoded here. */
  boolean send(Subscription sub, String type, String body) {
    return send(sub, ascii(type), body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes one message of the subscription, or drops it when the connection's backlog is full (the
   * subscription then owes a resync, and drops everything until it is sent). A message is written
   * into an empty backlog whatever its size, so a large snapshot still gets through. {@code body}
   * is shared by every subscriber of the change: it is copied, never changed.
   */
  boolean send(Subscription sub, byte[] type, byte[] body) {
    if (closed || sub.ended) {
      return false;
    }
    if (sub.resyncOwed) {
      endpoint.dropped(1);
      return false;
    }
    long pending = writer.pending();
    if (pending > 0 && pending + body.length + 64 > bufferLimit) {
      sub.resyncOwed = true;
      owesResync = true;
      endpoint.dropped(1);
      return false;
    }
    ByteBuf frame = writer.buffer(sub.frameLength(type, body));
    sub.frame(frame, type, body);
    writer.write(frame);
    return true;
  }

  void error(String id, int status, String message) {
    if (closed || writer.pending() > bufferLimit) {
      return; // a client that reads nothing gets no more errors either
    }
    byte[] text = new JsonObject().put("type", "error").put("id", id).put("status", status).put("message", message)
        .encode().getBytes(StandardCharsets.UTF_8);
    writer.write(writer.buffer(text.length).writeBytes(text));
  }

  /** A flushed batch left for the network: once the client has read half of its backlog, resyncs go out. */
  private void written() {
    if (owesResync && writer.pending() <= bufferLimit / 2) {
      resync();
    }
  }

  /** The client caught up: each subscription that lost events is told so (a workflow's gets a fresh snapshot). */
  private void resync() {
    owesResync = false;
    if (closed) {
      return;
    }
    for (Subscription sub : new ArrayList<>(subscriptions.values())) {
      if (sub.resyncOwed && !sub.ended) {
        sub.resyncOwed = false;
        ByteBuf frame = writer.buffer(sub.frameLength(RESYNC, EMPTY));
        sub.frame(frame, RESYNC, EMPTY);
        writer.write(frame);
        endpoint.resynced(sub);
      }
    }
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
