package io.conductorvx.live;

import io.conductorvx.model.WorkflowStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.http.WebSocketInternal;
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
 *
 * <p>Frames are written to the socket's Netty channel without a flush (the bytes are built from the
 * event's shared, once-encoded body and a small per-subscription prefix); the endpoint flushes each
 * connection written to once per event-loop turn ({@link #flush}), so a burst of events costs one
 * system call per connection, not one per message. Writes happen on the socket's own event loop
 * only; Vert.x's own writes (pings, the close frame) go through the same channel in order.
 */
final class LiveConnection {
  private static final Buffer PING = Buffer.buffer("ping");
  private static final int MAX_ID_LENGTH = 256;

  private final LiveEndpoint endpoint;
  private final ServerWebSocket ws;
  private final long bufferLimit;
  private final int maxSubscriptions;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  /** The socket's channel, written directly (no flush per frame); null if Vert.x ever hides it (then the plain API is used). */
  private final ChannelHandlerContext channel;
  private final ByteBufAllocator alloc;
  private final Context context;
  private long pendingBytes;
  private boolean owesResync;
  private boolean resyncScheduled;
  /** Written to since the last flush: the endpoint flushes it at the end of this turn. */
  private boolean dirty;
  /** Bytes written since the last flush: past {@link #flushBytes} they are flushed at once, so a burst never fills the backlog unsent. */
  private int unflushed;
  private final int flushBytes;
  private boolean closed;
  /** When the client was last heard from (a pong or a message). */
  long lastHeard;

  LiveConnection(LiveEndpoint endpoint, ServerWebSocket ws, long bufferLimit, int maxSubscriptions, long now) {
    this.endpoint = endpoint;
    this.ws = ws;
    this.bufferLimit = bufferLimit;
    this.maxSubscriptions = maxSubscriptions;
    this.lastHeard = now;
    this.channel = channelOf(ws);
    this.flushBytes = (int) Math.max(1024, Math.min(16 * 1024, bufferLimit / 8));
    this.alloc = channel != null ? channel.alloc() : ByteBufAllocator.DEFAULT;
    this.context = Vertx.currentContext();
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

  /**
   * The Netty channel under the socket. Vert.x Web hands the router's upgrade a wrapper of the
   * core socket with no accessor, so its {@code delegate} is read once here; if a Vert.x version
   * changes that, the feed falls back to the public (flush-per-message) API and stays correct.
   */
  private static ChannelHandlerContext channelOf(ServerWebSocket ws) {
    Object socket = ws;
    if (!(socket instanceof WebSocketInternal)) {
      try {
        java.lang.reflect.Field delegate = socket.getClass().getDeclaredField("delegate");
        delegate.setAccessible(true);
        socket = delegate.get(socket);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
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

  /**
   * Writes one message of the subscription, or drops it when the connection's backlog is full (the
   * subscription then owes a resync, and drops everything until it is sent). A message is written
   * into an empty backlog whatever its size, so a large snapshot still gets through.
   */
  boolean send(Subscription sub, String type, String body) {
    return send(sub, Subscription.typePrefix(type), body.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #send(Subscription, String, String)}, with the body's bytes encoded once for every subscriber. */
  boolean send(Subscription sub, byte[] typePrefix, byte[] body) {
    if (closed || sub.ended) {
      return false;
    }
    if (sub.resyncOwed) {
      endpoint.dropped(1);
      return false;
    }
    if (pendingBytes > 0 && pendingBytes + body.length + 64 > bufferLimit) {
      sub.resyncOwed = true;
      owesResync = true;
      endpoint.dropped(1);
      return false;
    }
    ByteBuf frame = alloc.buffer(sub.frameLength(typePrefix, body.length));
    sub.frame(frame, typePrefix, body);
    write(frame);
    return true;
  }

  void error(String id, int status, String message) {
    if (closed || pendingBytes > bufferLimit) {
      return; // a client that reads nothing gets no more errors either
    }
    byte[] bytes = new JsonObject().put("type", "error").put("id", id).put("status", status).put("message", message)
        .toBuffer().getBytes();
    write(alloc.buffer(bytes.length).writeBytes(bytes));
  }

  /** Writes one text frame (takes ownership of {@code frame}); counted in the backlog until the network took it. */
  private void write(ByteBuf frame) {
    int length = frame.readableBytes();
    pendingBytes += length;
    if (channel == null) {
      String text = frame.toString(StandardCharsets.UTF_8);
      frame.release();
      ws.writeTextMessage(text).onComplete(ar -> written(length));
      return;
    }
    ChannelPromise promise = channel.newPromise();
    promise.addListener(f -> written(length));
    channel.write(new TextWebSocketFrame(true, 0, frame), promise);
    if (!dirty) {
      dirty = true;
      endpoint.toFlush(this);
    }
    unflushed += length;
    if (unflushed >= flushBytes) {
      unflushed = 0;
      channel.flush(); // a burst: send now rather than let it fill the backlog (the turn's flush is then cheap)
    }
  }

  /** Sends what this turn wrote; called by the endpoint once per turn. */
  void flush() {
    dirty = false;
    unflushed = 0;
    channel.flush();
  }

  /** The network took {@code length} bytes (or the socket is gone): once half the backlog drained, owed resyncs go out. */
  private void written(int length) {
    pendingBytes -= length;
    if (owesResync && !resyncScheduled && pendingBytes <= bufferLimit / 2) {
      // a Netty listener: back onto the socket's Vert.x context before doing more
      resyncScheduled = true;
      context.runOnContext(v -> {
        resyncScheduled = false;
        resync();
      });
    }
  }

  /** The client caught up: each subscription that lost events is told so (a workflow's gets a fresh snapshot). */
  private void resync() {
    owesResync = false;
    if (closed) {
      return;
    }
    byte[] resync = Subscription.typePrefix("resync");
    for (Subscription sub : new ArrayList<>(subscriptions.values())) {
      if (sub.resyncOwed && !sub.ended) {
        sub.resyncOwed = false;
        ByteBuf frame = alloc.buffer(sub.frameLength(resync, 2));
        sub.frame(frame, resync, Subscription.empty());
        write(frame);
        endpoint.resynced(sub);
      }
    }
  }
}
