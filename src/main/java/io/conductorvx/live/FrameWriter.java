package io.conductorvx.live;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * Writes one connection's text frames straight to its Netty channel, encoded here into one buffer
 * per event-loop turn, and flushes that buffer once. Vert.x's {@code writeTextMessage} flushes every
 * frame (one syscall each, a promise and a copy per frame); Netty's own frame path still costs a
 * frame object, a header buffer and a trip down the pipeline (encoder, HTTP compressor) per frame.
 * With hundreds of subscribers of a busy server that was most of the feed's cost. Here a message is
 * a header and a copy into the turn's buffer.
 *
 * <p>Frames go out unmasked and uncompressed (RSV1 clear), which RFC 6455 and, when a client
 * negotiated per-message deflate, RFC 7692 allow for any message. The bytes not yet taken by the
 * network are counted per flushed batch, so the connection's backlog stays bounded without a
 * promise per frame.
 *
 * <p>Used on the socket's event loop only (the endpoint's verticle runs there). Writes made through
 * the Vert.x socket (ping, close) go down the same pipeline on the same thread; a batch is flushed
 * before the turn ends, so a close never overtakes the frames written before it.
 */
final class FrameWriter {
  private static final int FIN_TEXT = 0x81;

  private final ChannelHandlerContext ctx;
  private final Runnable written;
  /** A batch this large is flushed at once instead of at the end of the turn. */
  private final int flushBytes;
  /** Where the caller builds one message's payload; reused, copied into {@link #batch}. */
  private final ByteBuf scratch;
  /** Frames of this turn not yet flushed, encoded; null when there are none. */
  private ByteBuf batch;
  /** Bytes handed to the channel and not yet written to the network. */
  private long pending;
  private boolean flushQueued;

  /** {@code written}: called on the loop whenever a flushed batch has left for the network. */
  FrameWriter(ServerWebSocket ws, long bufferLimit, Runnable written) {
    this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
    this.written = written;
    this.flushBytes = (int) Math.max(1, Math.min(32 * 1024, bufferLimit / 4));
    this.scratch = ctx.alloc().heapBuffer(512);
  }

  long pending() {
    return pending;
  }

  /** An empty buffer for one frame's payload (UTF-8 JSON); pass it to {@link #write} before asking again. */
  ByteBuf buffer(int capacity) {
    scratch.clear();
    scratch.ensureWritable(capacity);
    return scratch;
  }

  /** Queues the payload as one text frame; the flush follows this turn. */
  void write(ByteBuf payload) {
    if (!ctx.channel().isActive()) {
      payload.clear();
      return;
    }
    int length = payload.readableBytes();
    if (batch == null) {
      batch = ctx.alloc().directBuffer(Math.min(flushBytes + 1024, Math.max(1024, length + 10)));
    }
    int start = batch.writerIndex();
    batch.writeByte(FIN_TEXT);
    if (length < 126) {
      batch.writeByte(length);
    } else if (length <= 0xFFFF) {
      batch.writeByte(126).writeShort(length);
    } else {
      batch.writeByte(127).writeLong(length);
    }
    batch.writeBytes(payload);
    payload.clear();
    pending += batch.writerIndex() - start;
    if (batch.readableBytes() >= flushBytes) {
      flush(); // a large burst goes out now: unflushed bytes count against the client's backlog
    } else if (!flushQueued) {
      flushQueued = true;
      ctx.executor().execute(this::flush);
    }
  }

  private void flush() {
    flushQueued = false;
    ByteBuf out = batch;
    if (out == null) {
      return;
    }
    batch = null;
    int bytes = out.readableBytes();
    // the promise completes once the batch has gone out (or failed, the channel closing)
    ctx.writeAndFlush(out).addListener(f -> {
      pending -= bytes;
      written.run();
    });
  }

  /**
   * The connection is closing: what this turn wrote goes out ahead of the close frame (or is
   * released by Netty when the channel is gone already); the scratch buffer goes back to the
   * allocator. Nothing is written after this.
   */
  void close() {
    flush();
    if (scratch.refCnt() > 0) {
      scratch.release();
    }
  }
}
