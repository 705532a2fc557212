package io.conductorvx.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What retention (the clean-up of finished executions) reports:
 * {@code conductorvx_retention_removed_total{kind}}, items removed by kind (e.g. {@code workflow},
 * {@code task}, {@code log}). Retention gets this object at construction; with metrics off it gets
 * {@link #NONE}, whose calls do nothing.
 */
public class RetentionMetrics {
  public static final RetentionMetrics NONE = new RetentionMetrics();

  private RetentionMetrics() {}

  static RetentionMetrics create(Meters meters) {
    return new Measured(meters);
  }

  /** {@code count} items of {@code kind} were removed. */
  public void removed(String kind, long count) {}

  private static final class Measured extends RetentionMetrics {
    private final Meters meters;
    private final Map<String, Counter> byKind = new ConcurrentHashMap<>();

    Measured(Meters meters) {
      this.meters = meters;
    }

    @Override
    public void removed(String kind, long count) {
      byKind.computeIfAbsent(Meters.orUnknown(kind), k -> meters.counter("conductorvx.retention.removed",
          "Finished executions and their parts removed by retention, by kind", "kind", k)).increment(count);
    }
  }
}
