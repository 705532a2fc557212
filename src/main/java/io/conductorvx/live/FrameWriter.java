package io.conductorvx.live;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * Writes one connection's text frames straight to its Netty channel and flushes them once per
 * event-loop turn. Vert.x's {@code writeTextMessage} flushes every frame (one syscall each, a
 * promise and a copy per frame): with hundreds of subscribers of a busy server that was most of
 * the feed's cost. Here a change fanned out to a connection costs one buffer and one frame object;
 * the bytes not yet taken by the network are counted per flushed batch, so the connection's
 * backlog stays bounded without a promise per frame.
 *
 * <p>Used on the socket's event loop only (the endpoint's verticle runs there). Writes made through
 * the Vert.x socket (ping, close) go down the same pipeline on the same thread, so order holds.
 */
final class FrameWriter {
  private final ChannelHandlerContext ctx;
  private final Runnable written;
  /** A batch this large is flushed at once instead of at the end of the turn. */
  private final long flushBytes;
  /** Bytes handed to the channel and not yet written to the network. */
  private long pending;
  /** Bytes written since the last flush. */
  private long batch;
  private boolean flushQueued;

  /** {@code written}: called on the loop whenever a flushed batch has left for the network. */
  FrameWriter(ServerWebSocket ws, long bufferLimit, Runnable written) {
    this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
    this.written = written;
    this.flushBytes = Math.max(1, Math.min(32 * 1024, bufferLimit / 4));
  }

  long pending() {
    return pending;
  }

  /** Allocates a buffer for a frame's payload (UTF-8 JSON) from the channel's allocator. */
  ByteBuf buffer(int capacity) {
    return ctx.alloc().buffer(capacity);
  }

  /** Queues one text frame (taking ownership of {@code payload}); the flush follows this turn. */
  void write(ByteBuf payload) {
    if (!ctx.channel().isActive()) {
      payload.release();
      return;
    }
    int length = payload.readableBytes();
    pending += length;
    batch += length;
    ctx.write(new TextWebSocketFrame(payload), ctx.voidPromise());
    if (batch >= flushBytes) {
      flush(); // a large burst goes out now: unflushed bytes count against the client's backlog
    } else if (!flushQueued) {
      flushQueued = true;
      ctx.executor().execute(this::flush);
    }
  }

  private void flush() {
    flushQueued = false;
    if (batch == 0) {
      return;
    }
    long bytes = batch;
    batch = 0;
    // the empty buffer's promise completes once everything written before it has gone out (or failed)
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      pending -= bytes;
      written.run();
    });
  }
}
