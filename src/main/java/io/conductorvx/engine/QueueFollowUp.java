package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue writes that follow a saved decision: task pushes and removals, the workflow's entry in
 * the decider queue (its next timer), and the wake-ups of long polls parked on those queues. Also
 * puts back scheduled tasks that a crash or an outage left out of their queue.
 */
final class QueueFollowUp {
  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final QueueStore queues;

  QueueFollowUp(Vertx vertx, WorkflowEngine engine) {
    this.vertx = vertx;
    this.engine = engine;
    this.queues = engine.backends().queues();
  }

  /** The decision's queue operations in order; polls parked on a queue that got ready messages wake after. */
  Future<Void> apply(Changes changes) {
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

  /** Keeps the decider queue entry of the workflow at its next timer, or removes it when done. */
  Future<Void> scheduleCheck(LiveWorkflow lw, Decision d) {
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
  Future<Void> repair(LiveWorkflow lw) {
    if (lw.workflow.status.isTerminal()) {
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (Task t : scheduledWorkerTasks(lw, null)) {
      String queue = QueueNames.taskQueue(t.taskType, t.domain);
      chain = chain.compose(v -> queues.contains(queue, t.taskId).compose(present -> present
          ? Future.succeededFuture()
          : queues.push(queue, message(t), 0).onSuccess(pushed -> wakePollers(queue, 1))));
    }
    return chain;
  }

  /** Takes a removed workflow's entries out of the decider queue and its pending tasks' queues. */
  Future<Void> removeAll(LiveWorkflow lw) {
    Future<Void> chain = queues.remove(QueueNames.DECIDER, lw.id()).mapEmpty();
    for (Task t : lw.tasks()) {
      if (!t.isTerminal() && isWorkerTask(t)) {
        String queue = QueueNames.taskQueue(t.taskType, t.domain);
        chain = chain.compose(v -> queues.remove(queue, t.taskId).mapEmpty());
      }
    }
    return chain;
  }

  private List<Task> scheduledWorkerTasks(LiveWorkflow lw, String taskType) {
    List<Task> scheduled = new ArrayList<>();
    for (Task t : lw.tasks()) {
      if (!t.retried && t.status == TaskStatus.SCHEDULED && (taskType == null || taskType.equals(t.taskType))
          && isWorkerTask(t)) {
        scheduled.add(t);
      }
    }
    return scheduled;
  }

  private boolean isWorkerTask(Task t) {
    return engine.decider().types().of(t.workflowTask.type).isWorkerTask();
  }

  private static QueueMessage message(Task t) {
    return new QueueMessage(t.taskId, t.workflowInstanceId, t.workflowPriority);
  }

  private void wakePollers(String queue, int count) {
    engine.queueReady(queue, count);
  }

  /** Delayed messages become visible without a push; parked polls hear of them by timer. */
  private void wakePollersLater(String queue, long delayMs) {
    if (delayMs <= 60_000) {
      vertx.setTimer(delayMs + 1, id -> wakePollers(queue, 1));
    }
  }
}
