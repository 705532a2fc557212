package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import java.util.List;

/**
 * Sees the engine from outside (metrics): every command {@link WorkflowEngine#send} routes to an
 * owner partition once it is answered, and every commit once it is saved, with what changed status,
 * as the status events report it. Called on event loops, concurrently: an implementation must be
 * cheap and thread-safe, and must neither keep nor change what it is given.
 *
 * <p>A direct call rather than a consumer of the status events on the event bus: that consumer
 * would get a copy of every event on an event loop of its own, a cost per task status change that
 * metrics must not add (see docs/architecture.md).
 */
public interface EngineObserver {
  EngineObserver NONE = new EngineObserver() {};

  /**
   * A command was answered.
   *
   * @param reply   what the owner answered (null on failure)
   * @param failure why the command failed, or null
   * @param nanos   from sending the command to its answer
   */
  default void answered(int partition, Command command, Object reply, Throwable failure, long nanos) {}

  /**
   * A command's changes were saved, on the owner's event loop, before the status events are
   * published: the workflow (its status changed when {@code workflowStatusChanged}) and the tasks
   * whose status changed.
   */
  default void committed(Workflow workflow, boolean workflowStatusChanged, List<Task> statusChanges) {}
}
