package io.conductorvx.engine;

import io.conductorvx.model.Workflow;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One decider partition: the single writer of the workflows that hash to it. Takes commands handed
 * over by {@link LocalDeciders} and runs those of one workflow strictly one after another, each including its
 * writes ({@link CommitPipeline}); different workflows interleave freely on this verticle's event
 * loop. Running workflows stay cached here ({@link WorkflowCache}).
 */
public final class DeciderVerticle extends VerticleBase {
  /** Published (under the server's prefix) with a cluster partition this instance no longer owns. */
  public static final String PARTITION_LOST = "cluster.partition-lost";

  private final int partition;
  private final WorkflowEngine engine;
  private final WorkflowOperations operations;
  private final WorkflowCache cache;
  private final Map<String, Future<?>> tails = new HashMap<>();
  private final QueueRepairs repairs = new QueueRepairs(id -> inOrder(id, () -> handle(new Command.Decide(id, true))));
  private QueueFollowUp queueFollowUp;
  private CommitPipeline pipeline;
  private StatusEvents events;
  private long repairTimer = -1;

  public DeciderVerticle(int partition, WorkflowEngine engine) {
    this.partition = partition;
    this.engine = engine;
    this.operations = new WorkflowOperations(engine.decider());
    this.cache = new WorkflowCache(engine.backends().executions(), engine);
  }

  @Override
  public Future<?> start() {
    queueFollowUp = new QueueFollowUp(vertx, engine);
    events = new StatusEvents(vertx, engine);
    pipeline = new CommitPipeline(vertx, engine, cache, queueFollowUp, repairs, events);
    engine.deciders().register(partition, context, this::onCommand);
    // a cluster partition this instance lost or handed over: its cached workflows may change elsewhere now
    MessageConsumer<Integer> lost = vertx.eventBus().consumer(engine.address(PARTITION_LOST), msg -> cache.dropPartition(msg.body()));
    repairTimer = vertx.setPeriodic(engine.config().sweepIntervalMs(), id -> repairs.round());
    return lost.completion();
  }

  @Override
  public Future<?> stop() {
    engine.deciders().unregister(partition);
    vertx.cancelTimer(repairTimer);
    return Future.succeededFuture();
  }

  private Future<?> onCommand(Command command) {
    Ownership ownership = engine.ownership();
    if (ownership.clustered() && ownership.epochIfOwned(ownership.partitionOf(command.workflowId())) < 0) {
      // the lease moved after the command was sent: the sender forwards it to the new owner
      return Future.failedFuture(WorkflowEngine.notOwner(ownership.partitionOf(command.workflowId())));
    }
    return inOrder(command.workflowId(), () -> handle(command));
  }

  /** Runs the action after every earlier action on the same workflow has finished. */
  private <T> Future<T> inOrder(String workflowId, Supplier<Future<T>> action) {
    Future<?> previous = tails.get(workflowId);
    Future<T> next = previous == null ? run(action) : previous.transform(ignored -> run(action));
    tails.put(workflowId, next);
    next.onComplete(ignored -> tails.remove(workflowId, next));
    return next;
  }

  private static <T> Future<T> run(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<?> handle(Command command) {
    if (command instanceof Command.Start c) {
      Future<LiveWorkflow> existing = c.idempotent() ? cache.load(c.workflowId(), false) : Future.succeededFuture();
      return existing.compose(found -> {
        if (found != null) {
          return Future.succeededFuture(found.id());
        }
        LiveWorkflow lw = new LiveWorkflow(c.workflow());
        if (c.mocks() != null) {
          lw.mocks = new HashMap<>();
          c.mocks().forEach((ref, list) -> lw.mocks.put(ref, new ArrayDeque<>(list)));
        }
        cache.put(lw);
        return apply(lw, d -> {
          operations.start(d);
          return lw.id();
        });
      });
    }
    if (command instanceof Command.UpdateTask c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> operations.updateTask(d, c.result())));
    }
    if (command instanceof Command.UpdateTaskByRef c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> operations.updateTaskByRef(d, c)));
    }
    if (command instanceof Command.ClaimTask c) {
      return cache.load(c.workflowId(), false).compose(lw -> lw == null
          ? Future.succeededFuture(new Command.Claim(Command.Claim.Outcome.DROP, null))
          : apply(lw, d -> operations.claim(d, c.taskId(), c.workerId(), engine.limits(), reclaimGuardMs())));
    }
    if (command instanceof Command.Decide c) {
      return cache.load(c.workflowId(), false).compose(lw -> {
        if (lw == null) {
          return engine.backends().queues().remove(QueueNames.DECIDER, c.workflowId()).mapEmpty();
        }
        Future<Void> decided = apply(lw, d -> {
          operations.decide(d);
          return null;
        }).mapEmpty();
        return c.repair() ? decided.compose(v -> queueFollowUp.repair(lw)) : decided;
      });
    }
    if (command instanceof Command.Pause c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.pause(d);
        return null;
      }));
    }
    if (command instanceof Command.Resume c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.resume(d);
        return null;
      }));
    }
    if (command instanceof Command.Terminate c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.terminate(d, c.reason());
        return null;
      }));
    }
    if (command instanceof Command.TaskWorkDone c) {
      return cache.load(c.workflowId(), false).compose(lw -> lw == null ? Future.succeededFuture() : apply(lw, d -> {
        operations.workDone(d, c);
        return null;
      }));
    }
    if (command instanceof Command.Watch c) {
      return cache.load(c.workflowId(), true).map(lw -> {
        events.snapshot(lw.workflow, c);
        return null;
      });
    }
    if (command instanceof Command.Unwatch c) {
      engine.liveInterest().unwatch(c.workflowId(), c.subscriber(), c.watchId());
      return Future.succeededFuture();
    }
    if (command instanceof Command.Remove c) {
      return remove(c.workflowId());
    }
    if (command instanceof Command.Expire c) {
      return expire(c);
    }
    if (command instanceof Command.Retry c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.retry(d);
        return null;
      }));
    }
    if (command instanceof Command.Restart c) {
      return withWorkflow(c.workflowId(), lw -> restart(lw, c));
    }
    if (command instanceof Command.RerunFromTask c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.rerunFromTask(d, c.taskId(), c.taskInput());
        return null;
      }));
    }
    if (command instanceof Command.SkipTask c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.skipTask(d, c);
        return null;
      }));
    }
    if (command instanceof Command.ResetCallbacks c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.resetCallbacks(d);
        return null;
      }));
    }
    if (command instanceof Command.UpdateVariables c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.updateVariables(d, c.variables());
        return null;
      }));
    }
    if (command instanceof Command.PushMessage c) {
      return withWorkflow(c.workflowId(), lw -> engine.messages().accept(lw.workflow, c.message())
          .compose(id -> apply(lw, d -> {
            operations.decide(d);
            return id;
          })));
    }
    if (command instanceof Command.ChildReopened c) {
      return withWorkflow(c.workflowId(), lw -> apply(lw, d -> {
        operations.childReopened(d, c.parentTaskId());
        return null;
      }));
    }
    return Future.failedFuture(new IllegalArgumentException("Unknown command " + command));
  }

  /**
   * Restart and rerun from scratch: the same execution with an empty task list (and maybe a new
   * definition or input), decided as if just started. The definition index is rebuilt.
   */
  private Future<Void> restart(LiveWorkflow lw, Command.Restart c) {
    Workflow wf = lw.workflow;
    WorkflowOperations.checkRestartable(wf, c.input() != null || c.correlationId() != null);
    List<String> oldTaskIds = new ArrayList<>();
    lw.tasks().forEach(t -> oldTaskIds.add(t.taskId));
    wf.tasks = new ArrayList<>();
    if (c.definition() != null) {
      wf.workflowDefinition = c.definition();
    }
    if (c.input() != null) {
      wf.input = new LinkedHashMap<>(c.input());
    }
    if (c.correlationId() != null) {
      wf.correlationId = c.correlationId();
    }
    LiveWorkflow fresh = new LiveWorkflow(wf);
    cache.put(fresh);
    return apply(fresh, d -> {
      d.changes.removedTaskIds.addAll(oldTaskIds);
      operations.restart(d);
      return null;
    });
  }

  /** In a cluster: how recent a claim must be for a second claim of the task to be a duplicate. */
  private long reclaimGuardMs() {
    return engine.ownership().clustered()
        ? engine.config().queueLeaseSeconds() * 1000 + engine.config().clusterForwardTimeoutMs() : 0;
  }

  private <T> Future<T> withWorkflow(String workflowId, Function<LiveWorkflow, Future<T>> action) {
    return cache.load(workflowId, true).compose(action);
  }

  private <T> Future<T> apply(LiveWorkflow lw, Function<Decision, T> operation) {
    return pipeline.apply(lw, operation);
  }

  private Future<Void> remove(String workflowId) {
    return cache.load(workflowId, true).compose(lw -> {
      cache.remove(workflowId);
      return queueFollowUp.removeAll(lw)
          .compose(v -> engine.backends().queues().drop(io.conductorvx.messages.WorkflowMessages.queueName(workflowId)))
          .compose(v -> fenced(engine.backends().executions().removeWorkflow(workflowId,
              engine.ownership().fence(workflowId, lw.epoch)))).mapEmpty();
    });
  }

  /** The fence of a workflow that is not loaded (expiry): this member's current lease on its partition. */
  private io.conductorvx.store.Fence fenceNow(String workflowId) {
    Ownership ownership = engine.ownership();
    return ownership.fence(workflowId, ownership.epochIfOwned(ownership.partitionOf(workflowId)));
  }

  /** A removal the store refused under a stale fence: the partition moved, the command goes to its owner. */
  private <T> Future<T> fenced(Future<T> removal) {
    return removal.recover(err -> {
      if (err instanceof io.conductorvx.store.FencedWriteException f) {
        engine.ownership().fenced(f.fence());
        return Future.failedFuture(WorkflowEngine.notOwner(f.fence().partition()));
      }
      return Future.failedFuture(err);
    });
  }

  /**
   * Checked here, in order with every other command of the workflow: nothing can reopen it
   * meanwhile. A finished workflow is not cached and its document is not needed: the store's row
   * says whether it is still the one selected. Its task messages left their queues when its tasks
   * ended; its decider-queue entry is removed in case a failed queue write left it behind, and its
   * workflow-message queue is dropped with what the queue backend keeps for it.
   */
  private Future<Boolean> expire(Command.Expire c) {
    ExecutionStore store = engine.backends().executions();
    return store.execution(c.workflowId()).compose(found -> {
      if (found == null || !found.status().isTerminal() || found.endTime() != c.endTime()) {
        return Future.succeededFuture(false);
      }
      cache.remove(c.workflowId());
      return engine.backends().queues().remove(QueueNames.DECIDER, c.workflowId())
          .compose(v -> engine.backends().queues().drop(io.conductorvx.messages.WorkflowMessages.queueName(c.workflowId())))
          .compose(v -> fenced(store.removeWorkflow(c.workflowId(), fenceNow(c.workflowId()))));
    });
  }
}
