package io.conductorvx.queue;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Named delay queues with priorities and leases. A message is either ready (visible once its delay
 * has passed), or leased to a reader until it is acknowledged or its lease runs out. Among ready
 * messages a higher priority goes first, then the one that became due first. Ids are unique per
 * queue: pushing an id that is already queued or leased moves it, it never duplicates it.
 */
public interface QueueStore {
  /** Delays are capped at a century ("never"), so due times cannot overflow on any backend. */
  long MAX_DELAY_MS = 100L * 366 * 24 * 3600 * 1000;

  /** Makes the message ready after {@code delayMs}, replacing any ready or leased copy of its id. */
  Future<Void> push(String queue, QueueMessage message, long delayMs);

  /** Takes up to {@code count} due messages, leasing each for {@code leaseMs}; never blocks. */
  Future<List<QueueMessage>> pop(String queue, int count, long leaseMs);

  /** Ends the lease of a popped message: it is gone for good. No-op when it is not leased. */
  Future<Void> ack(String queue, String id);

  /** Removes the message wherever it is. @return false when it was not in the queue */
  Future<Boolean> remove(String queue, String id);

  /**
   * Removes the queue itself: every message in it (ready, delayed or leased) and whatever the
   * backend keeps for the queue (its name in the list of queues, its counters). For queues of one
   * workflow, when that workflow is removed.
   */
  Future<Void> drop(String queue);

  /** @return true when the id is in the queue, ready or leased */
  Future<Boolean> contains(String queue, String id);

  /**
   * Where the id stands: leased or waiting, its due time, and how many waiting messages go out
   * before it. A diagnostic read (the dashboard's "why is it waiting?"), not for the hot path.
   */
  Future<QueuePosition> locate(String queue, String id);

  /** Makes every leased message whose lease ran out ready again. @return how many */
  Future<Integer> requeueExpiredLeases();

  /** Messages waiting in the queue, ready or delayed, not counting leased ones. */
  Future<Long> size(String queue);

  /** Sizes of every queue that has messages, by name. */
  Future<Map<String, Long>> sizes();

  /** Ready/delayed and leased counts of every queue: name → {"size": n, "uacked": m}. */
  Future<Map<String, Map<String, Long>>> details();

  Future<Void> close();
}
