package io.conductorvx;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.events.EventQueueRegistry;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.queue.memory.MemoryQueueStore;
import io.conductorvx.store.EventHandlerStore;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.MetadataStore;
import io.conductorvx.store.memory.MemoryEventHandlerStore;
import io.conductorvx.store.memory.MemoryExecutionStore;
import io.conductorvx.store.memory.MemoryMetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The stores the configuration asks for, connected and ready, and the event queue providers
 * (the built-in in-process {@code conductor} queues; external brokers later).
 */
public record Backends(MetadataStore metadata, ExecutionStore executions, QueueStore queues,
    EventHandlerStore eventHandlers, EventQueueRegistry eventQueues) {

  public static Future<Backends> create(Vertx vertx, ServerConfig config) {
    return metadataAndExecutions(vertx, config)
        .compose(stores -> queues(vertx, config)
            .map(queue -> new Backends(stores.metadata(), stores.executions(), queue, stores.eventHandlers(),
                EventQueueRegistry.builtIn(vertx))));
  }

  private static Future<Backends> metadataAndExecutions(Vertx vertx, ServerConfig config) {
    return switch (config.store()) {
      case ServerConfig.MEMORY -> Future.succeededFuture(new Backends(new MemoryMetadataStore(), new MemoryExecutionStore(), null,
          new MemoryEventHandlerStore(), null));
      default -> Future.failedFuture(new IllegalArgumentException("Unknown store: " + config.store() + " (expected memory)"));
    };
  }

  private static Future<QueueStore> queues(Vertx vertx, ServerConfig config) {
    return switch (config.queue()) {
      case ServerConfig.MEMORY -> Future.succeededFuture(new MemoryQueueStore());
      default -> Future.failedFuture(new IllegalArgumentException("Unknown queue: " + config.queue() + " (expected memory)"));
    };
  }

  public Future<Void> close() {
    return Future.join(List.of(metadata.close(), executions.close(), queues.close(), eventHandlers.close(),
        eventQueues.close())).mapEmpty();
  }
}
