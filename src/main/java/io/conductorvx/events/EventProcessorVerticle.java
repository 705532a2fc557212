package io.conductorvx.events;

import io.conductorvx.engine.WorkflowEngine;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/** Owns the {@link EventProcessor}: subscribes it to every event queue provider of the server. */
public final class EventProcessorVerticle extends VerticleBase {
  private final WorkflowEngine engine;

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
    return Future.all(subscribed);
  }
}
