package io.conductorvx.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the live feed ({@code /api/live}) reports: {@code conductorvx_live_connections} (open
 * WebSocket connections), {@code conductorvx_live_subscriptions} (their subscriptions) and
 * {@code conductorvx_live_events_dropped_total} (events not delivered, e.g. to a slow client).
 * The feed gets this object at construction and calls it from any event loop; with metrics off it
 * gets {@link #NONE}, whose calls do nothing.
 */
public class LiveFeedMetrics {
  public static final LiveFeedMetrics NONE = new LiveFeedMetrics();

  private LiveFeedMetrics() {}

  static LiveFeedMetrics create(Meters meters) {
    return new Measured(meters);
  }

  /** A connection opened (+1) or closed (-1). */
  public void connections(int delta) {}

  /** Subscriptions added (+n) or removed (-n). */
  public void subscriptions(int delta) {}

  /** Events that were not delivered. */
  public void dropped(long events) {}

  private static final class Measured extends LiveFeedMetrics {
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();
    private final Counter dropped;

    Measured(Meters meters) {
      meters.gauge("conductorvx.live.connections", "Open live-feed WebSocket connections", connections, AtomicLong::get);
      meters.gauge("conductorvx.live.subscriptions", "Subscriptions of the open live-feed connections", subscriptions,
          AtomicLong::get);
      dropped = meters.counter("conductorvx.live.events.dropped", "Live-feed events not delivered to a client");
    }

    @Override
    public void connections(int delta) {
      connections.addAndGet(delta);
    }

    @Override
    public void subscriptions(int delta) {
      subscriptions.addAndGet(delta);
    }

    @Override
    public void dropped(long events) {
      dropped.increment(events);
    }
  }
}
