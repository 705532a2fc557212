package io.conductorvx.engine;

import io.conductorvx.store.Fence;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Which instance owns a workflow's partition, as the engine needs to know it. One instance
 * ({@link #SINGLE}) owns everything and writes unfenced; in a cluster (the {@code cluster} package)
 * a partition is owned here only while this instance holds its lease, and commands for the others
 * are forwarded to their owners.
 */
public interface Ownership {
  /** The HTTP status an owner answers with when it does not own the command's partition (any more). */
  int NOT_OWNER = 421;

  Ownership SINGLE = new Ownership() {
    @Override
    public boolean clustered() {
      return false;
    }

    @Override
    public int partitionOf(String key) {
      return 0;
    }

    @Override
    public long epochIfOwned(int partition) {
      return 0;
    }

    @Override
    public <T> Future<T> forward(int partition, Command command) {
      return Future.failedFuture(new IllegalStateException("one instance: nothing to forward to"));
    }

    @Override
    public void fenced(Fence fence) {}

    @Override
    public Future<JsonObject> describe() {
      return Future.succeededFuture(new JsonObject().put("enabled", false));
    }
  };

  boolean clustered();

  /** The cluster partition of a workflow id (or a schedule name). */
  int partitionOf(String key);

  /** The epoch of this instance's lease on the partition; -1 when it is not owned here (0: one instance, unfenced). */
  long epochIfOwned(int partition);

  /** Sends the command to the partition's owner elsewhere; fails with 503 (retryable) when none answers in time. */
  <T> Future<T> forward(int partition, Command command);

  /** The store refused a write under this fence: the lease moved on, stop acting as its owner. */
  void fenced(Fence fence);

  /** Members, their partitions and epochs (GET /api/admin/cluster). */
  Future<JsonObject> describe();

  /** The fence for writes of a workflow loaded under {@code epoch}; null for one instance. */
  default Fence fence(String workflowId, long epoch) {
    return clustered() ? new Fence(partitionOf(workflowId), epoch) : null;
  }
}
