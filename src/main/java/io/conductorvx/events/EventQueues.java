package io.conductorvx.events;

import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Function;

/**
 * One kind of event queue (Conductor's EventQueueProvider): the built-in in-process
 * {@code conductor} queues now, external brokers (SQS, Kafka, NATS, AMQP) later. An event name
 * {@code <type>:<queue>} names a queue of the provider whose {@link #type()} is {@code <type>}.
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
   * caller (the event processor's verticle). The listener's future completing means the message
   * was processed; a provider with acknowledgements acknowledges then. An external broker will
   * need to know which queues to consume: it can ask the handler store for the events of its
   * type when that day comes.
   */
  Future<Void> subscribe(Function<EventMessage, Future<Void>> listener);

  /** Messages accepted but not processed yet, by queue name; empty when the provider can't tell. */
  default Map<String, Long> sizes() {
    return Map.of();
  }

  Future<Void> close();
}
