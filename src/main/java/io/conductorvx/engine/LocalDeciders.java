package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * This server's deciders by partition, and how a command reaches one: run on the decider's event
 * loop, answered back on the sender's. A direct hand-over rather than an event bus request: the
 * bus added a message, a reply consumer registered and removed per command and its dispatch, for
 * nothing a local call needs (measured: several percent of a workflow's CPU).
 *
 * <p>What the bus gave is kept: a command always runs later, never inside the sender's call; the
 * commands one thread sends to one decider arrive in the order sent; a command not answered
 * within {@code commandTimeoutMs} of reaching its decider fails with 503 (the decider may still
 * finish it). The timeout is kept per decider, in arrival order, and checked by one timer, rather
 * than a timer set and cancelled per command.
 */
final class LocalDeciders {
  /** A command taken by a decider and not yet answered; touched only on the decider's event loop. */
  private static final class Pending {
    final long deadline;
    final Context sender;
    final Promise<Object> answer;
    boolean answered;

    Pending(long deadline, Context sender, Promise<Object> answer) {
      this.deadline = deadline;
      this.sender = sender;
      this.answer = answer;
    }
  }

  /** One decider: its context, what it does with a command, its pending commands oldest first. */
  private static final class Decider {
    final Context context;
    final Function<Command, Future<?>> handler;
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    long timer = -1;

    Decider(Context context, Function<Command, Future<?>> handler) {
      this.context = context;
      this.handler = handler;
    }
  }

  private final Vertx vertx;
  private final long timeoutMs;
  private final AtomicReferenceArray<Decider> byPartition;

  LocalDeciders(Vertx vertx, int partitions, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.byPartition = new AtomicReferenceArray<>(Math.max(1, partitions));
  }

  /** Called by the decider of {@code partition} on its own context when it starts. */
  void register(int partition, Context context, Function<Command, Future<?>> handler) {
    Decider decider = new Decider(context, handler);
    decider.timer = vertx.setPeriodic(Math.max(10, Math.min(1000, timeoutMs / 4)), id -> expire(decider));
    byPartition.set(partition, decider);
  }

  /** Called by the decider when it stops: later commands for its partition fail with 503. */
  void unregister(int partition) {
    Decider decider = byPartition.getAndSet(partition, null);
    if (decider != null) {
      vertx.cancelTimer(decider.timer);
    }
  }

  /** Runs {@code command} on its partition's decider; failures are ConductorExceptions. */
  @SuppressWarnings("unchecked")
  <T> Future<T> deliver(int partition, Command command) {
    Decider decider = byPartition.get(partition);
    if (decider == null) {
      return Future.failedFuture(ConductorException.unavailable("The workflow engine is not available", null));
    }
    Context sender = vertx.getOrCreateContext();
    Promise<Object> answer = Promise.promise();
    decider.context.runOnContext(v -> take(decider, command, sender, answer));
    return (Future<T>) answer.future();
  }

  /** On the decider's event loop. */
  private void take(Decider decider, Command command, Context sender, Promise<Object> answer) {
    Pending p = new Pending(System.currentTimeMillis() + timeoutMs, sender, answer);
    decider.pending.addLast(p);
    run(decider, command).onComplete(result -> {
      if (!p.answered) {
        p.answered = true;
        sender.runOnContext(w -> answer(answer, result));
      }
      while (!decider.pending.isEmpty() && decider.pending.peekFirst().answered) {
        decider.pending.pollFirst();
      }
    });
  }

  /** On the decider's event loop: fails the commands whose time ran out (they arrived first). */
  private static void expire(Decider decider) {
    long now = System.currentTimeMillis();
    while (!decider.pending.isEmpty() && (decider.pending.peekFirst().answered || decider.pending.peekFirst().deadline <= now)) {
      Pending p = decider.pending.pollFirst();
      if (!p.answered) {
        p.answered = true;
        p.sender.runOnContext(w ->
            p.answer.tryFail(ConductorException.unavailable("The workflow engine did not answer in time", null)));
      }
    }
  }

  private static Future<?> run(Decider decider, Command command) {
    try {
      return decider.handler.apply(command);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static void answer(Promise<Object> answer, AsyncResult<?> result) {
    if (result.succeeded()) {
      answer.tryComplete(result.result());
    } else if (result.cause() instanceof ConductorException) {
      answer.tryFail(result.cause());
    } else {
      Throwable cause = result.cause();
      answer.tryFail(new ConductorException(500, cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause));
    }
  }
}
