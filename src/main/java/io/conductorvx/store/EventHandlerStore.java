package io.conductorvx.store;

import io.conductorvx.model.EventHandler;
import io.vertx.core.Future;
import java.util.List;

/**
 * Event handlers, keyed by name. Reads answer copies: changing a returned handler never changes
 * the store. A failed future means the backend failed; "not there" is an answer, not a failure.
 *
 * <p>The event processor reads {@link #forEvent} for every message, so a backend must answer it
 * from current data (no cache that outlives a write): a new or changed handler takes effect at
 * once. Lists are ordered by handler name.
 */
public interface EventHandlerStore {
  /** Stores a handler whose name is not taken. @return false when one with that name exists */
  Future<Boolean> create(EventHandler handler);

  /** Replaces the handler with that name. @return false when there is none */
  Future<Boolean> update(EventHandler handler);

  /** Every handler. */
  Future<List<EventHandler>> list();

  /** The handlers whose {@code event} equals {@code event} exactly; only active ones if asked. */
  Future<List<EventHandler>> forEvent(String event, boolean activeOnly);

  /** @return false when there was no handler with that name */
  Future<Boolean> delete(String name);

  Future<Void> close();
}
