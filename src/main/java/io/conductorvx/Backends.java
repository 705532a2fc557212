package io.conductorvx;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.events.EventQueueRegistry;
import io.conductorvx.events.BrokerStatus;
import io.conductorvx.health.HealthCheck;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stores the configuration asks for, connected and ready, the event queue providers (the
 * built-in in-process {@code conductor} queues and the configured brokers, which connect in the
 * background) and the health checks of the external backends among them ({@link #healthChecks()}).
 */
public record Backends(MetadataStore metadata, ExecutionStore executions, QueueStore queues,
    EventHandlerStore eventHandlers, EventQueueRegistry eventQueues, ScheduleStore schedules,
    EventExecutionStore eventExecutions, List<HealthCheck> storeHealthChecks) {
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
                  events, stores.schedules(), stores.eventExecutions(), healthChecks(db, queue)))
              .onFailure(err -> queue.close()))
          .onFailure(err -> stores.close());
    });
  }

  private static Backends metadataAndExecutions(Vertx vertx, ServerConfig config, PostgresDatabase db) {
    return POSTGRES.equals(config.store())
        ? new Backends(new PostgresMetadataStore(db), new PostgresExecutionStore(db), null, new PostgresEventHandlerStore(db), null,
            new PostgresScheduleStore(db), new PostgresEventExecutionStore(db), null)
        : new Backends(new MemoryMetadataStore(), new MemoryExecutionStore(vertx), null, new MemoryEventHandlerStore(), null,
            new MemoryScheduleStore(), new MemoryEventExecutionStore(), null);
  }

  /** PostgreSQL and Redis when the configuration uses them: the server cannot serve without either. */
  private static List<HealthCheck> healthChecks(PostgresDatabase db, QueueStore queue) {
    List<HealthCheck> checks = new ArrayList<>();
    if (db != null) {
      checks.add(HealthCheck.of(POSTGRES, true, db::ping));
    }
    if (queue instanceof RedisQueueStore redis) {
      checks.add(HealthCheck.of(REDIS, true, redis::ping));
    }
    return List.copyOf(checks);
  }

  /**
   * Every backend health check: PostgreSQL and Redis (required), and each configured event broker,
   * up while its connections are (not required: without it only its handlers and EVENT tasks wait).
   */
  public List<HealthCheck> healthChecks() {
    List<HealthCheck> all = new ArrayList<>(storeHealthChecks == null ? List.of() : storeHealthChecks);
    if (eventQueues != null) {
      for (BrokerStatus broker : eventQueues.brokers()) {
        String name = broker.name();
        all.add(HealthCheck.of(name, false, () -> {
          BrokerStatus now = brokerStatus(name);
          return now == null || now.up() ? Future.succeededFuture()
              : Future.failedFuture(new IllegalStateException(now.error() == null ? "not connected" : now.error()));
        }, () -> {
          BrokerStatus now = brokerStatus(name);
          return now == null ? Map.of()
              : Map.of("address", now.address(), "types", now.types(), "queues", now.queues());
        }));
      }
    }
    return all;
  }

  private BrokerStatus brokerStatus(String name) {
    for (BrokerStatus b : eventQueues.brokers()) {
      if (b.name().equals(name)) {
        return b;
      }
    }
    return null;
  }

  /** The same backends with the stores and queues replaced (decorated, e.g. timed). */
  public Backends withStores(MetadataStore metadata, ExecutionStore executions, QueueStore queues,
      EventHandlerStore eventHandlers, ScheduleStore schedules, EventExecutionStore eventExecutions) {
    return new Backends(metadata, executions, queues, eventHandlers, eventQueues, schedules, eventExecutions, storeHealthChecks);
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
