package io.conductorvx.engine;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes objects by reference between verticles of one process. Commands are immutable records,
 * so sharing them is safe. Never used over a cluster wire.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
  public static final String NAME = "conductor-local";
  /** Delivery through this codec; shared, so never to be changed (copy it to add headers). */
  public static final DeliveryOptions DELIVERY = new DeliveryOptions().setCodecName(NAME);

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
