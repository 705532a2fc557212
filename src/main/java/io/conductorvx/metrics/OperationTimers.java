package io.conductorvx.metrics;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * Latency of a backend's operations: one histogram series per operation and outcome, with the
 * backend's fixed tags (e.g. {@code store="execution", backend="postgres"}). A decorator holds one
 * {@link Op} per method in a field, so timing a call is a clock read and a bucket increment.
 */
final class OperationTimers {
  private final Meters meters;
  private final String name;
  private final String description;
  private final String[] tags;

  /** @param tags the backend's tags, alternating key and value */
  OperationTimers(Meters meters, String name, String description, String... tags) {
    this.meters = meters;
    this.name = name;
    this.description = description;
    this.tags = tags;
  }

  Op op(String operation) {
    return new Op(operation);
  }

  /** One operation's timers, built on first use. */
  final class Op {
    private final String operation;
    private volatile Timer success;
    private volatile Timer failure;

    private Op(String operation) {
      this.operation = operation;
    }

    /** Times {@code call} from {@code startNanos} to its completion; answers it unchanged. */
    <T> Future<T> time(long startNanos, Future<T> call) {
      return call.onComplete((value, error) -> timer(error == null).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS));
    }

    private Timer timer(boolean ok) {
      Timer t = ok ? success : failure;
      if (t == null) {
        String[] all = new String[tags.length + 4];
        System.arraycopy(tags, 0, all, 0, tags.length);
        all[tags.length] = "operation";
        all[tags.length + 1] = operation;
        all[tags.length + 2] = "outcome";
        all[tags.length + 3] = ok ? "success" : "failure";
        t = meters.latency(name, description, all);
        if (ok) {
          success = t;
        } else {
          failure = t;
        }
      }
      return t;
    }
  }
}
