package io.conductorvx;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.events.EventQueueRegistry;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.queue.memory.MemoryQueueStore;
import io.conductorvx.queue.postgres.PostgresQueueStore;
import io.conductorvx.queue.redis.RedisQueueStore;
import io.conductorvx.scheduler.MemoryScheduleStore;
import io.conductorvx.scheduler.PostgresScheduleStore;
import io.conductorvx.scheduler.ScheduleStore;
import io.conductorvx.store.EventExecutionStore;
import io.conductorvx.store.EventHandlerStore;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.MetadataStore;
import io.conductorvx.store.memory.MemoryEventExecutionStore;
import io.conductorvx.store.memory.MemoryEventHandlerStore;
import io.conductorvx.store.memory.MemoryExecutionStore;
import io.conductorvx.store.memory.MemoryMetadataStore;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.conductorvx.store.postgres.PostgresEventExecutionStore;
import io.conductorvx.store.postgres.PostgresEventHandlerStore;
import io.conductorvx.store.postgres.PostgresExecutionStore;
import io.conductorvx.store.postgres.PostgresMetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;

/**
 * The stores the configuration asks for, connected and ready, and the event queue providers
 * (the built-in in-process {@code conductor} queues and the configured brokers, which connect in
 * the background).
 */
public record Backends(MetadataStore metadata, ExecutionStore executions, QueueStore queues,
    EventHandlerStore eventHandlers, EventQueueRegistry eventQueues, ScheduleStore schedules,
    EventExecutionStore eventExecutions) {
  static final String POSTGRES = "postgres";
  static final String REDIS = "redis";
  private static final Set<String> STORES = Set.of(ServerConfig.MEMORY, POSTGRES);
  private static final Set<String> QUEUES = Set.of(ServerConfig.MEMORY, POSTGRES, REDIS);

  /**
   * Connects every backend the configuration names (one PostgreSQL pool shared by all the stores
   * that use it). Fails with a one-line message when a name is unknown or a backend is unreachable;
   * whatever was already connected is closed again.
   */
  public static Future<Backends> create(Vertx vertx, ServerConfig config) {
    // Names first: a typo should not wait for a connection attempt.
    if (!STORES.contains(config.store())) {
      return Future.failedFuture(new IllegalArgumentException("Unknown store: " + config.store() + " (expected memory or postgres)"));
    }
    if (!QUEUES.contains(config.queue())) {
      return Future.failedFuture(new IllegalArgumentException("Unknown queue: " + config.queue() + " (expected memory, postgres or redis)"));
    }
    boolean usesPostgres = POSTGRES.equals(config.store()) || POSTGRES.equals(config.queue());
    Future<PostgresDatabase> postgres = usesPostgres
        ? PostgresDatabase.connect(vertx, config.postgresUrl(), config.postgresPoolSize())
        : Future.succeededFuture();
    return postgres.compose(db -> {
      Backends stores = metadataAndExecutions(vertx, config, db);
      return queues(vertx, config, db)
          .compose(queue -> EventQueueRegistry.create(vertx, config)
              .map(events -> new Backends(stores.metadata(), stores.executions(), queue, stores.eventHandlers(),
                  events, stores.schedules(), stores.eventExecutions()))
              .onFailure(err -> queue.close()))
          .onFailure(err -> stores.close());
    });
  }

  private static Backends metadataAndExecutions(Vertx vertx, ServerConfig config, PostgresDatabase db) {
    return POSTGRES.equals(config.store())
        ? new Backends(new PostgresMetadataStore(db), new PostgresExecutionStore(db), null, new PostgresEventHandlerStore(db), null,
            new PostgresScheduleStore(db), new PostgresEventExecutionStore(db))
        : new Backends(new MemoryMetadataStore(), new MemoryExecutionStore(vertx), null, new MemoryEventHandlerStore(), null,
            new MemoryScheduleStore(), new MemoryEventExecutionStore());
  }

  private static Future<QueueStore> queues(Vertx vertx, ServerConfig config, PostgresDatabase db) {
    return switch (config.queue()) {
      case POSTGRES -> Future.succeededFuture(new PostgresQueueStore(db));
      case REDIS -> RedisQueueStore.create(vertx, config.redisUrl(), config.redisPoolSize(), config.redisKeyPrefix())
          .map(QueueStore.class::cast);
      default -> Future.succeededFuture(new MemoryQueueStore());
    };
  }

  /** Closes every store; queues and eventQueues are null only on the failure path of {@link #create}. */
  public Future<Void> close() {
    return Future.join(List.of(metadata.close(), executions.close(), eventHandlers.close(), schedules.close(),
        eventExecutions.close(),
        queues == null ? Future.<Void>succeededFuture() : queues.close(),
        eventQueues == null ? Future.<Void>succeededFuture() : eventQueues.close())).mapEmpty();
  }
}
