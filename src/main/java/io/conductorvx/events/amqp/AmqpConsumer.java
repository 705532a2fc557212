package io.conductorvx.events.amqp;

import io.conductorvx.events.EventMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Consumes one AMQP queue (or the queue bound to an exchange) with manual acknowledgement, on a
 * connection of its own so that a channel error on one queue (say, a queue declared elsewhere with
 * other arguments) stops nothing else. On every (re)connection it declares what Conductor declares,
 * sets the prefetch, and consumes again.
 *
 * <p>A message is acknowledged only after the event processor's future succeeded, i.e. after the
 * handlers' actions returned from the engine and their executions were recorded. A failed future
 * puts the message back on the queue after {@code redeliveryDelayMs}. A message whose connection
 * was lost meanwhile is neither acknowledged nor rejected: its delivery tag died with the channel,
 * and the broker has already returned the message to the queue.
 *
 * <p>Message id = the AMQP {@code messageId} property (Conductor's rule); a message without one
 * gets a random id, so only messages that carry an id are recognised when delivered again.
 */
final class AmqpConsumer {
  private static final Logger LOG = Logger.getLogger(AmqpConsumer.class.getName());

  private final Vertx vertx;
  private final String type;
  private final String uri;
  private final AmqpSettings settings;
  private final int prefetch;
  private final long redeliveryDelayMs;
  private final Function<EventMessage, Future<Void>> dispatch;
  private final AtomicLong inFlight = new AtomicLong();
  private AmqpConnection connection;

  AmqpConsumer(Vertx vertx, String type, String uri, AmqpSettings settings, int prefetch, long redeliveryDelayMs,
      Function<EventMessage, Future<Void>> dispatch) {
    this.vertx = vertx;
    this.type = type;
    this.uri = uri;
    this.settings = settings;
    this.prefetch = prefetch;
    this.redeliveryDelayMs = redeliveryDelayMs;
    this.dispatch = dispatch;
  }

  void attach(AmqpConnection connection) {
    this.connection = connection;
  }

  String event() {
    return type + ":" + uri;
  }

  long inFlight() {
    return inFlight.get();
  }

  /** The connection's setup: declare, prefetch, consume. Fails if the channel did not survive it. */
  Future<Void> setup(RabbitMQClient client, long generation) {
    String queue = settings.consumedQueue();
    Future<Void> declared;
    if (settings.exchange()) {
      declared = client.exchangeDeclare(settings.name(), settings.exchangeType(), settings.durable(), settings.autoDelete(),
              settings.exchangeArguments())
          .compose(v -> client.queueDeclare(queue, settings.durable(), settings.exclusive(), settings.autoDelete(),
              settings.boundQueueArguments()))
          .compose(ok -> client.queueBind(queue, settings.name(), settings.routingKey()));
    } else {
      declared = client.queueDeclare(queue, settings.durable(), settings.exclusive(), settings.autoDelete(),
          settings.queueArguments()).mapEmpty();
    }
    return declared
        .compose(v -> client.basicQos(prefetch))
        .compose(v -> client.basicConsumer(queue, new QueueOptions().setAutoAck(false)))
        .compose(consumer -> {
          consumer.handler(message -> received(client, generation, message));
          // a refused basic.consume closes the channel but still answers with a consumer
          return client.isOpenChannel() ? Future.<Void>succeededFuture()
              : Future.<Void>failedFuture("RabbitMQ closed the channel while consuming " + queue);
        });
  }

  private void received(RabbitMQClient client, long generation, RabbitMQMessage message) {
    long tag = message.envelope().getDeliveryTag();
    String id = message.properties() == null ? null : message.properties().getMessageId();
    EventMessage event = new EventMessage(type, uri, id == null || id.isBlank() ? UUID.randomUUID().toString() : id,
        message.body().toString(charset(message)));
    inFlight.incrementAndGet();
    Future<Void> handled;
    try {
      handled = dispatch.apply(event);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    handled.onComplete(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) {
        settle(client, generation, tag, true);
      } else {
        vertx.setTimer(redeliveryDelayMs, t -> settle(client, generation, tag, false));
      }
    });
  }

  /** Acknowledges or requeues, on the channel that delivered the message, if it still exists. */
  private void settle(RabbitMQClient client, long generation, long tag, boolean handled) {
    if (!connection.isUp() || connection.generation() != generation) {
      LOG.log(Level.FINE, () -> "Message " + tag + " from " + event() + " was delivered on a lost connection; the broker redelivers it");
      return;
    }
    Future<Void> settled;
    try {
      settled = handled ? client.basicAck(tag, false) : client.basicNack(tag, false, true);
    } catch (RuntimeException e) {
      settled = Future.failedFuture(e); // the client throws when it finds the connection closed
    }
    settled.onFailure(connection::lost);
  }

  private static Charset charset(RabbitMQMessage message) {
    String encoding = message.properties() == null ? null : message.properties().getContentEncoding();
    try {
      return encoding == null || encoding.isBlank() ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  Future<Void> close() {
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  AmqpConnection connection() {
    return connection;
  }
}
