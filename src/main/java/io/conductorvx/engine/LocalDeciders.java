package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * This server's deciders by partition, and how a command reaches one: run on the decider's event
 * loop, answered back on the sender's. A direct hand-over rather than an event bus request: the
 * bus added a message, a reply consumer registered and removed per command and its dispatch, for
 * nothing a local call needs (measured: several percent of a workflow's CPU).
 *
 * <p>What the bus gave is kept: a command always runs later, never inside the sender's call; the
 * commands one thread sends to one decider arrive in the order sent; an answer that does not come
 * within {@code commandTimeoutMs} fails the command with 503 (the decider may still run it).
 */
final class LocalDeciders {
  private record Decider(Context context, Function<Command, Future<?>> handler) {}

  private final Vertx vertx;
  private final long timeoutMs;
  private volatile AtomicReferenceArray<Decider> byPartition;

  LocalDeciders(Vertx vertx, int partitions, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.byPartition = new AtomicReferenceArray<>(Math.max(1, partitions));
  }

  /** Called by the decider of {@code partition} on its own context when it starts. */
  void register(int partition, Context context, Function<Command, Future<?>> handler) {
    byPartition.set(partition, new Decider(context, handler));
  }

  /** Called by the decider when it stops: later commands for its partition fail with 503. */
  void unregister(int partition) {
    byPartition.set(partition, null);
  }

  /** Runs {@code command} on its partition's decider; failures are ConductorExceptions. */
  @SuppressWarnings("unchecked")
  <T> Future<T> deliver(int partition, Command command) {
    Decider decider = byPartition.get(partition);
    if (decider == null) {
      return Future.failedFuture(ConductorException.unavailable("The workflow engine is not available", null));
    }
    Context sender = vertx.getOrCreateContext();
    Promise<T> answer = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id ->
        answer.tryFail(ConductorException.unavailable("The workflow engine did not answer in time", null)));
    decider.context().runOnContext(v -> run(decider, command).onComplete(result -> sender.runOnContext(w -> {
      vertx.cancelTimer(timer);
      answer(answer, (AsyncResult<T>) result);
    })));
    return answer.future();
  }

  private static Future<?> run(Decider decider, Command command) {
    try {
      return decider.handler().apply(command);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T> void answer(Promise<T> answer, AsyncResult<T> result) {
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
