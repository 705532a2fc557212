package io.conductorvx.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * How one server's meters are built, in one place, and which they are (a stopped server removes
 * its meters from a registry its Vert.x may keep). Two kinds of timer: Conductor's (client-side
 * quantiles 0.5–0.99 as Conductor's Monitors publishes them, so its Grafana panels read them
 * unchanged) and ours (a Prometheus histogram with fixed buckets: recording is a bucket increment,
 * percentiles are computed by Prometheus at query time and aggregate across instances).
 *
 * <p>Meters are built when first needed and then held by their users: nothing here runs per request.
 */
final class Meters {
  /** Conductor's {@code Monitors} percentiles. */
  private static final double[] CONDUCTOR_PERCENTILES = {0.5, 0.75, 0.90, 0.95, 0.99};

  /** Bucket bounds of our latency histograms: 0.5 ms to 10 s. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final Set<Meter> created = ConcurrentHashMap.newKeySet();

  Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  MeterRegistry registry() {
    return registry;
  }

  /** A timer under one of Conductor's names; tags alternate key, value. */
  Timer conductorTimer(String name, String... tags) {
    return keep(Timer.builder(name).tags(tags).publishPercentiles(CONDUCTOR_PERCENTILES).register(registry));
  }

  /** One of our latency timers; tags alternate key, value. */
  Timer latency(String name, String description, String... tags) {
    return keep(Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry));
  }

  Counter counter(String name, String description, String... tags) {
    return keep(Counter.builder(name).description(description).tags(tags).register(registry));
  }

  /** A gauge reading {@code state} at scrape time; the meter holds {@code state} strongly. */
  <T> Gauge gauge(String name, String description, T state, ToDoubleFunction<T> value, String... tags) {
    return keep(Gauge.builder(name, state, value).description(description).tags(tags).strongReference(true)
        .register(registry));
  }

  /** A counter kept elsewhere (a monotonic count), read at scrape time. */
  <T> FunctionCounter functionCounter(String name, String description, T state, ToDoubleFunction<T> count,
      String... tags) {
    return keep(FunctionCounter.builder(name, state, count).description(description).tags(tags).register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    created.add(meter);
    return meter;
  }

  /** Removes every meter built here from the registry. */
  void removeAll() {
    for (Meter m : created) {
      registry.remove(m);
    }
    created.clear();
  }

  /** Conductor's default for a blank ownerApp; also keeps a missing name from failing a meter. */
  static String ownerApp(String ownerApp) {
    return orUnknown(ownerApp);
  }

  static String orUnknown(String value) {
    return value == null || value.isBlank() ? "unknown" : value;
  }
}
