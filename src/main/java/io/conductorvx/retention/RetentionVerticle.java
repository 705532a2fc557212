package io.conductorvx.retention;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.WorkflowEngine;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The retention loop: every {@code retentionIntervalMs} one round removes, in small batches, the
 * finished executions past their window (per name), then the oldest beyond the count limit (the
 * memory store's), then asks every {@link RetentionTarget} to trim its history. Rounds never
 * overlap and run off the hot path: selection is the store's (indexed, or off the event loop in
 * memory) and every removal is a command to the workflow's owner.
 *
 * <p>Several instances may each run the loop: any may select, the owner decides, so a workflow is
 * removed once whoever proposes it.
 */
public final class RetentionVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(RetentionVerticle.class.getName());
  /** Definitions are read again at most this often for their retention settings. */
  private static final long POLICY_REFRESH_MS = 30_000;

  /** What one round removed. */
  public record Round(int byTime, int byCount, Map<String, Integer> targets) {}

  private final WorkflowEngine engine;
  private final ServerConfig config;
  private final List<RetentionTarget> targets = new CopyOnWriteArrayList<>();
  private final java.time.Clock clock;
  private ExecutionRetention executions;
  private RetentionPolicy policy;
  private long policyReadAt = Long.MIN_VALUE;
  private Future<Round> running;
  private long timerId = -1;
  private volatile Consumer<Round> roundListener = round -> {};

  /** @param clock what periodic rounds take as now (the server's clock; tests may move it) */
  public RetentionVerticle(WorkflowEngine engine, List<RetentionTarget> targets, java.time.Clock clock) {
    this.engine = engine;
    this.clock = clock;
    this.config = engine.config();
    this.targets.addAll(targets);
  }

  @Override
  public Future<?> start() {
    executions = new ExecutionRetention(engine, config.retentionBatchSize());
    timerId = vertx.setPeriodic(config.retentionIntervalMs(), id -> {
      if (running == null) {
        runOnce(clock.millis(), false);
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  /** Hears what each round removed (metrics); set before the verticle is deployed. */
  public RetentionVerticle onRound(Consumer<Round> listener) {
    this.roundListener = listener;
    return this;
  }

  /** Adds a target (a component that starts later); it takes part from the next round. */
  public void addTarget(RetentionTarget target) {
    targets.add(target);
  }

  /**
   * One round as if the time were {@code now}, with the definitions read again. Tests use it as a
   * controllable clock; a round already running is waited for first.
   */
  public Future<Round> runRound(long now) {
    Future<Round> next = Future.<Void>future(p -> context.runOnContext(v -> p.complete()))
        .compose(v -> running == null ? Future.succeededFuture() : running.transform(ignored -> Future.succeededFuture()))
        .compose(v -> runOnce(now, true));
    return next;
  }

  private Future<Round> runOnce(long now, boolean freshPolicy) {
    Future<Round> round = policy(now, freshPolicy).compose(p -> runWith(p, now))
        .onSuccess(r -> roundListener.accept(r))
        .onFailure(err -> LOG.log(Level.WARNING, "retention round failed (retried next round): " + err.getMessage()));
    running = round;
    round.onComplete(ignored -> {
      if (running == round) {
        running = null;
      }
    });
    return round;
  }

  private Future<RetentionPolicy> policy(long now, boolean fresh) {
    if (!fresh && policy != null && now - policyReadAt < POLICY_REFRESH_MS) {
      return Future.succeededFuture(policy);
    }
    return engine.backends().metadata().listWorkflowDefs().map(defs -> {
      policy = RetentionPolicy.of(config, defs);
      policyReadAt = now;
      return policy;
    });
  }

  private Future<Round> runWith(RetentionPolicy p, long now) {
    // Names with a window of their own: each by itself; every other name with the default.
    Future<Integer> byTime = Future.succeededFuture(0);
    for (Map.Entry<String, Long> e : p.secondsByName().entrySet()) {
      if (e.getValue() >= 0) {
        long cutoff = cutoff(now, e.getValue());
        byTime = byTime.compose(sum -> executions.removeEndedBefore(cutoff, List.of(e.getKey()), false).map(n -> sum + n));
      }
    }
    if (p.defaultSeconds() >= 0) {
      long cutoff = cutoff(now, p.defaultSeconds());
      List<String> others = new ArrayList<>(p.secondsByName().keySet());
      byTime = byTime.compose(sum -> executions.removeEndedBefore(cutoff, others, true).map(n -> sum + n));
    }
    return byTime.compose(timed -> executions.removeBeyondCount(p.maxFinished())
        .compose(counted -> trimTargets(p, now).map(trimmed -> new Round(timed, counted, trimmed))));
  }

  private Future<Map<String, Integer>> trimTargets(RetentionPolicy p, long now) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (p.defaultSeconds() < 0) {
      return Future.succeededFuture(out);
    }
    Future<Void> chain = Future.succeededFuture();
    for (RetentionTarget target : targets) {
      chain = chain.compose(v -> target.removeOlderThan(cutoff(now, p.defaultSeconds()))
          .map(n -> {
            out.put(target.name(), n);
            return (Void) null;
          })
          .recover(err -> {
            LOG.log(Level.WARNING, "retention of " + target.name() + " failed (retried next round): " + err.getMessage());
            return Future.succeededFuture();
          }));
    }
    return chain.map(v -> out);
  }

  private static long cutoff(long now, long seconds) {
    return seconds > (now / 1000) ? Long.MIN_VALUE : now - seconds * 1000;
  }
}
