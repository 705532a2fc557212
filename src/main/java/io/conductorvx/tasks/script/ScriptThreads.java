package io.conductorvx.tasks.script;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads scripts and jq queries run on: a small pool of their own, so a slow script never
 * holds an event loop, nor the Vert.x worker pool other blocking work needs.
 */
public final class ScriptThreads {
  /** Past the limit plus this, the caller is answered "timed out" even if the thread is still busy. */
  static final long BACKSTOP_GRACE_MS = 1000;

  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()), daemonThreads());

  private ScriptThreads() {}

  /**
   * Runs {@code work} on a script thread; the future completes on the caller's Vert.x context.
   * {@code work} must stop itself at {@code limitMs} (the Rhino observer and the jq output check
   * do). A single native call can overrun that (e.g. one huge string operation), so a timer also
   * fails the future a little later: the task then fails on time and the thread finishes on its own.
   */
  public static <T> Future<T> run(Vertx vertx, long limitMs, Callable<T> work) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    POOL.execute(() -> {
      long backstop = backstop(vertx, caller, promise, limitMs);
      T result = null;
      Throwable error = null;
      try {
        result = work.call();
      } catch (Throwable t) { // whatever a script does, its task gets an answer
        error = t;
      }
      if (backstop >= 0) {
        vertx.cancelTimer(backstop);
      }
      T value = result;
      Throwable failure = error;
      caller.runOnContext(v -> {
        if (failure == null) {
          promise.tryComplete(value);
        } else {
          promise.tryFail(failure);
        }
      });
    });
    return promise.future();
  }

  private static <T> long backstop(Vertx vertx, Context caller, Promise<T> promise, long limitMs) {
    try {
      return vertx.setTimer(limitMs + BACKSTOP_GRACE_MS,
          id -> caller.runOnContext(v -> promise.tryFail(ScriptEvaluationException.timeout(limitMs))));
    } catch (IllegalStateException closing) {
      return -1; // Vert.x is shutting down: nobody waits for this answer any more
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "conductor-script-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
