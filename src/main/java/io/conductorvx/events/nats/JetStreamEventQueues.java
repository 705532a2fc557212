package io.conductorvx.events.nats;

import io.conductorvx.error.ConductorException;
import io.conductorvx.events.Backoff;
import io.conductorvx.events.Delivery;
import io.conductorvx.events.EventMessage;
import io.conductorvx.events.EventQueues;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * NATS JetStream subjects as event queues: {@code jsm:<subject>[:<queueGroup>]}, Conductor's
 * syntax, with its rule that the configured prefix goes in front of the subject (Conductor's
 * default {@code conductor_jsm_notify_test_}; empty to use subjects as written).
 *
 * <ul>
 *   <li>Publishing makes sure a stream captures the subject (an existing one, else a file stream
 *       named after the subject as Conductor names it), then publishes with the message id as
 *       {@code Nats-Msg-Id}: it completes once JetStream stored the message, and a publish repeated
 *       after a lost answer is dropped by JetStream's duplicate window.
 *   <li>Consuming uses a durable pull consumer (one per subject and queue group, shared by every
 *       server), new messages only when first created, explicit acknowledgement: a message is
 *       acknowledged after its handlers' outcomes are recorded, negatively acknowledged (redelivered
 *       a second later) when that failed, and redelivered by JetStream if the server crashed or the
 *       connection went away before either. Messages published meanwhile wait in the stream.
 *   <li>Message id: the {@code Nats-Msg-Id} header, else {@code <stream>-<sequence>}: both stay
 *       the same when JetStream delivers a message again.
 * </ul>
 */
final class JetStreamEventQueues implements EventQueues {
  static final String TYPE = "jsm";
  private static final Logger LOG = Logger.getLogger(JetStreamEventQueues.class.getName());
  private static final Duration REDELIVERY_DELAY = Duration.ofSeconds(1);

  private final NatsBroker broker;
  private final String prefix;
  /**
   * How long JetStream waits for an acknowledgement before delivering again. Also how long a
   * message takes to come back when it was handed to a pull request whose connection died before
   * the server noticed (a network cut).
   */
  private final Duration ackWait;
  private final Delivery delivery = new Delivery();
  /** subject → stream known to capture it (JetStream keeps streams across reconnects). */
  private final Map<String, String> streams = new ConcurrentHashMap<>();
  /** queue → its running consumer; broker's context only. */
  private final Map<String, MessageConsumer> consumers = new HashMap<>();
  /** queue → why it could not be consumed yet. */
  private final Map<String, String> failing = new ConcurrentHashMap<>();
  private final Map<String, Backoff> retries = new HashMap<>();
  private final Set<String> starting = new java.util.HashSet<>();
  private volatile Set<String> wanted = Set.of();

  JetStreamEventQueues(NatsBroker broker, String prefix, Duration ackWait) {
    this.broker = broker;
    this.prefix = prefix == null ? "" : prefix;
    this.ackWait = ackWait;
  }

  @Override
  public String type() {
    return TYPE;
  }

  private String subjectOf(String queue) {
    return prefix + NatsEventQueues.split(queue)[0];
  }

  /** Conductor's stream name for a subject. */
  static String streamName(String subject) {
    return subject.replace(".", "_").replace("*", "ANY").replace(">", "ALL").toUpperCase(Locale.ROOT);
  }

  /** A durable name per subject and queue group (JetStream allows no '.', '*', '>' or spaces in it). */
  private String durableName(String queue) {
    String[] parts = NatsEventQueues.split(queue);
    String name = "conductor-vx_" + subjectOf(queue) + (parts[1] == null || parts[1].isBlank() ? "" : "_" + parts[1]);
    return name.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** Blocking: the stream capturing {@code subject}, created when there is none. */
  private String ensureStream(Connection conn, String subject) throws Exception {
    String known = streams.get(subject);
    if (known != null) {
      return known;
    }
    JetStreamManagement jsm = conn.jetStreamManagement();
    List<String> existing = jsm.getStreamNames(subject);
    String stream;
    if (!existing.isEmpty()) {
      stream = existing.get(0);
    } else {
      stream = streamName(subject);
      jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject).storageType(StorageType.File).build());
      LOG.info("Created JetStream stream " + stream + " for subject " + subject);
    }
    streams.put(subject, stream);
    return stream;
  }

  @Override
  public Future<Void> publish(String queueName, String messageId, String payloadJson) {
    String subject = subjectOf(queueName);
    if (NatsEventQueues.split(queueName)[0].isBlank()) {
      return Future.failedFuture(ConductorException.badRequest("No subject in 'jsm:" + queueName + "'"));
    }
    byte[] data = payloadJson.getBytes(StandardCharsets.UTF_8);
    PublishOptions options = PublishOptions.builder().messageId(messageId).build();
    long deadline = System.currentTimeMillis() + broker.publishTimeoutMs();
    return broker.onBroker(() -> broker.untilDeadline(
        () -> broker.whenUp(deadline - System.currentTimeMillis())
            .compose(conn -> broker.vertx().executeBlocking(() -> {
              ensureStream(conn, subject);
              return conn.jetStream().publishAsync(subject, (Headers) null, data, options);
            }, false))
            .compose(pending -> Future.fromCompletionStage(pending, broker.context()))
            .onFailure(err -> streams.remove(subject)) // the stream may be gone: look again next time
            .mapEmpty(),
        deadline, new Backoff(100, 2_000), "JetStream did not store the message for subject " + subject));
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
      failing.keySet().retainAll(next);
      retries.keySet().retainAll(next);
      for (var it = consumers.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!next.contains(e.getKey())) {
          it.remove();
          e.getValue().stop(); // the durable consumer stays on the server, keeping its position
          LOG.fine("Stopped consuming jsm:" + e.getKey() + " (no active handler listens on it)");
        }
      }
      Connection conn = broker.connectionIfUp();
      if (conn != null) {
        connected(conn, false);
      }
    });
  }

  /**
   * Starts the wanted consumers that are not running. After a reconnection every consumer starts
   * over on the new connection: its pull requests were lost with the old one (the durable
   * consumer on the server keeps its position, so nothing is skipped).
   */
  void connected(Connection conn, boolean reconnected) {
    if (reconnected) {
      consumers.values().forEach(MessageConsumer::stop);
      consumers.clear();
    }
    for (String queue : wanted) {
      if (!consumers.containsKey(queue) && starting.add(queue)) {
        start(conn, queue);
      }
    }
  }

  private void start(Connection conn, String queue) {
    String subject = subjectOf(queue);
    broker.vertx().executeBlocking(() -> {
      String stream = ensureStream(conn, subject);
      ConsumerConfiguration config = ConsumerConfiguration.builder()
          .durable(durableName(queue))
          .filterSubject(subject)
          .ackPolicy(AckPolicy.Explicit)
          .ackWait(ackWait)
          .maxDeliver(-1)
          .deliverPolicy(DeliverPolicy.New)
          .build();
      ConsumerContext context = conn.getStreamContext(stream).createOrUpdateConsumer(config);
      return context.consume(ConsumeOptions.builder().batchSize(64).build(), msg -> received(queue, stream, msg));
    }, false).onComplete(ar -> {
      starting.remove(queue);
      if (ar.succeeded() && wanted.contains(queue) && !consumers.containsKey(queue)) {
        consumers.put(queue, ar.result());
        failing.remove(queue);
        retries.remove(queue);
      } else if (ar.succeeded()) {
        ar.result().stop(); // not wanted any more, or started twice
      } else {
        String why = NatsBroker.describe(ar.cause());
        if (failing.put(queue, why) == null) {
          LOG.warning("Cannot consume jsm:" + queue + " (subject " + subject + "): " + why + "; retrying");
        }
        long delay = retries.computeIfAbsent(queue, q -> new Backoff(1_000, 30_000)).nextDelayMs();
        broker.vertx().setTimer(delay, id -> {
          Connection now = broker.connectionIfUp();
          if (now != null && wanted.contains(queue) && !consumers.containsKey(queue) && starting.add(queue)) {
            start(now, queue);
          }
        });
      }
    });
  }

  /** On a jnats thread: hands the message over, then acknowledges (or not) on a worker thread. */
  private void received(String queue, String stream, Message msg) {
    Headers headers = msg.getHeaders();
    String id = headers == null ? null : headers.getFirst(NatsEventQueues.MESSAGE_ID_HEADER);
    if (id == null || id.isBlank()) {
      id = stream + "-" + msg.metaData().streamSequence();
    }
    EventMessage event = new EventMessage(TYPE, queue, id, new String(msg.getData(), StandardCharsets.UTF_8));
    delivery.deliver(event, null).onComplete(ar -> broker.vertx().executeBlocking(() -> {
      if (ar.succeeded()) {
        msg.ack();
      } else {
        msg.nakWithDelay(REDELIVERY_DELAY);
      }
      return null;
    }, false).onFailure(err -> LOG.fine("JetStream acknowledgement of " + event.id() + " not sent: " + err.getMessage()
        + "; JetStream delivers the message again")));
  }

  List<String> consumed() {
    return List.copyOf(new TreeSet<>(wanted));
  }

  /** Why a wanted queue is not consumed, or null. */
  String problem() {
    Map<String, String> sorted = new TreeMap<>(failing);
    return sorted.isEmpty() ? null : "jsm:" + sorted.keySet().iterator().next() + ": " + sorted.values().iterator().next();
  }

  void stop() {
    consumers.values().forEach(MessageConsumer::stop);
    consumers.clear();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
