package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Runs an operation on a live workflow and makes its changes durable, queued and published, in
 * that order. Only a failed save fails the command (nothing happened, nothing follows: no events,
 * no offloaded work, no notice to a parent). Once saved, the command has happened: a queue that
 * fails afterwards is repaired later ({@link QueueRepairs}) instead of failing a command whose
 * effect is already durable.
 */
final class CommitPipeline {
  private final WorkflowEngine engine;
  private final ExecutionStore store;
  private final WorkflowCache cache;
  private final QueueFollowUp queueFollowUp;
  private final QueueRepairs repairs;
  private final StatusEvents events;
  private final Offloads offloads;
  private final ParentNotices parents;
  private final FailureWorkflows failureWorkflows;

  CommitPipeline(Vertx vertx, WorkflowEngine engine, WorkflowCache cache, QueueFollowUp queueFollowUp, QueueRepairs repairs,
      StatusEvents events) {
    this.engine = engine;
    this.store = engine.backends().executions();
    this.cache = cache;
    this.queueFollowUp = queueFollowUp;
    this.repairs = repairs;
    this.events = events;
    this.offloads = new Offloads(vertx, engine);
    this.parents = new ParentNotices(engine);
    this.failureWorkflows = new FailureWorkflows(engine);
  }

  /** Runs the operation on a fresh decision, then commits what it changed; answers the operation's result. */
  <T> Future<T> apply(LiveWorkflow lw, Function<Decision, T> operation) {
    Decision d = new Decision(lw, System.currentTimeMillis(), engine.decider());
    T result;
    try {
      result = operation.apply(d);
    } catch (RuntimeException e) {
      if (!d.changes.isEmpty()) {
        cache.remove(lw.id()); // partly applied in memory: reload the stored truth next time
      }
      return Future.failedFuture(e);
    }
    return commit(lw, d).map(ignored -> result);
  }

  private Future<Void> commit(LiveWorkflow lw, Decision d) {
    Changes changes = d.changes;
    Workflow wf = lw.workflow;
    if (changes.isEmpty()) {
      return afterSave(lw, queueFollowUp.scheduleCheck(lw, d));
    }
    boolean tasksOnly = d.tasksOnly && !changes.workflow && changes.removedTaskIds.isEmpty() && changes.failureWorkflowId == null;
    if (!tasksOnly) {
      wf.updateTime = d.now();
    }
    Future<Void> before = changes.failureWorkflowId != null ? failureWorkflows.start(wf, changes) : Future.succeededFuture();
    return before.compose(v -> tasksOnly
            ? store.saveTasks(wf, changes.tasks, engine.ownership().fence(lw.id(), lw.epoch))
            : store.save(wf, changes.tasks, changes.removedTaskIds, engine.ownership().fence(lw.id(), lw.epoch)))
        .recover(err -> {
          cache.remove(lw.id());
          if (err instanceof io.conductorvx.store.FencedWriteException fenced) {
            // Another instance owns the partition now: its state stands, the command goes to it.
            engine.ownership().fenced(fenced.fence());
            return Future.failedFuture(WorkflowEngine.notOwner(fenced.fence().partition()));
          }
          // A failed save may still have committed (the answer was lost): repair from what is stored.
          repairs.add(lw.id(), null);
          return Future.failedFuture(err instanceof ConductorException ? err
              : ConductorException.unavailable("Could not save workflow " + lw.id() + ": " + err.getMessage(), err));
        })
        .compose(saved -> afterSave(lw, queueFollowUp.apply(changes).compose(v -> queueFollowUp.scheduleCheck(lw, d))))
        .onSuccess(saved -> {
          engine.observer().committed(wf, changes.workflowStatusChanged, changes.statusChanges);
          events.publish(wf, changes);
          offloads.run(lw, changes);
          changes.tasks.forEach(engine.limits()::observe);
          parents.afterCommit(wf, changes);
          if (wf.status.isTerminal()) {
            cache.remove(lw.id());
          }
        });
  }

  /**
   * The queue writes that follow a saved state. If they fail, the workflow is put up for repair and
   * the command still succeeds: its state is durable, and the repair (or, after a crash, the
   * sweeper's start-up pass) restores the missing queue entries.
   */
  private Future<Void> afterSave(LiveWorkflow lw, Future<Void> queued) {
    return queued.recover(err -> {
      repairs.add(lw.id(), err);
      return Future.succeededFuture();
    });
  }
}
