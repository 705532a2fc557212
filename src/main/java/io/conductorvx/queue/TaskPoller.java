package io.conductorvx.queue;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.live.QueueReady;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Hands queued tasks to polling workers. A poll pops due messages with a lease, asks each task's
 * owner to mark it IN_PROGRESS, and acknowledges the message once that is saved. A poll that finds
 * nothing parks (a promise and a timer, no thread) until a push to its queue wakes it or its
 * timeout ends. One instance per HTTP verticle, used only on that verticle's event loop.
 */
public final class TaskPoller {
  /** A parked poll: woken by a push to its queue, or by its deadline. */
  private static final class Waiter {
    final Promise<Void> promise = Promise.promise();
    long timerId;
  }

  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final QueueStore queues;
  private final long leaseMs;
  private final long postponeMs;
  private final Map<String, Deque<Waiter>> waiters = new HashMap<>();
  private final MessageConsumer<QueueReady> wakeups;
  private final PollObserver observer;

  public TaskPoller(Vertx vertx, WorkflowEngine engine) {
    this(vertx, engine, PollObserver.NONE);
  }

  public TaskPoller(Vertx vertx, WorkflowEngine engine, PollObserver observer) {
    this.vertx = vertx;
    this.engine = engine;
    this.observer = observer;
    this.queues = engine.backends().queues();
    this.leaseMs = engine.config().queueLeaseSeconds() * 1000;
    this.postponeMs = engine.config().limitPostponeSeconds() * 1000;
    this.wakeups = vertx.eventBus().<QueueReady>consumer(engine.address(LiveEvents.QUEUE_READY), msg -> wake(msg.body().queue(), msg.body().count()));
  }

  public Future<Void> close() {
    return wakeups.unregister();
  }

  /**
   * Up to {@code count} tasks as JSON, waiting up to {@code timeoutMs} for the first one. Answers as
   * soon as at least one task is claimed.
   */
  public Future<List<byte[]>> poll(String taskType, String domain, String workerId, int count, long timeoutMs) {
    return poll(taskType, domain, workerId, count, timeoutMs, () -> false);
  }

  /**
   * As above; {@code abandoned} tells when the client has gone away, so a parked poll that wakes
   * for a dead connection takes nothing (a claimed task would wait out its response timeout).
   */
  public Future<List<byte[]>> poll(String taskType, String domain, String workerId, int count, long timeoutMs,
      BooleanSupplier abandoned) {
    long now = System.currentTimeMillis();
    engine.activeWorkers().polled(taskType, domain, workerId, now);
    String queue = QueueNames.taskQueue(taskType, domain);
    Future<List<byte[]>> tasks = attempt(queue, workerId, Math.max(1, count), now + Math.max(0, timeoutMs), abandoned);
    if (observer != PollObserver.NONE) {
      tasks.onComplete((handedOut, failure) -> {
        if (failure == null) {
          observer.polled(taskType, domain, handedOut.size());
        } else {
          observer.pollFailed(taskType, domain, failure);
        }
      });
    }
    return tasks;
  }

  private Future<List<byte[]>> attempt(String queue, String workerId, int count, long deadline, BooleanSupplier abandoned) {
    if (abandoned.getAsBoolean()) {
      return Future.succeededFuture(List.of());
    }
    return queues.pop(queue, count, leaseMs)
        .compose(messages -> claimAll(queue, messages, workerId).map(tasks -> {
          if (!tasks.isEmpty() || System.currentTimeMillis() >= deadline) {
            return Future.succeededFuture(tasks);
          }
          // popped only stale messages: there may be more behind them, look again at once
          return messages.isEmpty() ? park(queue, deadline).compose(v -> attempt(queue, workerId, count, deadline, abandoned))
              : attempt(queue, workerId, count, deadline, abandoned);
        }))
        .compose(f -> f);
  }

  private Future<List<byte[]>> claimAll(String queue, List<QueueMessage> messages, String workerId) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Future<byte[]>> claims = new ArrayList<>(messages.size());
    for (QueueMessage m : messages) {
      claims.add(claim(queue, m, workerId));
    }
    return Future.join(claims).transform(ignored -> {
      List<byte[]> tasks = new ArrayList<>();
      Throwable failure = null;
      for (Future<byte[]> c : claims) {
        if (c.succeeded() && c.result() != null) {
          tasks.add(c.result());
        } else if (c.failed() && failure == null) {
          failure = c.cause();
        }
      }
      // Nothing handed out because the owners could not claim (their store is down): the poll
      // fails (503) instead of popping, and leasing, the rest of the queue in a loop.
      return tasks.isEmpty() && failure != null ? Future.failedFuture(failure) : Future.succeededFuture(tasks);
    });
  }

  /**
   * The task's JSON if it was handed out; null if the message was stale or postponed. Fails when
   * the owner could not claim the task; the message is then back in the queue.
   */
  private Future<byte[]> claim(String queue, QueueMessage message, String workerId) {
    if (message.payload() == null) {
      return queues.ack(queue, message.id()).map(v -> null);
    }
    return engine.<Command.Claim>send(new Command.ClaimTask(message.payload(), message.id(), workerId))
        .compose(claim -> switch (claim.outcome()) {
          // the worker gets the secrets its input references; the stored task keeps the references
          case CLAIMED -> queues.ack(queue, message.id()).map(v -> engine.secrets().resolveInTaskJson(claim.taskJson()));
          case DROP -> queues.ack(queue, message.id()).map(v -> (byte[]) null);
          case POSTPONE -> queues.push(queue, message, postponeMs).map(v -> (byte[]) null);
        })
        .recover(err -> {
          // an unknown workflow means a stale message
          if (err instanceof ConductorException ce && ce.status() == 404) {
            return queues.ack(queue, message.id()).map(v -> null);
          }
          // Not claimed (the owner's save failed): nobody has the task, so it goes back to the
          // queue now instead of waiting out the lease. If that push fails too, the lease brings it back.
          return queues.push(queue, message, 0).transform(pushed -> Future.failedFuture(err));
        });
  }

  private Future<Void> park(String queue, long deadline) {
    long wait = deadline - System.currentTimeMillis();
    if (wait <= 0) {
      return Future.succeededFuture();
    }
    Waiter waiter = new Waiter();
    Deque<Waiter> parked = waiters.computeIfAbsent(queue, q -> new ArrayDeque<>());
    parked.addLast(waiter);
    observer.parked(1);
    waiter.promise.future().onComplete(ignored -> observer.parked(-1));
    waiter.timerId = vertx.setTimer(wait, id -> {
      parked.remove(waiter);
      if (parked.isEmpty()) {
        waiters.remove(queue, parked);
      }
      waiter.promise.tryComplete();
    });
    return waiter.promise.future();
  }

  /** Wakes up to {@code count} polls parked on the queue, oldest first. */
  private void wake(String queue, int count) {
    Deque<Waiter> parked = waiters.get(queue);
    if (parked == null) {
      return;
    }
    for (int i = 0; i < count && !parked.isEmpty(); i++) {
      Waiter w = parked.pollFirst();
      vertx.cancelTimer(w.timerId);
      w.promise.tryComplete();
    }
    if (parked.isEmpty()) {
      waiters.remove(queue, parked);
    }
  }
}
