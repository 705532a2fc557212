package io.conductorvx.events;

import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.model.EventHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Owns the {@link EventProcessor}: subscribes it to every event queue provider of the server, and
 * tells the providers which queues active handlers listen on, so brokers consume those. That set
 * is read again whenever this server changes a handler ({@link #HANDLERS_CHANGED}) and every
 * {@code eventQueueRefreshMs} (for changes made through another server).
 */
public final class EventProcessorVerticle extends VerticleBase {
  /** Event bus address (prefixed per server) published to after a handler is created, updated or deleted. */
  public static final String HANDLERS_CHANGED = "events.handlers.changed";
  private static final Logger LOG = Logger.getLogger(EventProcessorVerticle.class.getName());

  private final WorkflowEngine engine;
  private boolean refreshing;
  private boolean again;
  private boolean reportedFailure;

  public EventProcessorVerticle(WorkflowEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<?> start() {
    EventProcessor processor = new EventProcessor(vertx, engine);
    List<Future<Void>> subscribed = new ArrayList<>();
    for (EventQueues queues : engine.backends().eventQueues().all()) {
      subscribed.add(queues.subscribe(processor::process));
    }
    vertx.eventBus().consumer(engine.address(HANDLERS_CHANGED), msg -> refresh());
    vertx.setPeriodic(engine.config().eventQueueRefreshMs(), id -> refresh());
    return Future.all(subscribed).onSuccess(v -> refresh());
  }

  /** Reads the active handlers and hands their events to the providers; one refresh at a time. */
  private void refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    engine.backends().eventHandlers().list().onComplete(ar -> {
      if (ar.succeeded()) {
        Set<String> events = new TreeSet<>();
        for (EventHandler h : ar.result()) {
          if (h.active && h.event != null) {
            events.add(h.event);
          }
        }
        engine.backends().eventQueues().consume(events);
        reportedFailure = false;
      } else if (!reportedFailure) {
        reportedFailure = true;
        LOG.warning("Could not read the event handlers to know which queues to consume: " + ar.cause().getMessage()
            + "; trying again every " + engine.config().eventQueueRefreshMs() + " ms");
      }
      refreshing = false;
      if (again) {
        again = false;
        refresh();
      }
    });
  }
}
