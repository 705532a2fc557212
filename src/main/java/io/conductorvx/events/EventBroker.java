package io.conductorvx.events;

import io.vertx.core.Future;
import java.util.List;

/**
 * A connection to an external broker that one or more event queue providers share (AMQP serves
 * {@code amqp_queue} and {@code amqp_exchange}, NATS serves {@code nats} and {@code jsm}). It
 * connects in the background and keeps reconnecting: a broker that cannot be reached does not stop
 * the server, it shows in {@link #status()}.
 */
public interface EventBroker {
  /** The providers it serves, one per queue type. */
  List<EventQueues> providers();

  BrokerStatus status();

  Future<Void> close();
}
