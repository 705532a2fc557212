package io.conductorvx.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Where a broker provider hands its messages: the listener given to
 * {@link EventQueues#subscribe}, called on the context it subscribed from. The answer comes back
 * on the context that delivered, so a broker acknowledges on its own context.
 */
public final class Delivery {
  private volatile Context context;
  private volatile Function<EventMessage, Future<Void>> listener;

  /** Records the listener and the caller's context (EventQueues.subscribe). */
  public Future<Void> subscribe(Function<EventMessage, Future<Void>> listener) {
    this.context = Vertx.currentContext();
    this.listener = listener;
    return Future.succeededFuture();
  }

  /** Hands a message to the listener; completes on {@code answerOn} (null: on the listener's context). */
  public Future<Void> deliver(EventMessage message, Context answerOn) {
    Function<EventMessage, Future<Void>> l = listener;
    if (l == null) {
      return Future.failedFuture("no event processor is subscribed");
    }
    Context target = context;
    Promise<Void> done = Promise.promise();
    Runnable run = () -> {
      Future<Void> handled;
      try {
        handled = l.apply(message);
      } catch (RuntimeException e) {
        handled = Future.failedFuture(e);
      }
      handled.onComplete(ar -> {
        if (answerOn == null) {
          done.handle(ar);
        } else {
          answerOn.runOnContext(v -> done.handle(ar));
        }
      });
    };
    if (target == null) {
      run.run();
    } else {
      target.runOnContext(v -> run.run());
    }
    return done.future();
  }
}
