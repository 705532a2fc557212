package io.conductorvx.retention;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.ExecutionStore.Execution;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Removes finished executions past their window or beyond the count limit, oldest first, in
 * batches. The store only proposes candidates; each removal is a {@link Command.Expire} to the
 * workflow's owner, which removes it only if it is still the finished execution that was selected
 * (a retry, restart or rerun racing the removal wins). A workflow goes with its sub-workflows,
 * deepest first, and only when the whole family has finished.
 */
final class ExecutionRetention {
  /** Batches one round may take per query: a round ends, the next continues. */
  private static final int MAX_BATCHES_PER_ROUND = 50;

  private final WorkflowEngine engine;
  private final ExecutionStore store;
  private final int batchSize;

  ExecutionRetention(WorkflowEngine engine, int batchSize) {
    this.engine = engine;
    this.store = engine.backends().executions();
    this.batchSize = batchSize;
  }

  /** Removes every finished family (of the names, or all but them) that ended before the cutoff. @return workflows removed */
  Future<Integer> removeEndedBefore(long cutoff, Collection<String> names, boolean excludeNames) {
    return repeat(after -> store.finishedBefore(cutoff, names, excludeNames, after, batchSize), null, 0, 0);
  }

  /** Removes the oldest finished families until at most {@code max} finished workflows are stored. */
  Future<Integer> removeBeyondCount(long max) {
    return removeBeyondCount(max, null, 0, 0);
  }

  private Future<Integer> removeBeyondCount(long max, Execution after, int removedSoFar, int batches) {
    return store.finishedCount().compose(count -> {
      long excess = count - max;
      if (count < 0 || max < 0 || excess <= 0 || batches >= MAX_BATCHES_PER_ROUND) {
        return Future.succeededFuture(removedSoFar);
      }
      int limit = (int) Math.min(batchSize, excess);
      return store.finishedBefore(Long.MAX_VALUE, List.of(), true, after, limit)
          .compose(batch -> removeAll(batch).compose(removed -> batch.isEmpty()
              ? Future.succeededFuture(removedSoFar + removed)
              : removeBeyondCount(max, batch.get(batch.size() - 1), removedSoFar + removed, batches + 1)));
    });
  }

  /** Batch after batch, each after the last candidate of the one before (families that must stay are passed over). */
  private Future<Integer> repeat(Function<Execution, Future<List<Execution>>> select, Execution after, int removedSoFar,
      int batches) {
    return select.apply(after).compose(batch -> removeAll(batch).compose(removed -> {
      int total = removedSoFar + removed;
      return batch.size() < batchSize || batches + 1 >= MAX_BATCHES_PER_ROUND
          ? Future.succeededFuture(total)
          : repeat(select, batch.get(batch.size() - 1), total, batches + 1);
    }));
  }

  /** Families one after another: a round never floods the owners or the store. */
  private Future<Integer> removeAll(List<Execution> roots) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (Execution root : roots) {
      chain = chain.compose(sum -> removeFamily(root).map(n -> sum + n));
    }
    return chain;
  }

  /** The root's descendants deepest first, then the root; stops (keeping the rest) at the first that changed. */
  Future<Integer> removeFamily(Execution root) {
    return descendants(List.of(root), new ArrayList<>(), new HashSet<>(Set.of(root.workflowId()))).compose(family -> {
      if (family == null) {
        return Future.succeededFuture(0); // a sub-workflow still runs: the family stays
      }
      List<Execution> order = new ArrayList<>(family);
      java.util.Collections.reverse(order);
      order.add(root);
      return expireInOrder(order, 0);
    });
  }

  /** Every descendant, level by level; null when one of them has not finished. */
  private Future<List<Execution>> descendants(List<Execution> level, List<Execution> found, Set<String> seen) {
    if (level.isEmpty()) {
      return Future.succeededFuture(found);
    }
    List<Future<List<Execution>>> children = new ArrayList<>(level.size());
    for (Execution e : level) {
      children.add(store.childrenOf(e.workflowId()));
    }
    return Future.all(children).compose(all -> {
      List<Execution> next = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        for (Execution child : all.<List<Execution>>resultAt(i)) {
          if (!child.status().isTerminal()) {
            return Future.succeededFuture(null);
          }
          if (seen.add(child.workflowId())) {
            next.add(child);
          }
        }
      }
      found.addAll(next);
      return descendants(next, found, seen);
    });
  }

  private Future<Integer> expireInOrder(List<Execution> order, int index) {
    if (index == order.size()) {
      return Future.succeededFuture(index);
    }
    Execution e = order.get(index);
    return engine.<Boolean>send(new Command.Expire(e.workflowId(), e.endTime()))
        .compose(removed -> removed ? expireInOrder(order, index + 1) : Future.succeededFuture(index));
  }
}
