package io.conductorvx.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * Bounded polling. Every wait in this suite goes through here: the condition is re-evaluated
 * every {@link #POLL_MS} ms until it holds or the deadline passes, then the test fails with the
 * last observed value (or the last exception thrown while observing).
 */
public final class Await {
  public static final long POLL_MS = 25;

  private Await() {}

  /** Waits until {@code condition} holds for the value produced by {@code probe}; returns that value. */
  public static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> condition) {
    return await(what, timeout, Duration.ofMillis(POLL_MS), probe, condition);
  }

  /** As above, probing every {@code period}: for probes too heavy to repeat every {@link #POLL_MS} ms. */
  public static <T> T await(String what, Duration timeout, Duration period, Supplier<T> probe, Predicate<? super T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Throwable lastError = null;
    while (true) {
      try {
        last = probe.get();
        lastError = null;
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException | AssertionError e) {
        lastError = e;
      }
      if (System.nanoTime() >= deadline) {
        String msg = "Timed out after " + timeout.toMillis() + " ms waiting for: " + what
            + (lastError != null ? "; last error: " + lastError : "; last value: " + Describe.any(last));
        AssertionFailedError err = new AssertionFailedError(msg);
        if (lastError != null) {
          err.initCause(lastError);
        }
        throw err;
      }
      sleep(period.toMillis());
    }
  }

  /** Waits until {@code condition} is true. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, () -> condition.getAsBoolean(), Boolean::booleanValue);
  }

  /**
   * The opposite of {@link #await}: checks for the whole {@code period} that {@code invariant}
   * keeps holding (used for "nothing happens while paused" style assertions). Fails at the first
   * observation that breaks it.
   */
  public static <T> void holdsFor(String what, Duration period, Supplier<T> probe, Predicate<? super T> invariant) {
    long deadline = System.nanoTime() + period.toNanos();
    do {
      T value = probe.get();
      if (!invariant.test(value)) {
        throw new AssertionFailedError("Invariant broken: " + what + "; observed: " + Describe.any(value));
      }
      sleep(POLL_MS);
    } while (System.nanoTime() < deadline);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
