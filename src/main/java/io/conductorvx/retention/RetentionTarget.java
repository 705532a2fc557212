package io.conductorvx.retention;

import io.vertx.core.Future;

/**
 * Something else that keeps history and lets the retention loop trim it: event executions,
 * scheduler execution records. Each round the loop asks every target to remove what is older
 * than the default retention window ({@code retentionSeconds}). A target removes in small batches
 * of its own choosing and never blocks an event loop; a failure is logged and retried next round.
 */
public interface RetentionTarget {
  /** What it holds, for logs ("scheduler executions"). */
  String name();

  /** Removes records older than {@code cutoffMillis} (epoch ms). @return how many it removed */
  Future<Integer> removeOlderThan(long cutoffMillis);

  /** A target from a store method such as {@code ScheduleStore::removeExecutionsOlderThan}. */
  static RetentionTarget of(String name, java.util.function.LongFunction<Future<Integer>> removeOlderThan) {
    return new RetentionTarget() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Future<Integer> removeOlderThan(long cutoffMillis) {
        return removeOlderThan.apply(cutoffMillis);
      }
    };
  }
}
