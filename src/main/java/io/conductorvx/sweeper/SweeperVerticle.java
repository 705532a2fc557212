package io.conductorvx.sweeper;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The safety net that makes timers fire: every interval it takes the workflows whose next check is
 * due from the decider queue and asks their owners to decide (and repair missing queue entries),
 * and it returns task messages whose lease ran out. At start it queues every active workflow, so
 * a restarted server picks up where the last one stopped.
 */
public final class SweeperVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SweeperVerticle.class.getName());
  private static final int BATCH = 200;
  /** A decider-queue entry taken by a sweep comes back if its decision never happened. */
  private static final long SWEEP_LEASE_MS = 60_000;

  private final WorkflowEngine engine;
  private final QueueStore queues;
  private final ExecutionStore store;
  private long timerId = -1;
  private boolean sweeping;

  public SweeperVerticle(WorkflowEngine engine) {
    this.engine = engine;
    this.queues = engine.backends().queues();
    this.store = engine.backends().executions();
  }

  @Override
  public Future<?> start() {
    // In a cluster the member that takes a partition decides its running workflows (ClusterNode),
    // so a member's restart does not make every workflow of the cluster due at once.
    Future<Void> queued = engine.ownership().clustered() ? Future.succeededFuture() : queueActiveWorkflows();
    return queued.onSuccess(v ->
        timerId = vertx.setPeriodic(engine.config().sweepIntervalMs(), id -> sweep()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  private Future<Void> queueActiveWorkflows() {
    return store.activeWorkflowIds().compose(ids -> {
      Future<Void> chain = Future.succeededFuture();
      for (String id : ids) {
        chain = chain.compose(v -> queues.push(QueueNames.DECIDER, new QueueMessage(id, id, 0), 0));
      }
      return chain;
    });
  }

  /** One sweep at a time: a slow store makes sweeps less frequent, never overlapping. */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    queues.requeueExpiredLeases()
        .compose(n -> sweepDue())
        .onFailure(err -> LOG.log(Level.WARNING, "sweep failed: " + err.getMessage()))
        .onComplete(ignored -> sweeping = false);
  }

  private Future<Void> sweepDue() {
    return queues.pop(QueueNames.DECIDER, BATCH, SWEEP_LEASE_MS).compose(due -> {
      List<Future<Object>> decisions = new ArrayList<>(due.size());
      for (QueueMessage m : due) {
        decisions.add(engine.send(new Command.Decide(m.id(), true)));
      }
      return Future.join(decisions).<Void>mapEmpty().recover(err -> Future.succeededFuture())
          .compose(v -> due.size() == BATCH ? sweepDue() : Future.succeededFuture());
    });
  }
}
