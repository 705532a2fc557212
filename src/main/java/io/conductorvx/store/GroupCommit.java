package io.conductorvx.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Group commit: writes that arrive while earlier ones are being written wait and go to the
 * backend together, in one round trip: one transaction for PostgreSQL (the stores and the
 * PostgreSQL queue), one pipelined batch for Redis (the Redis queue's pushes, acks and removals). Under load
 * this turns a round trip per command into one per handful of commands (on a small machine most of
 * the database's time went to the round trips and commits, not to the rows); alone, a write
 * leaves at once.
 *
 * <p>Each instance has one lane, run on the event loop that wrote first; writes from other loops
 * hop to it and their answers hop back. A lane per loop made groups half as big: on 2 cores with two deciders
 * PostgreSQL spent 1.5-1.6 ms of CPU per 5-task workflow against 1.15-1.33 ms with all writes in
 * one lane (3.3-3.6 against 2.6-2.7 commits per workflow), more than the hops cost. A write is acknowledged only
 * after its group was written. When a group fails, each write is tried again alone, so one bad
 * write (a removed workflow) fails only itself; every write that goes through a lane must
 * therefore be safe to run twice (a Redis batch that failed may have been partly applied).
 *
 * <p>Each write gets its own answer (a removal: whether it found its row), taken only once its
 * group was written; stores whose writes answer nothing use {@link #withoutAnswers}.
 *
 * @param <W> one write, with everything needed to run it
 * @param <R> what one write answers
 */
public final class GroupCommit<W, R> {
  /** Transactions in flight: while one commits, the next group fills. */
  private static final int MAX_IN_FLIGHT = 1;
  private static final int MAX_GROUP = 64;

  private record Pending<W, R>(W write, Promise<R> done) {}

  /** The lane's state, touched only on its context's thread. */
  private final class Lane {
    final Context context;
    final Thread thread;
    final ArrayDeque<Pending<W, R>> waiting = new ArrayDeque<>();
    int inFlight;
    boolean flushQueued;

    Lane(Context context, Thread thread) {
      this.context = context;
      this.thread = thread;
    }
  }

  private final Function<List<W>, Future<List<R>>> writeAll;
  private final AtomicReference<Lane> lane = new AtomicReference<>();

  /**
   * {@code writeAll} writes a group in one round trip (for PostgreSQL a transaction: all of it or
   * none) and answers each write, in the group's order.
   */
  public GroupCommit(Function<List<W>, Future<List<R>>> writeAll) {
    this.writeAll = writeAll;
  }

  /** For writes that answer nothing: {@code writeAll} only writes the group. */
  public static <W> GroupCommit<W, Void> withoutAnswers(Function<List<W>, Future<Void>> writeAll) {
    return new GroupCommit<>(group -> writeAll.apply(group).map(v -> Collections.nCopies(group.size(), null)));
  }

  public Future<R> submit(W write) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return writeAlone(write); // not on an event loop: no lane to share
    }
    Lane target = lane.updateAndGet(l -> l != null ? l : new Lane(context, Thread.currentThread()));
    Pending<W, R> pending = new Pending<>(write, Promise.promise());
    if (target.thread == Thread.currentThread()) {
      // the lane's own loop (whatever the context): no hop either way, as for every save with one loop
      enqueue(target, pending);
      return pending.done().future();
    }
    target.context.runOnContext(v -> enqueue(target, pending));
    // answered back on the caller's loop and context
    Promise<R> answer = Promise.promise();
    pending.done().future().onComplete(ar -> context.runOnContext(v -> answer.handle(ar)));
    return answer.future();
  }

  private void enqueue(Lane lane, Pending<W, R> pending) {
    lane.waiting.add(pending);
    if (lane.inFlight < MAX_IN_FLIGHT && !lane.flushQueued) {
      // after the current task: what else is written meanwhile joins the group
      lane.flushQueued = true;
      lane.context.runOnContext(v -> flush(lane));
    }
  }

  private void flush(Lane lane) {
    lane.flushQueued = false;
    while (lane.inFlight < MAX_IN_FLIGHT && !lane.waiting.isEmpty()) {
      List<Pending<W, R>> group = new ArrayList<>(Math.min(lane.waiting.size(), MAX_GROUP));
      while (group.size() < MAX_GROUP && !lane.waiting.isEmpty()) {
        group.add(lane.waiting.poll());
      }
      lane.inFlight++;
      write(group).onComplete(ignored -> {
        lane.inFlight--;
        if (!lane.waiting.isEmpty() && !lane.flushQueued) {
          flush(lane);
        }
      });
    }
  }

  private Future<Void> write(List<Pending<W, R>> group) {
    List<W> writes = new ArrayList<>(group.size());
    group.forEach(p -> writes.add(p.write()));
    return writeAll.apply(writes).transform(ar -> {
      if (ar.succeeded()) {
        for (int i = 0; i < group.size(); i++) {
          group.get(i).done().complete(ar.result().get(i));
        }
        return Future.succeededFuture();
      }
      if (group.size() == 1) {
        group.get(0).done().fail(ar.cause());
        return Future.succeededFuture();
      }
      // Rewriting is safe: every write is an upsert, an update to the same values, a push that
      // replaces its message or a delete.
      List<Future<R>> alone = new ArrayList<>(group.size());
      for (Pending<W, R> p : group) {
        alone.add(writeAlone(p.write()).onComplete(p.done()));
      }
      return Future.join(alone).<Void>mapEmpty().otherwiseEmpty();
    });
  }

  private Future<R> writeAlone(W write) {
    return writeAll.apply(List.of(write)).map(answers -> answers.get(0));
  }
}
