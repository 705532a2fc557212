package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Workflows saved by a command whose queue writes then failed (queue backend down), or whose save
 * failed in a way that may still have committed: their task and decider-queue entries may be
 * missing, and nothing else would bring them back before a restart. Each round re-decides a bounded
 * batch of them with queue repair; a workflow whose repair fails stays for the next round.
 */
final class QueueRepairs {
  private static final Logger LOG = Logger.getLogger(QueueRepairs.class.getName());
  /** Workflows repaired per round. */
  private static final int BATCH = 100;

  private final Set<String> pending = new LinkedHashSet<>();
  private final Function<String, Future<?>> redecide;
  private boolean running;

  /** @param redecide runs a repairing decision of one workflow, in order with its other commands */
  QueueRepairs(Function<String, Future<?>> redecide) {
    this.redecide = redecide;
  }

  /** Puts a workflow up for repair; warns once when the first of a run of failures arrives. */
  void add(String workflowId, Throwable cause) {
    if (pending.add(workflowId) && pending.size() == 1 && cause != null) {
      LOG.log(Level.WARNING, "queue writes failed after a save, repairing once the queue answers: " + cause.getMessage());
    }
  }

  /** One round; does nothing while the previous round runs. */
  void round() {
    if (running || pending.isEmpty()) {
      return;
    }
    running = true;
    List<String> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
    for (Iterator<String> it = pending.iterator(); it.hasNext() && batch.size() < BATCH; ) {
      batch.add(it.next());
      it.remove();
    }
    List<Future<?>> repairs = new ArrayList<>(batch.size());
    for (String id : batch) {
      repairs.add(redecide.apply(id).onFailure(err -> {
        // Try again next round, whatever failed: a backend can fail in forms that are not a 503,
        // and a workflow dropped from this set may sit unqueued until the next restart.
        if (!(err instanceof ConductorException ce && ce.status() == 503)) {
          LOG.log(Level.WARNING, "repair of workflow " + id + " failed, will retry: " + err);
        }
        pending.add(id);
      }));
    }
    Future.join(repairs).onComplete(ignored -> running = false);
  }
}
