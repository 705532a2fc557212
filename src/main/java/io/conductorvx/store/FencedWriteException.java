package io.conductorvx.store;

import io.conductorvx.error.ConductorException;

/**
 * A write refused because its writer no longer owns the workflow's partition: another instance
 * took the lease (a higher epoch) while this one paused or lost its connection. Nothing of the
 * write was stored; the new owner's state stands.
 */
public final class FencedWriteException extends ConductorException {
  private final Fence fence;

  public FencedWriteException(Fence fence) {
    super(503, "Ownership of partition " + fence.partition() + " moved on (epoch " + fence.epoch()
        + " is stale): the write was refused", true);
    this.fence = fence;
  }

  public Fence fence() {
    return fence;
  }
}
