package io.conductorvx.events.amqp;

import com.rabbitmq.client.AMQP;
import io.conductorvx.error.ConductorException;
import io.conductorvx.events.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConfirmation;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes with publisher confirms on a connection of its own: a publish completes only once
 * RabbitMQ confirmed it (for a persistent message on a durable queue: written to disk). A publish
 * that was not confirmed (connection lost before the confirm, a broker nack, no confirm within
 * {@link #CONFIRM_TIMEOUT_MS}) is sent again, until the caller's deadline; so a message may reach
 * the queue twice, with the same message id, and never zero times once the publish succeeded.
 *
 * <p>The queue or exchange is declared (with Conductor's arguments) before its first publish on
 * each connection. Runs on the broker's context.
 */
final class AmqpPublisher {
  private static final long CONFIRM_TIMEOUT_MS = 10_000;

  /** A publish waiting for its confirm; sequence numbers are per connection generation. */
  private record Pending(long generation, Promise<Void> confirmed) {}

  private final Vertx vertx;
  private final AmqpConnection connection;
  private final String contentType = "application/json";
  private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
  private final Set<String> declared = new HashSet<>();
  private long declaredGeneration = -1;

  AmqpPublisher(Vertx vertx, AmqpConnection connection) {
    this.vertx = vertx;
    this.connection = connection;
  }

  /** The connection's setup: confirms on, confirmations routed to the waiting publishes. */
  static Future<Void> enableConfirms(AmqpPublisher self, RabbitMQClient client, long generation) {
    return client.addConfirmListener(Integer.MAX_VALUE).map(stream -> {
      stream.handler(c -> self.confirmed(generation, c));
      return null;
    });
  }

  /** The connection went down: nothing sent on it will be confirmed any more. */
  void connectionLost() {
    failPending(Long.MAX_VALUE, "the connection was lost before the broker confirmed");
  }

  /** Publishes until confirmed or {@code deadline} (epoch ms) passes; then fails with a 503. */
  Future<Void> publish(AmqpSettings settings, String messageId, String payload, long deadline, Backoff retries) {
    return attempt(settings, messageId, payload, deadline).recover(err -> {
      long wait = retries.nextDelayMs();
      if (System.currentTimeMillis() + wait >= deadline) {
        return Future.failedFuture(ConductorException.unavailable("RabbitMQ did not confirm the message to "
            + (settings.exchange() ? "exchange " : "queue ") + settings.name() + ": " + AmqpConnection.describe(err), err));
      }
      return vertx.timer(wait).compose(t -> publish(settings, messageId, payload, deadline, retries));
    });
  }

  private Future<Void> attempt(AmqpSettings settings, String messageId, String payload, long deadline) {
    return connection.whenUp(Math.max(1, deadline - System.currentTimeMillis())).compose(up -> {
      RabbitMQClient client = connection.client();
      long generation = connection.generation();
      if (client == null) {
        return Future.failedFuture("not connected");
      }
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
          .messageId(messageId)
          .correlationId(messageId)
          .contentType(contentType)
          .contentEncoding("UTF-8")
          .deliveryMode(settings.deliveryMode())
          .build();
      String exchange = settings.exchange() ? settings.name() : "";
      String routingKey = settings.exchange() ? settings.routingKey() : settings.name();
      Promise<Void> confirmed = Promise.promise();
      long[] sequence = {-1};
      return declare(client, generation, settings)
          .compose(declaredOk -> client.basicPublishWithDeliveryTag(exchange, routingKey, properties,
              Buffer.buffer(payload.getBytes(StandardCharsets.UTF_8)), tag -> {
                sequence[0] = tag;
                pending.put(tag, new Pending(generation, confirmed));
              }))
          .onFailure(err -> {
            if (sequence[0] >= 0) {
              pending.remove(sequence[0]);
            }
            connection.lost(err);
          })
          .compose(sent -> {
            long timer = vertx.setTimer(CONFIRM_TIMEOUT_MS, id -> {
              pending.remove(sequence[0]);
              confirmed.tryFail("no confirm within " + CONFIRM_TIMEOUT_MS + " ms");
            });
            return confirmed.future().andThen(ar -> vertx.cancelTimer(timer));
          });
    });
  }

  /** Declares the target once per connection, as Conductor declares it. */
  private Future<Void> declare(RabbitMQClient client, long generation, AmqpSettings s) {
    if (declaredGeneration != generation) {
      declared.clear();
      declaredGeneration = generation;
    }
    String key = (s.exchange() ? "x:" : "q:") + s.name();
    if (declared.contains(key)) {
      return Future.succeededFuture();
    }
    Future<?> done = s.exchange()
        ? client.exchangeDeclare(s.name(), s.exchangeType(), s.durable(), s.autoDelete(), s.exchangeArguments())
        : client.queueDeclare(s.name(), s.durable(), s.exclusive(), s.autoDelete(), s.queueArguments());
    return done.map(ok -> {
      declared.add(key);
      return null;
    });
  }

  private void confirmed(long generation, RabbitMQConfirmation c) {
    if (generation != connection.generation()) {
      return;
    }
    Map<Long, Pending> settled = c.isMultiple() ? pending.headMap(c.getDeliveryTag(), true) : single(c.getDeliveryTag());
    for (Long tag : Set.copyOf(settled.keySet())) {
      Pending p = pending.remove(tag);
      if (p != null && p.generation() == generation) {
        if (c.isSucceeded()) {
          p.confirmed().tryComplete();
        } else {
          p.confirmed().tryFail("the broker refused the message (nack)");
        }
      }
    }
  }

  private Map<Long, Pending> single(long tag) {
    Pending p = pending.get(tag);
    return p == null ? Map.of() : Map.of(tag, p);
  }

  private void failPending(long upTo, String why) {
    for (Long tag : Set.copyOf(pending.headMap(upTo, true).keySet())) {
      Pending p = pending.remove(tag);
      if (p != null) {
        p.confirmed().tryFail(why);
      }
    }
  }
}
