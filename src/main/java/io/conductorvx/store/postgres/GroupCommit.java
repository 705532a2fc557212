package io.conductorvx.store.postgres;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Group commit: writes that arrive while earlier ones are being written wait and go to the
 * database together, in one transaction. Under load this turns a transaction per command into a
 * transaction per handful of commands (on a small machine most of the database's time went to the
 * round trips and commits, not to the rows); alone, a write leaves at once.
 *
 * <p>Each event loop has a lane of its own, used only from that loop, so no locks. Lanes are keyed
 * by the loop's thread, not by context: every event-bus message runs on a context of its own. A write is
 * acknowledged only after its transaction committed. When a transaction of several writes fails,
 * each write is tried again alone, so one bad write (a removed workflow) fails only itself.
 *
 * @param <W> one write, with everything needed to run it
 */
public final class GroupCommit<W> {
  /** Transactions in flight per lane: while one commits, the next group fills. */
  private static final int MAX_IN_FLIGHT = 1;
  private static final int MAX_GROUP = 64;

  private record Pending<W>(W write, Promise<Void> done) {}

  private final class Lane {
    final Context context;
    final ArrayDeque<Pending<W>> waiting = new ArrayDeque<>();
    int inFlight;
    boolean flushQueued;

    Lane(Context context) {
      this.context = context;
    }
  }

  private final Function<List<W>, Future<Void>> writeAll;
  private final Map<Thread, Lane> lanes = new ConcurrentHashMap<>();

  /** {@code writeAll} writes a group in one transaction; all of it or none. */
  public GroupCommit(Function<List<W>, Future<Void>> writeAll) {
    this.writeAll = writeAll;
  }

  public Future<Void> submit(W write) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return writeAll.apply(List.of(write)); // not on an event loop: no lane to share
    }
    Lane lane = lanes.computeIfAbsent(Thread.currentThread(), t -> new Lane(context));
    Promise<Void> done = Promise.promise();
    lane.waiting.add(new Pending<>(write, done));
    if (lane.inFlight < MAX_IN_FLIGHT && !lane.flushQueued) {
      // after the current task: what else this loop writes meanwhile joins the group
      lane.flushQueued = true;
      context.runOnContext(v -> flush(lane));
    }
    return done.future();
  }

  private void flush(Lane lane) {
    lane.flushQueued = false;
    while (lane.inFlight < MAX_IN_FLIGHT && !lane.waiting.isEmpty()) {
      List<Pending<W>> group = new ArrayList<>(Math.min(lane.waiting.size(), MAX_GROUP));
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

  private Future<Void> write(List<Pending<W>> group) {
    List<W> writes = new ArrayList<>(group.size());
    group.forEach(p -> writes.add(p.write()));
    return writeAll.apply(writes).transform(ar -> {
      if (ar.succeeded()) {
        group.forEach(p -> p.done().complete());
        return Future.succeededFuture();
      }
      if (group.size() == 1) {
        group.get(0).done().fail(ar.cause());
        return Future.succeededFuture();
      }
      // Rewriting is safe: every statement is an upsert, an update to the same values or a delete.
      List<Future<Void>> alone = new ArrayList<>(group.size());
      for (Pending<W> p : group) {
        alone.add(writeAll.apply(List.of(p.write())).onComplete(p.done()));
      }
      return Future.join(alone).<Void>mapEmpty().otherwiseEmpty();
    });
  }
}
