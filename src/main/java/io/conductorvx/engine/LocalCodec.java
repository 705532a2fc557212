package io.conductorvx.engine;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes objects by reference between verticles of one process. Commands are immutable records,
 * so sharing them is safe. Never used over a cluster wire.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
  public static final String NAME = "conductor-local";

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new UnsupportedOperationException("local messages never cross the wire");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("local messages never cross the wire");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
