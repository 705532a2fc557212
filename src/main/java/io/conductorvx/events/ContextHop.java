package io.conductorvx.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Runs work on another context (a broker's) and answers on the caller's, so each side stays on its own thread. */
public final class ContextHop {
  private ContextHop() {}

  public static <T> Future<T> run(Vertx vertx, Context target, Supplier<Future<T>> work) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> answer = Promise.promise();
    target.runOnContext(v -> {
      Future<T> f;
      try {
        f = work.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> caller.runOnContext(x -> answer.handle(ar)));
    });
    return answer.future();
  }
}
