package io.conductorvx.events;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.error.ConductorException;
import io.conductorvx.events.amqp.AmqpBroker;
import io.conductorvx.events.nats.NatsBroker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The event queue providers of a server, by type: the built-in {@code conductor} one, and those of
 * the brokers the configuration names (RabbitMQ: {@code amqp_queue}, {@code amqp_exchange}; NATS:
 * {@code nats}, {@code jsm}).
 */
public final class EventQueueRegistry {
  private static final Logger LOG = Logger.getLogger(EventQueueRegistry.class.getName());

  private final Map<String, EventQueues> byType = new LinkedHashMap<>();
  private final List<EventBroker> brokers;
  /** Handler events whose type no provider serves, already reported. */
  private final Set<String> reportedUnserved = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public EventQueueRegistry(Collection<EventQueues> providers) {
    this(providers, List.of());
  }

  private EventQueueRegistry(Collection<EventQueues> providers, List<EventBroker> brokers) {
    providers.forEach(p -> byType.put(p.type(), p));
    brokers.forEach(b -> b.providers().forEach(p -> byType.put(p.type(), p)));
    this.brokers = List.copyOf(brokers);
  }

  /** The providers every server has, needing no configuration. */
  public static EventQueueRegistry builtIn(Vertx vertx) {
    return new EventQueueRegistry(List.of(new ConductorEventQueues(vertx)));
  }

  /**
   * The built-in providers plus a broker for each one configured. Brokers connect in the
   * background: this completes at once, whether they can be reached or not.
   */
  public static Future<EventQueueRegistry> create(Vertx vertx, ServerConfig config) {
    List<EventBroker> brokers = new ArrayList<>();
    List<VerticleBase> verticles = new ArrayList<>();
    try {
      if (config.amqpUrl() != null && !config.amqpUrl().isBlank()) {
        AmqpBroker amqp = new AmqpBroker(new AmqpBroker.Settings(config.amqpUrl(), config.amqpPrefetch(),
            config.amqpQueueType(), config.brokerReconnectMs(), config.brokerReconnectMaxMs(), config.brokerPublishTimeoutMs()));
        brokers.add(amqp);
        verticles.add(amqp);
      }
      if (config.natsUrl() != null && !config.natsUrl().isBlank()) {
        NatsBroker nats = new NatsBroker(new NatsBroker.Settings(config.natsUrl(), config.jetStreamSubjectPrefix(), config.jetStreamAckWaitMs(),
            config.brokerReconnectMs(), config.brokerReconnectMaxMs(), config.brokerPublishTimeoutMs()));
        brokers.add(nats);
        verticles.add(nats);
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Future<Void> deployed = Future.succeededFuture();
    for (VerticleBase v : verticles) {
      deployed = deployed.compose(x -> vertx.deployVerticle(v).mapEmpty());
    }
    return deployed.map(v -> new EventQueueRegistry(List.of(new ConductorEventQueues(vertx)), brokers))
        .recover(err -> Future.join(brokers.stream().map(EventBroker::close).toList())
            .transform(ignored -> Future.failedFuture(err)));
  }

  /** The provider of that type, or null. */
  public EventQueues provider(String type) {
    return byType.get(type);
  }

  public Collection<EventQueues> all() {
    return List.copyOf(byType.values());
  }

  /** The health of each configured broker (none when only the built-in queues exist). */
  public List<BrokerStatus> brokers() {
    return brokers.stream().map(EventBroker::status).toList();
  }

  /**
   * Tells every provider which of its queues active handlers listen on ({@code events} are full
   * event names). A handler on a type no provider serves is reported once.
   */
  public void consume(Collection<String> events) {
    Map<String, Set<String>> byProvider = new LinkedHashMap<>();
    byType.keySet().forEach(t -> byProvider.put(t, new TreeSet<>()));
    Set<String> unserved = new HashSet<>();
    for (String event : events) {
      int colon = event == null ? -1 : event.indexOf(':');
      String type = colon > 0 ? event.substring(0, colon) : null;
      if (type == null || !byType.containsKey(type)) {
        unserved.add(event);
        continue;
      }
      byProvider.get(type).add(event.substring(colon + 1));
    }
    byProvider.forEach((type, queues) -> byType.get(type).consume(queues));
    for (String event : unserved) {
      if (reportedUnserved.add(event)) {
        LOG.warning("An active event handler listens on '" + event + "', but this server serves no such queue type"
            + " (configured: " + String.join(", ", byType.keySet()) + "); its messages are not consumed");
      }
    }
    reportedUnserved.retainAll(unserved);
  }

  /**
   * Publishes to the queue an event name {@code <type>:<queue>} names. Fails with a 400-style
   * error for a name without a type or a type no provider serves.
   */
  public Future<Void> publish(String event, String messageId, String payloadJson) {
    int colon = event == null ? -1 : event.indexOf(':');
    if (colon <= 0 || colon == event.length() - 1) {
      return Future.failedFuture(ConductorException.badRequest("Invalid event queue name '" + event
          + "': expected <type>:<queue>"));
    }
    String type = event.substring(0, colon);
    EventQueues provider = byType.get(type);
    if (provider == null) {
      return Future.failedFuture(ConductorException.badRequest("Event queue type '" + type
          + "' is not supported by this server (supported: " + String.join(", ", byType.keySet()) + ")"));
    }
    return provider.publish(event.substring(colon + 1), messageId, payloadJson);
  }

  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    byType.values().forEach(p -> closed.add(p.close()));
    brokers.forEach(b -> closed.add(b.close()));
    return Future.join(closed).mapEmpty();
  }
}
