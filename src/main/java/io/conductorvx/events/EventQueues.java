package io.conductorvx.events;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One kind of event queue (Conductor's EventQueueProvider): the built-in in-process
 * {@code conductor} queues, and those of the external brokers ({@code amqp_queue},
 * {@code amqp_exchange}, {@code nats}, {@code jsm}). An event name {@code <type>:<queue>} names a
 * queue of the provider whose {@link #type()} is {@code <type>}.
 *
 * <p>Everything answers futures and must not block the calling event loop.
 */
public interface EventQueues {
  /** The queue type served: the part of an event name before the first ':'. */
  String type();

  /**
   * Publishes a message to one of this provider's queues ({@code queueName} is the event name
   * without {@code <type>:}). Completes once the provider has accepted the message.
   */
  Future<Void> publish(String queueName, String messageId, String payloadJson);

  /**
   * Delivers the messages of this provider's queues to {@code listener}, on the context of the
   * caller (the event processor's verticle). The listener's future succeeding means the message
   * was processed and its outcome recorded: a provider with acknowledgements acknowledges then, and
   * only then. A failed future means "not processed": the provider delivers the message again
   * (where the queue can). Which queues an external broker consumes is set by {@link #consume}.
   */
  Future<Void> subscribe(Function<EventMessage, Future<Void>> listener);

  /**
   * The queues (names without {@code <type>:}) that active handlers listen on: the provider
   * consumes exactly these from now on, starting the new ones and stopping the others. Called
   * whenever handlers may have changed; in-process providers deliver everything and ignore it.
   */
  default void consume(Set<String> queueNames) {}

  /** Messages accepted but not processed yet, by queue name; empty when the provider can't tell. */
  default Map<String, Long> sizes() {
    return Map.of();
  }

  Future<Void> close();
}
