package io.conductorvx.metrics;

import io.conductorvx.retention.RetentionVerticle;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What retention (the clean-up of finished executions) removed:
 * {@code conductorvx_retention_removed_total{kind}}, by kind: {@code workflow} (finished workflows
 * past their window or beyond the count limit) and each other history retention trims
 * ({@code scheduler_executions}, {@code event_executions}). {@code ConductorServer} hands
 * {@link #removed(RetentionVerticle.Round)} each round; with metrics off it is {@link #NONE}'s,
 * which does nothing.
 */
public class RetentionMetrics {
  public static final RetentionMetrics NONE = new RetentionMetrics();

  private RetentionMetrics() {}

  static RetentionMetrics create(Meters meters) {
    return new Measured(meters);
  }

  /** {@code count} items of {@code kind} were removed. */
  public void removed(String kind, long count) {}

  /** What one retention round removed. */
  public final void removed(RetentionVerticle.Round round) {
    if (round.byTime() + round.byCount() > 0) {
      removed("workflow", round.byTime() + round.byCount());
    }
    round.targets().forEach((target, count) -> {
      if (count != null && count > 0) {
        removed(target.trim().replace(' ', '_'), count);
      }
    });
  }

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
