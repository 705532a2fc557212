package io.conductorvx.engine;

import io.conductorvx.model.TaskDef;
import java.util.concurrent.ThreadLocalRandom;

/** The delay before a retry, from a task definition's retry logic. */
public final class RetryPolicy {
  private RetryPolicy() {}

  /**
   * Seconds to wait before the attempt that follows attempt {@code retryCount} (0-based):
   * FIXED d, LINEAR_BACKOFF d×scale×(n+1), EXPONENTIAL_BACKOFF d×2^n; capped by
   * maxRetryDelaySeconds when set. Overflow saturates at Integer.MAX_VALUE.
   */
  public static long delaySeconds(TaskDef def, int retryCount) {
    long base = Math.max(0, def.retryDelaySeconds);
    long delay = switch (def.retryLogic == null ? io.conductorvx.model.RetryLogic.FIXED : def.retryLogic) {
      case FIXED -> base;
      case LINEAR_BACKOFF -> saturate((double) base * Math.max(1, def.backoffScaleFactor) * (retryCount + 1));
      case EXPONENTIAL_BACKOFF -> saturate(base * Math.pow(2, retryCount));
    };
    if (def.maxRetryDelaySeconds > 0) {
      delay = Math.min(delay, def.maxRetryDelaySeconds);
    }
    return delay;
  }

  /** Extra random milliseconds spreading retries of many tasks, from backoffJitterMs. */
  public static long jitterMs(TaskDef def) {
    return def.backoffJitterMs > 0 ? ThreadLocalRandom.current().nextLong(def.backoffJitterMs + 1L) : 0;
  }

  private static long saturate(double value) {
    return value >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (long) value;
  }
}
