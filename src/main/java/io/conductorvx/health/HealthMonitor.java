package io.conductorvx.health;

import io.conductorvx.error.BackendFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the server's backends every {@code intervalMs} and whenever {@code /health} asks, and
 * remembers since when each is up or down. The checks run as vertx-health-check procedures, which
 * bound each with {@code timeoutMs} (a backend that does not answer is down, not a hung probe) and
 * run them side by side. Safe to call from any event loop: one round runs at a time, callers that
 * arrive meanwhile share it.
 */
public final class HealthMonitor {
  /** A round this recent answers a request without a new one (several probes at once). */
  private static final long FRESH_MS = 250;

  private final Vertx vertx;
  private final List<HealthCheck> checks;
  private final Map<String, HealthCheck> byName = new LinkedHashMap<>();
  private final HealthChecks procedures;
  private final long timeoutMs;
  /** Backend name → its latest state; guarded by this. */
  private final Map<String, BackendHealth> states = new LinkedHashMap<>();
  private volatile HealthReport last;
  private Future<HealthReport> running;
  private long timer = -1;

  /**
   * Every backend starts up since {@code startedAtMillis}: the server connected to each before it
   * got here. Periodic checks start at once.
   */
  public HealthMonitor(Vertx vertx, List<HealthCheck> checks, long intervalMs, long timeoutMs, long startedAtMillis) {
    this.vertx = vertx;
    this.checks = List.copyOf(checks);
    this.procedures = HealthChecks.create(vertx);
    this.timeoutMs = timeoutMs;
    for (HealthCheck c : this.checks) {
      procedures.register(c.name(), timeoutMs, promise -> c.check().onComplete(
          (ok, failure) -> {
            if (failure == null) {
              promise.tryComplete(Status.OK());
            } else {
              promise.tryFail(failure);
            }
          }));
      byName.put(c.name(), c);
      states.put(c.name(), new BackendHealth(c.name(), c.required(), true, startedAtMillis, startedAtMillis, null, c.details()));
    }
    this.last = new HealthReport(List.copyOf(states.values()), startedAtMillis);
    if (!this.checks.isEmpty()) {
      timer = vertx.setPeriodic(intervalMs, id -> check());
    }
  }

  /** The state found by the latest round (or the starting state). */
  public HealthReport last() {
    return last;
  }

  /** A fresh round of checks (or the one under way, or one finished a moment ago). */
  public Future<HealthReport> check() {
    Future<HealthReport> round;
    synchronized (this) {
      if (running != null) {
        return running;
      }
      if (checks.isEmpty() || System.currentTimeMillis() - last.checkedAtMillis() < FRESH_MS) {
        return Future.succeededFuture(last);
      }
      round = procedures.checkStatus().map(this::record);
      running = round;
    }
    round.onComplete(ignored -> {
      synchronized (this) {
        if (running == round) {
          running = null;
        }
      }
    });
    return round;
  }

  private synchronized HealthReport record(CheckResult root) {
    long now = System.currentTimeMillis();
    for (CheckResult r : root.getChecks()) {
      BackendHealth before = states.get(r.getId());
      if (before == null) {
        continue;
      }
      boolean up = r.getUp();
      String error = up ? null : describe(r);
      long since = before.up() == up ? before.sinceMillis() : now;
      states.put(r.getId(), new BackendHealth(before.name(), before.required(), up, since, now, error,
          byName.get(r.getId()).details()));
    }
    last = new HealthReport(new ArrayList<>(states.values()), now);
    return last;
  }

  private String describe(CheckResult r) {
    Throwable failure = r.getFailure();
    if (failure == null) {
      return "down";
    }
    if ("Timeout".equals(failure.getMessage())) {
      return "no answer within " + timeoutMs + " ms"; // the procedure's own timeout
    }
    return BackendFailure.describe(failure);
  }

  /** Stops the periodic checks. */
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
