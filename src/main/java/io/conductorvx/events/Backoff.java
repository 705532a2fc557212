package io.conductorvx.events;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delays with jitter: the first after {@code minMs}, each next one doubled,
 * never above {@code maxMs}; {@link #reset()} once connected. Jitter (up to a quarter of the delay)
 * keeps several servers from reconnecting to a restarted broker all at the same moment.
 */
public final class Backoff {
  private final long minMs;
  private final long maxMs;
  private long next;

  public Backoff(long minMs, long maxMs) {
    this.minMs = Math.max(1, minMs);
    this.maxMs = Math.max(this.minMs, maxMs);
    this.next = this.minMs;
  }

  /** The delay before the next attempt; the one after it will be longer. */
  public long nextDelayMs() {
    long delay = next;
    next = Math.min(maxMs, next * 2);
    return delay + ThreadLocalRandom.current().nextLong(delay / 4 + 1);
  }

  public void reset() {
    next = minMs;
  }
}
