package io.conductorvx.scheduler;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Fires schedule slots on time: every poll interval it asks the store for the schedules due now,
 * earliest first, and fires them. One timer whatever the number of schedules; a slow store makes
 * passes less frequent, never overlapping.
 */
public final class SchedulerVerticle extends VerticleBase {
  private final Scheduler scheduler;
  private final long pollIntervalMs;
  private long timerId = -1;
  private boolean running;

  public SchedulerVerticle(Scheduler scheduler, long pollIntervalMs) {
    this.scheduler = scheduler;
    this.pollIntervalMs = Math.max(1, pollIntervalMs);
  }

  @Override
  public Future<?> start() {
    timerId = vertx.setPeriodic(pollIntervalMs, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    scheduler.runOnce().onComplete(ignored -> running = false);
  }
}
