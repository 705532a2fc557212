package io.conductorvx.events.amqp;

import io.conductorvx.events.Delivery;
import io.conductorvx.events.EventMessage;
import io.conductorvx.events.EventQueues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The {@code amqp_queue} or {@code amqp_exchange} event queues of an {@link AmqpBroker}. */
final class AmqpEventQueues implements EventQueues {
  private final String type;
  private final AmqpBroker broker;
  private final Delivery delivery = new Delivery();

  AmqpEventQueues(String type, AmqpBroker broker) {
    this.type = type;
    this.broker = broker;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public Future<Void> publish(String queueName, String messageId, String payloadJson) {
    return broker.publish(type, queueName, messageId, payloadJson);
  }

  @Override
  public Future<Void> subscribe(Function<EventMessage, Future<Void>> listener) {
    return delivery.subscribe(listener);
  }

  @Override
  public void consume(Set<String> queueNames) {
    broker.consume(this, queueNames);
  }

  /** Hands a consumed message to the listener on its context; answers on the broker's context. */
  Future<Void> dispatch(EventMessage message) {
    return delivery.deliver(message, Vertx.currentContext());
  }

  @Override
  public Map<String, Long> sizes() {
    return broker.sizes(type);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture(); // the broker closes its connections
  }
}
