package io.conductorvx.events.amqp;

import io.conductorvx.events.ContextHop;
import io.conductorvx.events.Backoff;
import io.conductorvx.events.BrokerStatus;
import io.conductorvx.events.EventBroker;
import io.conductorvx.events.EventMessage;
import io.conductorvx.events.EventQueues;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.rabbitmq.RabbitMQOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * RabbitMQ (AMQP 0-9-1) for the {@code amqp_queue} and {@code amqp_exchange} event queues, through
 * vertx-rabbitmq-client. One connection publishes (with confirms, {@link AmqpPublisher}); each
 * consumed queue has a connection of its own ({@link AmqpConsumer}). Every connection reconnects by
 * itself with growing delays, declaring its queues and exchanges again each time.
 *
 * <p>A verticle, so that every connection, timer and callback runs on one context of its own;
 * callers on other contexts are answered on theirs.
 */
public final class AmqpBroker extends VerticleBase implements EventBroker {
  private static final Logger LOG = Logger.getLogger(AmqpBroker.class.getName());
  /** The client logs a stack trace for every failed attempt and "reconnect success" after a loss it does not handle: we report connections ourselves. */
  private static final Logger CLIENT_LOG = Logger.getLogger("io.vertx.rabbitmq.impl.RabbitMQClientImpl");

  static {
    CLIENT_LOG.setLevel(Level.OFF);
  }

  /** Settings of the broker (from ServerConfig). */
  public record Settings(String url, int prefetch, String queueType, long reconnectMinMs, long reconnectMaxMs,
      long publishTimeoutMs) {}

  private final Settings settings;
  private final String address;
  private final AmqpEventQueues queues;
  private final AmqpEventQueues exchanges;
  /** event ({@code <type>:<uri>}) → its consumer, for the queues handlers listen on. */
  private final Map<String, AmqpConsumer> consumers = new ConcurrentSkipListMap<>();
  private final Map<String, String> refused = new TreeMap<>();
  private AmqpConnection publishing;
  private AmqpPublisher publisher;
  private Context context;
  private volatile boolean everUp;
  private volatile BrokerStatus status;

  public AmqpBroker(Settings settings) {
    this.settings = settings;
    this.address = address(settings.url());
    this.queues = new AmqpEventQueues(AmqpSettings.QUEUE_TYPE, this);
    this.exchanges = new AmqpEventQueues(AmqpSettings.EXCHANGE_TYPE, this);
    this.status = new BrokerStatus("amqp", address, types(), false, System.currentTimeMillis(), "not connected yet", List.of());
  }

  /** host:port/vhost of an amqp:// URL, without credentials. */
  static String address(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      // amqp URI rules: no path = the default vhost "/", "/name" = vhost "name" ("/%2F" = "/")
      String raw = uri.getRawPath();
      String vhost = raw == null || raw.isEmpty() ? "/" : java.net.URLDecoder.decode(raw.substring(1), java.nio.charset.StandardCharsets.UTF_8);
      return uri.getHost() + ":" + (uri.getPort() < 0 ? 5672 : uri.getPort()) + " vhost " + (vhost.isEmpty() ? "(empty)" : vhost);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid amqpUrl (expected amqp://user:password@host:port/vhost)");
    }
  }

  private static List<String> types() {
    return List.of(AmqpSettings.QUEUE_TYPE, AmqpSettings.EXCHANGE_TYPE);
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    publishing = new AmqpConnection(vertx, context, options("publisher"), "RabbitMQ publisher",
        new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs()),
        (client, generation) -> AmqpPublisher.enableConfirms(publisher, client, generation), this::changed);
    publisher = new AmqpPublisher(vertx, publishing);
    publishing.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    consumers.values().forEach(c -> closed.add(c.close()));
    consumers.clear();
    if (publishing != null) {
      closed.add(publishing.close());
    }
    return Future.join(closed);
  }

  private RabbitMQOptions options(String role) {
    return new RabbitMQOptions()
        .setUri(settings.url())
        .setConnectionName("conductor-vx " + role)
        .setAutomaticRecoveryEnabled(false)
        .setReconnectAttempts(0)
        .setConnectionTimeout(10_000)
        .setHandshakeTimeout(10_000)
        .setRequestedHeartbeat(15);
  }

  @Override
  public List<EventQueues> providers() {
    return List.of(queues, exchanges);
  }

  @Override
  public BrokerStatus status() {
    return status;
  }

  @Override
  public Future<Void> close() {
    String id = deploymentID();
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** Runs {@code work} on the broker's context and answers on the caller's. */
  <T> Future<T> onBroker(java.util.function.Supplier<Future<T>> work) {
    return ContextHop.run(vertx, context, work);
  }

  Future<Void> publish(String type, String uri, String messageId, String payload) {
    AmqpSettings target;
    try {
      target = AmqpSettings.parse(type, uri, settings.queueType());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(io.conductorvx.error.ConductorException.badRequest(e.getMessage()));
    }
    long deadline = System.currentTimeMillis() + settings.publishTimeoutMs();
    return onBroker(() -> publisher.publish(target, messageId, payload, deadline, new Backoff(100, 2_000)));
  }

  /** Consumes exactly these queues of {@code provider}'s type from now on. */
  void consume(AmqpEventQueues provider, Set<String> uris) {
    context.runOnContext(v -> {
      String prefix = provider.type() + ":";
      Set<String> wanted = new TreeSet<>();
      uris.forEach(u -> wanted.add(prefix + u));
      for (var it = consumers.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().startsWith(prefix) && !wanted.contains(e.getKey())) {
          it.remove();
          e.getValue().close();
          LOG.fine("Stopped consuming " + e.getKey() + " (no active handler listens on it)");
        }
      }
      refused.keySet().removeIf(k -> k.startsWith(prefix) && !wanted.contains(k));
      for (String uri : uris) {
        String event = prefix + uri;
        if (consumers.containsKey(event) || refused.containsKey(event)) {
          continue;
        }
        AmqpSettings parsed;
        try {
          parsed = AmqpSettings.parse(provider.type(), uri, settings.queueType());
        } catch (IllegalArgumentException e) {
          refused.put(event, e.getMessage());
          LOG.severe("Cannot consume " + event + ": " + e.getMessage());
          continue;
        }
        startConsumer(provider, event, uri, parsed);
      }
      refreshStatus();
    });
  }

  private void startConsumer(AmqpEventQueues provider, String event, String uri, AmqpSettings parsed) {
    Function<EventMessage, Future<Void>> dispatch = provider::dispatch;
    AmqpConsumer consumer = new AmqpConsumer(vertx, provider.type(), uri, parsed, settings.prefetch(), 1_000, dispatch);
    AmqpConnection connection = new AmqpConnection(vertx, context, options("consumer " + event), "RabbitMQ consumer of " + event,
        new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs()), consumer::setup, this::changed);
    consumer.attach(connection);
    consumers.put(event, consumer);
    connection.start();
  }

  /** In-flight messages per consumed queue. */
  Map<String, Long> sizes(String type) {
    Map<String, Long> out = new TreeMap<>();
    consumers.forEach((event, c) -> {
      if (event.startsWith(type + ":")) {
        out.put(event.substring(type.length() + 1), c.inFlight());
      }
    });
    return out;
  }

  /** A connection went up or down: log what an operator needs, once per change, and refresh the status. */
  private void changed(AmqpConnection connection, boolean up, String error) {
    if (connection == publishing) {
      if (up && !everUp) {
        everUp = true;
        LOG.info("Event broker amqp connected: RabbitMQ at " + address + " (amqp_queue, amqp_exchange)");
      } else if (up) {
        LOG.info("Event broker amqp reconnected: RabbitMQ at " + address);
      } else if (!everUp && connection.failedAttempts() == 1) {
        LOG.severe("Event broker amqp cannot reach RabbitMQ at " + address + ": " + error
            + "; the server runs without it and keeps trying (EVENT tasks and handlers on amqp_queue/amqp_exchange wait for it)");
      } else if (everUp && connection.failedAttempts() == 0) {
        LOG.warning("Event broker amqp lost RabbitMQ at " + address + ": " + error + "; reconnecting");
      }
    } else if (up) {
      LOG.log(Level.FINE, () -> connection.label() + " connected");
    } else if (connection.failedAttempts() == (connection.generation() == 0 ? 1 : 0)) {
      LOG.warning(connection.label() + " is down: " + error + "; retrying"); // once per outage
    }
    if (!up && connection == publishing) {
      publisher.connectionLost();
    }
    refreshStatus();
  }

  private void refreshStatus() {
    boolean up = publishing != null && publishing.isUp();
    String error = up ? null : publishing == null ? "not started" : publishing.error();
    for (AmqpConsumer c : consumers.values()) {
      if (up && !c.connection().isUp()) {
        up = false;
        error = c.event() + ": " + c.connection().error();
      }
    }
    if (up && !refused.isEmpty()) {
      var first = refused.entrySet().iterator().next();
      up = false;
      error = first.getKey() + ": " + first.getValue();
    }
    Set<String> consumed = new TreeSet<>(consumers.keySet());
    consumed.addAll(refused.keySet());
    BrokerStatus previous = status;
    long since = previous.up() == up ? previous.since() : System.currentTimeMillis();
    status = new BrokerStatus("amqp", address, types(), up, since, error, List.copyOf(consumed));
  }
}
