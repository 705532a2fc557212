package io.conductorvx.events;

import io.conductorvx.error.ConductorException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The event queue providers of a server, by type. Only the built-in {@code conductor} one so far. */
public final class EventQueueRegistry {
  private final Map<String, EventQueues> byType = new LinkedHashMap<>();

  public EventQueueRegistry(Collection<EventQueues> providers) {
    providers.forEach(p -> byType.put(p.type(), p));
  }

  /** The providers every server has, needing no configuration. */
  public static EventQueueRegistry builtIn(Vertx vertx) {
    return new EventQueueRegistry(List.of(new ConductorEventQueues(vertx)));
  }

  /** The provider of that type, or null. */
  public EventQueues provider(String type) {
    return byType.get(type);
  }

  public Collection<EventQueues> all() {
    return List.copyOf(byType.values());
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
    return Future.join(closed).mapEmpty();
  }
}
