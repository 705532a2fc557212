package io.conductorvx.events.nats;

import io.conductorvx.events.Backoff;
import io.conductorvx.events.Delivery;
import io.conductorvx.events.EventMessage;
import io.conductorvx.events.EventQueues;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Core NATS subjects as event queues: {@code nats:<subject>[:<queueGroup>]} (Conductor's syntax;
 * servers sharing a queue group share the messages). Core NATS keeps nothing: a message is
 * delivered at most once, and one that arrives while the server is away, or whose handling fails,
 * is gone. A publish completes when the NATS server has it (a flush), not when anyone received it.
 * Message id: the {@code Nats-Msg-Id} header when present, else a new unique id.
 */
final class NatsEventQueues implements EventQueues {
  static final String TYPE = "nats";
  static final String MESSAGE_ID_HEADER = "Nats-Msg-Id";
  private static final Logger LOG = Logger.getLogger(NatsEventQueues.class.getName());

  private final NatsBroker broker;
  private final Delivery delivery = new Delivery();
  private record Subscribed(Connection connection, Dispatcher dispatcher) {}

  /** queue (subject[:group]) → its subscription; touched on the broker's context only. */
  private final Map<String, Subscribed> subscribed = new HashMap<>();
  private volatile Set<String> wanted = Set.of();

  NatsEventQueues(NatsBroker broker) {
    this.broker = broker;
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** {subject, queue group or null} of a queue name. */
  static String[] split(String queue) {
    int colon = queue.indexOf(':');
    return colon < 0 ? new String[] {queue, null} : new String[] {queue.substring(0, colon), queue.substring(colon + 1)};
  }

  @Override
  public Future<Void> publish(String queueName, String messageId, String payloadJson) {
    String subject = split(queueName)[0];
    if (subject.isBlank()) {
      return Future.failedFuture(io.conductorvx.error.ConductorException.badRequest("No NATS subject in 'nats:" + queueName + "'"));
    }
    byte[] data = payloadJson.getBytes(StandardCharsets.UTF_8);
    Headers headers = new Headers().put(MESSAGE_ID_HEADER, messageId);
    long deadline = System.currentTimeMillis() + broker.publishTimeoutMs();
    return broker.onBroker(() -> broker.untilDeadline(
        () -> broker.whenUp(deadline - System.currentTimeMillis()).compose(conn -> broker.vertx().executeBlocking(() -> {
          conn.publish(subject, headers, data);
          conn.flush(Duration.ofSeconds(5)); // the server has it
          return null;
        }, false)),
        deadline, new Backoff(100, 2_000), "NATS did not take the message for subject " + subject));
  }

  @Override
  public Future<Void> subscribe(Function<EventMessage, Future<Void>> listener) {
    return delivery.subscribe(listener);
  }

  @Override
  public void consume(Set<String> queueNames) {
    Set<String> next = Set.copyOf(queueNames);
    broker.context().runOnContext(v -> {
      wanted = next;
      for (var it = subscribed.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!next.contains(e.getKey())) {
          it.remove();
          Subscribed sub = e.getValue();
          broker.vertx().executeBlocking(() -> {
            sub.connection().closeDispatcher(sub.dispatcher());
            return null;
          }, false).onFailure(err -> LOG.fine("closing a NATS dispatcher: " + err.getMessage()));
          LOG.fine("Stopped consuming nats:" + e.getKey() + " (no active handler listens on it)");
        }
      }
      Connection conn = broker.connectionIfUp();
      if (conn != null) {
        connected(conn);
      }
    });
  }

  /** Subscribes what is wanted and not subscribed yet; jnats re-subscribes the rest after a reconnect. */
  void connected(Connection conn) {
    for (String queue : wanted) {
      if (subscribed.containsKey(queue)) {
        continue;
      }
      String[] parts = split(queue);
      Dispatcher d = conn.createDispatcher(msg -> received(queue, msg));
      subscribed.put(queue, new Subscribed(conn, d));
      if (parts[1] == null || parts[1].isBlank()) {
        d.subscribe(parts[0]);
      } else {
        d.subscribe(parts[0], parts[1]);
      }
    }
  }

  /** On a jnats thread: hands the message over; nothing is acknowledged on core NATS. */
  private void received(String queue, Message msg) {
    Headers headers = msg.getHeaders();
    String id = headers == null ? null : headers.getFirst(MESSAGE_ID_HEADER);
    EventMessage event = new EventMessage(TYPE, queue, id == null || id.isBlank() ? NUID.nextGlobal() : id,
        new String(msg.getData(), StandardCharsets.UTF_8));
    delivery.deliver(event, null).onFailure(err -> LOG.warning("Message " + event.id() + " on nats:" + queue
        + " could not be handled and is dropped (core NATS delivers at most once): " + err.getMessage()));
  }

  List<String> consumed() {
    return List.copyOf(new TreeSet<>(wanted));
  }

  void stop() {
    subscribed.clear();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
