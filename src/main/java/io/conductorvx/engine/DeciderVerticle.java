package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.conductorvx.tasks.TaskServices;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One decider partition: the single writer of the workflows that hash to it. Commands for one
 * workflow run strictly one after another, each including its writes; different workflows
 * interleave freely on this verticle's event loop. Running workflows stay cached here, so a
 * decision costs no store read.
 */
public final class DeciderVerticle extends VerticleBase {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME);
  private static final Logger LOG = Logger.getLogger(DeciderVerticle.class.getName());
  /** Workflows repaired per round (see {@link #repairQueued}). */
  private static final int REPAIR_BATCH = 100;

  private final int partition;
  private final WorkflowEngine engine;
  private final WorkflowOperations operations;
  private final ExecutionStore store;
  private final QueueStore queues;
  private final Map<String, LiveWorkflow> live = new HashMap<>();
  private final Map<String, Future<?>> tails = new HashMap<>();
  /**
   * Workflows saved by a command whose queue writes then failed (queue backend down): their task
   * and decider-queue entries may be missing, and nothing else would bring them back before a
   * restart. Repaired every sweep interval until the queue answers again.
   */
  private final Set<String> needsRepair = new LinkedHashSet<>();
  private long repairTimer = -1;
  private boolean repairing;
  private MessageConsumer<Object> consumer;
  private TaskServices services;

  public DeciderVerticle(int partition, WorkflowEngine engine) {
    this.partition = partition;
    this.engine = engine;
    this.operations = new WorkflowOperations(engine.decider());
    this.store = engine.backends().executions();
    this.queues = engine.backends().queues();
  }


  @Override
  public Future<?> start() {
    Vertx v = vertx;
    services = new TaskServices() {
      @Override
      public Vertx vertx() {
        return v;
      }

      @Override
      public WorkflowEngine engine() {
        return engine;
      }
    };
    consumer = vertx.eventBus().consumer(engine.deciderAddress(partition), this::onCommand);
    repairTimer = vertx.setPeriodic(engine.config().sweepIntervalMs(), id -> repairQueued());
    MessageConsumer<String> requeue = vertx.eventBus().consumer(engine.deciderAddress(partition) + ".requeue",
        msg -> requeue(msg.body()).onSuccess(n -> msg.reply(n, LOCAL)).onFailure(err -> msg.fail(500, err.getMessage())));
    return Future.all(consumer.completion(), requeue.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(repairTimer);
    return Future.succeededFuture();
  }

  /** Pushes again every scheduled task of that type this partition owns; a push never duplicates. */
  private Future<Integer> requeue(String taskType) {
    List<Task> scheduled = new ArrayList<>();
    for (LiveWorkflow lw : live.values()) {
      for (Task t : lw.tasks()) {
        if (!t.retried && t.status == TaskStatus.SCHEDULED && taskType.equals(t.taskType)
            && engine.decider().types().of(t.workflowTask.type).isWorkerTask()) {
          scheduled.add(t);
        }
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (Task t : scheduled) {
      chain = chain.compose(v -> queues.push(QueueNames.taskQueue(t.taskType, t.domain),
          new QueueMessage(t.taskId, t.workflowInstanceId, t.workflowPriority), 0));
    }
    return chain.map(v -> scheduled.size());
  }

  private void onCommand(Message<Object> message) {
    Command command = (Command) message.body();
    inOrder(command.workflowId(), () -> handle(command))
        .onSuccess(result -> message.reply(result, LOCAL))
        .onFailure(err -> {
          int status = err instanceof ConductorException ce ? ce.status() : 500;
          message.fail(status, err.getMessage() == null ? err.toString() : err.getMessage());
        });
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
      Future<LiveWorkflow> existing = c.idempotent() ? load(c.workflowId(), false) : Future.succeededFuture();
      return existing.compose(found -> {
        if (found != null) {
          return Future.succeededFuture(found.id());
        }
        LiveWorkflow lw = new LiveWorkflow(c.workflow());
        if (c.mocks() != null) {
          lw.mocks = new HashMap<>();
          c.mocks().forEach((ref, list) -> lw.mocks.put(ref, new java.util.ArrayDeque<>(list)));
        }
        live.put(lw.id(), lw);
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
      return load(c.workflowId(), false).compose(lw -> lw == null
          ? Future.succeededFuture(new Command.Claim(Command.Claim.Outcome.DROP, null))
          : apply(lw, d -> operations.claim(d, c.taskId(), c.workerId(), engine.limits())));
    }
    if (command instanceof Command.Decide c) {
      return load(c.workflowId(), false).compose(lw -> {
        if (lw == null) {
          return queues.remove(QueueNames.DECIDER, c.workflowId()).mapEmpty();
        }
        Future<Void> decided = apply(lw, d -> {
          operations.decide(d);
          return null;
        }).mapEmpty();
        return c.repair() ? decided.compose(v -> repairQueues(lw)) : decided;
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
      return load(c.workflowId(), false).compose(lw -> lw == null ? Future.succeededFuture() : apply(lw, d -> {
        operations.workDone(d, c);
        return null;
      }));
    }
    if (command instanceof Command.Remove c) {
      return remove(c.workflowId());
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
    live.put(fresh.id(), fresh);
    return apply(fresh, d -> {
      d.changes.removedTaskIds.addAll(oldTaskIds);
      operations.restart(d);
      return null;
    });
  }

  private <T> Future<T> withWorkflow(String workflowId, Function<LiveWorkflow, Future<T>> action) {
    return load(workflowId, true).compose(action);
  }

  /** The cached workflow, else the stored one; null (or 404 when required) if there is none. */
  private Future<LiveWorkflow> load(String workflowId, boolean required) {
    LiveWorkflow cached = live.get(workflowId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return store.getWorkflow(workflowId, true).compose(wf -> {
      if (wf == null) {
        return required
            ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
            : Future.succeededFuture(null);
      }
      LiveWorkflow lw = new LiveWorkflow(wf);
      if (!wf.status.isTerminal()) {
        live.put(workflowId, lw);
      }
      return Future.succeededFuture(lw);
    });
  }

  /**
   * Re-decides, with queue repair, the workflows whose queue writes failed after their save. One
   * round at a time, a bounded batch each; a workflow whose repair fails stays for the next round.
   */
  private void repairQueued() {
    if (repairing || needsRepair.isEmpty()) {
      return;
    }
    repairing = true;
    List<String> batch = new ArrayList<>(Math.min(REPAIR_BATCH, needsRepair.size()));
    for (Iterator<String> it = needsRepair.iterator(); it.hasNext() && batch.size() < REPAIR_BATCH; ) {
      batch.add(it.next());
      it.remove();
    }
    List<Future<Object>> repairs = new ArrayList<>(batch.size());
    for (String id : batch) {
      repairs.add(inOrder(id, () -> handle(new Command.Decide(id, true)))
          .<Object>map(v -> v)
          .onFailure(err -> {
            // Try again next round, whatever failed: a backend can fail in forms that are not a 503,
            // and a workflow dropped from this set may sit unqueued until the next restart.
            if (!(err instanceof ConductorException ce && ce.status() == 503)) {
              LOG.log(Level.WARNING, "repair of workflow " + id + " failed, will retry: " + err);
            }
            needsRepair.add(id);
          }));
    }
    Future.join(repairs).onComplete(ignored -> repairing = false);
  }

  /** Runs an operation, then makes its changes durable, queued and published, in that order. */
  private <T> Future<T> apply(LiveWorkflow lw, Function<Decision, T> operation) {
    long now = System.currentTimeMillis();
    Decision d = new Decision(lw, now, engine.decider());
    T result;
    try {
      result = operation.apply(d);
    } catch (RuntimeException e) {
      if (!d.changes.isEmpty()) {
        live.remove(lw.id()); // partly applied in memory: reload the stored truth next time
      }
      return Future.failedFuture(e);
    }
    return commit(lw, d).map(ignored -> result);
  }

  /**
   * Saves the decision, then queues, publishes and starts what follows from it. Only a failed save
   * fails the command (nothing happened, nothing follows: no events, no offloaded work, no notice to
   * a parent). Once saved, the command has happened: a queue that fails afterwards is repaired later
   * ({@link #repairQueued}) instead of failing a command whose effect is already durable.
   */
  private Future<Void> commit(LiveWorkflow lw, Decision d) {
    Changes changes = d.changes;
    Workflow wf = lw.workflow;
    if (changes.isEmpty()) {
      return queueFollowUp(lw, scheduleCheck(lw, d));
    }
    wf.updateTime = d.now();
    // the failure workflow exists before anyone can read the failure that names it
    Future<Void> before = changes.failureWorkflowId != null ? startFailureWorkflow(lw, changes) : Future.succeededFuture();
    return before.compose(v -> store.save(wf, changes.tasks, changes.removedTaskIds))
        .recover(err -> {
          live.remove(lw.id());
          // A failed save may still have committed (the answer was lost): repair from what is stored.
          needsRepair.add(lw.id());
          return Future.failedFuture(err instanceof ConductorException ? err
              : ConductorException.unavailable("Could not save workflow " + lw.id() + ": " + err.getMessage(), err));
        })
        .compose(saved -> queueFollowUp(lw, applyQueueOps(changes).compose(v -> scheduleCheck(lw, d))))
        .onSuccess(saved -> {
          publish(wf, changes);
          runOffloads(lw, changes);
          changes.tasks.forEach(engine.limits()::observe);
          if (changes.workflowStatusChanged && wf.status.isTerminal()) {
            notifyParent(wf);
          }
          if (changes.reopened && wf.parentWorkflowId != null && wf.parentWorkflowTaskId != null) {
            engine.send(new Command.ChildReopened(wf.parentWorkflowId, wf.parentWorkflowTaskId));
          }
          if (wf.status.isTerminal()) {
            live.remove(lw.id());
          }
        });
  }

  /**
   * The queue writes that follow a saved state. If they fail, the workflow is put up for repair and
   * the command still succeeds: its state is durable, and the repair (or, after a crash, the
   * sweeper's start-up pass) restores the missing queue entries.
   */
  private Future<Void> queueFollowUp(LiveWorkflow lw, Future<Void> queued) {
    return queued.recover(err -> {
      if (needsRepair.add(lw.id()) && needsRepair.size() == 1) {
        LOG.log(Level.WARNING, "queue writes failed after a save, repairing once the queue answers: " + err.getMessage());
      }
      return Future.succeededFuture();
    });
  }

  /** Starts each piece of offloaded work; its outcome returns as a command, in order with the rest. */
  private void runOffloads(LiveWorkflow lw, Changes changes) {
    for (Changes.Offload offload : changes.offloads) {
      Future<Object> work;
      try {
        work = offload.work().apply(services);
      } catch (RuntimeException e) {
        work = Future.failedFuture(e);
      }
      work.onComplete(outcome -> engine.send(new Command.TaskWorkDone(lw.id(), offload.taskId(),
          outcome.succeeded() ? outcome.result() : null, outcome.failed() ? outcome.cause() : null)));
    }
  }

  /** A child workflow that ended tells its parent's SUB_WORKFLOW task; the parent's sweeper re-checks if this is lost. */
  private void notifyParent(Workflow wf) {
    if (wf.parentWorkflowId == null || wf.parentWorkflowTaskId == null) {
      return;
    }
    Command.ChildEnded ended = new Command.ChildEnded(wf.workflowId, wf.status,
        wf.output == null ? Map.of() : new LinkedHashMap<>(wf.output), wf.reasonForIncompletion);
    engine.send(new Command.TaskWorkDone(wf.parentWorkflowId, wf.parentWorkflowTaskId, ended, null));
  }

  private Future<Void> applyQueueOps(Changes changes) {
    Future<Void> chain = Future.succeededFuture();
    Map<String, Integer> readyCounts = new LinkedHashMap<>();
    for (Changes.QueueOp op : changes.queueOps) {
      if (op.remove()) {
        chain = chain.compose(v -> queues.remove(op.queue(), op.message().id()).mapEmpty());
      } else {
        chain = chain.compose(v -> queues.push(op.queue(), op.message(), op.delayMs()));
        if (op.delayMs() <= 0) {
          readyCounts.merge(op.queue(), 1, Integer::sum);
        } else {
          wakePollersLater(op.queue(), op.delayMs());
        }
      }
    }
    return chain.andThen(ignored -> readyCounts.forEach(this::wakePollers));
  }

  private void wakePollers(String queue, int count) {
    vertx.eventBus().publish(engine.address(LiveEvents.QUEUE_READY), new JsonObject().put("queue", queue).put("count", count));
  }

  /** Delayed messages become visible without a push; parked polls hear of them by timer. */
  private void wakePollersLater(String queue, long delayMs) {
    if (delayMs <= 60_000) {
      vertx.setTimer(delayMs + 1, id -> wakePollers(queue, 1));
    }
  }

  /** Keeps the decider queue entry of the workflow at its next timer, or removes it when done. */
  private Future<Void> scheduleCheck(LiveWorkflow lw, Decision d) {
    long now = d.now();
    long next = engine.decider().nextCheckAt(d);
    if (next == 0) {
      lw.queuedCheckAt = 0;
      return queues.remove(QueueNames.DECIDER, lw.id()).mapEmpty();
    }
    if (lw.queuedCheckAt > now && lw.queuedCheckAt <= next) {
      return Future.succeededFuture();
    }
    // Remembered only once pushed: after a failed push the next check must push again.
    lw.queuedCheckAt = 0;
    return queues.push(QueueNames.DECIDER, new QueueMessage(lw.id(), lw.id(), 0), next - now)
        .onSuccess(v -> lw.queuedCheckAt = next);
  }

  /** After a crash between a save and a push, a scheduled task may be missing from its queue. */
  private Future<Void> repairQueues(LiveWorkflow lw) {
    if (lw.workflow.status.isTerminal()) {
      return Future.succeededFuture();
    }
    List<Task> scheduled = new ArrayList<>();
    for (Task t : lw.tasks()) {
      if (!t.retried && t.status == TaskStatus.SCHEDULED && engine.decider().types().of(t.workflowTask.type).isWorkerTask()) {
        scheduled.add(t);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (Task t : scheduled) {
      String queue = QueueNames.taskQueue(t.taskType, t.domain);
      chain = chain.compose(v -> queues.contains(queue, t.taskId).compose(present -> present
          ? Future.succeededFuture()
          : queues.push(queue, new QueueMessage(t.taskId, t.workflowInstanceId, t.workflowPriority), 0)
              .onSuccess(pushed -> wakePollers(queue, 1))));
    }
    return chain;
  }

  private void publish(Workflow wf, Changes changes) {
    if (changes.workflowStatusChanged) {
      vertx.eventBus().publish(LiveEvents.WORKFLOW, new JsonObject()
          .put("workflowId", wf.workflowId)
          .put("workflowName", wf.workflowName())
          .put("status", wf.status.name())
          .put("updateTime", wf.updateTime));
    }
    for (Task t : changes.statusChanges) {
      vertx.eventBus().publish(LiveEvents.TASK, new JsonObject()
          .put("taskId", t.taskId)
          .put("workflowId", t.workflowInstanceId)
          .put("referenceTaskName", t.referenceTaskName)
          .put("taskType", t.taskType)
          .put("status", t.status.name())
          .put("updateTime", t.updateTime));
    }
  }

  /**
   * Starts the definition's failure workflow with Conductor's input under the id already written to
   * the failed workflow's output; if it cannot start, the output says why instead. Runs before the
   * failure is saved; the id is derived from the failed run, so doing it twice starts it once.
   */
  private Future<Void> startFailureWorkflow(LiveWorkflow lw, Changes changes) {
    Workflow wf = lw.workflow;
    String name = wf.workflowDefinition.failureWorkflow;
    if (name.startsWith("${workflow.input.") && name.endsWith("}")) {
      Object fromInput = wf.input.get(name.substring("${workflow.input.".length(), name.length() - 1));
      name = fromInput == null ? null : fromInput.toString();
    }
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = name;
    request.version = wf.workflowDefinition.failureWorkflowVersion;
    request.correlationId = wf.correlationId;
    request.taskToDomain = wf.taskToDomain;
    Map<String, Object> input = new LinkedHashMap<>(wf.input);
    input.put("workflowId", wf.workflowId);
    input.put("reason", wf.reasonForIncompletion);
    input.put("failureStatus", wf.status.name());
    if (changes.failureTaskId != null) {
      input.put("failureTaskId", changes.failureTaskId);
    }
    input.put("failedWorkflow", Json.toMap(wf));
    request.input = input;
    String failureName = name;
    Future<String> started = failureName == null
        ? Future.failedFuture("failure workflow name resolved to null")
        : engine.startWorkflow(request, changes.failureWorkflowId, null, null, null);
    return started.<Void>mapEmpty().recover(err -> {
      wf.output = new LinkedHashMap<>(wf.output);
      wf.output.put("conductor.failure_workflow", "Error starting failure workflow " + failureName + ": " + err.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> remove(String workflowId) {
    return load(workflowId, true).compose(lw -> {
      live.remove(workflowId);
      Future<Void> chain = queues.remove(QueueNames.DECIDER, workflowId).mapEmpty();
      for (Task t : lw.tasks()) {
        if (!t.isTerminal() && engine.decider().types().of(t.workflowTask.type).isWorkerTask()) {
          String queue = QueueNames.taskQueue(t.taskType, t.domain);
          chain = chain.compose(v -> queues.remove(queue, t.taskId).mapEmpty());
        }
      }
      return chain.compose(v -> store.removeWorkflow(workflowId)).mapEmpty();
    });
  }
}
