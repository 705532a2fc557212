package io.conductorvx.store;

import io.conductorvx.model.EventExecution;
import io.vertx.core.Future;
import java.util.List;

/**
 * Event handler executions: what each handler did for each message (extras.md §4). Keyed by
 * handler name, event and execution id, so a redelivered message finds what it already did. A
 * failed future means the backend failed.
 */
public interface EventExecutionStore {
  /** Per handler name and event: how many messages it saw and how many actions it ran (not SKIPPED). */
  record Activity(String name, String event, long messages, long actions) {}

  /** Writes the executions, each replacing a stored one with the same handler name, event and id. */
  Future<Void> save(List<EventExecution> executions);

  /** What the handler recorded for the message on that event, in id order. */
  Future<List<EventExecution>> forMessage(String handlerName, String event, String messageId);

  /** The handler's executions created at or after {@code createdFrom} (epoch ms), newest first, at most {@code limit}. */
  Future<List<EventExecution>> forHandler(String handlerName, long createdFrom, int limit);

  /** Counts per handler name and event, ordered by name then event. */
  Future<List<Activity>> activity();

  /** Deletes the executions created before {@code createdBefore} (epoch ms): the retention hook. @return how many */
  Future<Long> removeCreatedBefore(long createdBefore);

  Future<Void> close();
}
