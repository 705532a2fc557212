package io.conductorvx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.TaskDef;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.postgres.PostgresQueueStore;
import io.conductorvx.queue.redis.RedisQueueStore;
import io.conductorvx.store.postgres.PostgresExecutionStore;
import io.conductorvx.store.postgres.PostgresMetadataStore;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.conductorvx.testing.TcpProxy;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BackendsTest {

  private static ServerConfig config(JsonObject overrides) {
    return ServerConfig.fromJson(overrides);
  }

  /** The failure's message, which Main prints after "cannot start: ". */
  private static Future<String> failureMessage(Future<?> future) {
    return future.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))
        : Future.succeededFuture(ar.cause().getMessage()));
  }

  @Test
  void unreachablePostgresFailsStartWithOneClearLine(Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = config(new JsonObject().put("store", "postgres").put("postgresUrl", "postgresql://postgres@127.0.0.1:1/test"));
    failureMessage(Backends.create(vertx, cfg))
        .map(message -> {
          assertEquals("PostgreSQL at 127.0.0.1:1 is not reachable: Connection refused", message);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void postgresRefusingTheConnectionFailsStartWithOneClearLine(Vertx vertx, VertxTestContext ctx) {
    PgConnectOptions target = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    String url = "postgresql://" + target.getUser() + "@" + target.getHost() + ":" + target.getPort() + "/no_such_database_cvx";
    ServerConfig cfg = config(new JsonObject().put("store", "postgres").put("postgresUrl", url));
    failureMessage(Backends.create(vertx, cfg))
        .map(message -> {
          assertTrue(message.startsWith("PostgreSQL at " + target.getHost() + ":" + target.getPort() + " refused the connection: "), message);
          assertTrue(message.contains("no_such_database_cvx"), message);
          assertFalse(message.contains("\n"), message);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unreachableRedisFailsStartWithOneClearLine(Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = config(new JsonObject().put("queue", "redis").put("redisUrl", "redis://127.0.0.1:1"));
    failureMessage(Backends.create(vertx, cfg))
        .map(message -> {
          assertEquals("Redis at 127.0.0.1:1 is not reachable: Connection refused", message);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownBackendNamesAreRejectedBeforeConnecting(Vertx vertx, VertxTestContext ctx) {
    Future.all(
            failureMessage(Backends.create(vertx, config(new JsonObject().put("store", "mongo")))),
            failureMessage(Backends.create(vertx, config(new JsonObject().put("queue", "kafka")))))
        .map(messages -> {
          assertEquals("Unknown store: mongo (expected memory or postgres)", messages.resultAt(0));
          assertEquals("Unknown queue: kafka (expected memory, postgres or redis)", messages.resultAt(1));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void postgresStoreAndQueueShareOneMigratedDatabase(Vertx vertx, VertxTestContext ctx) {
    String schema = TestBackends.uniqueSchema();
    // The schema can be chosen in the URL: search_path is passed to the server at connect.
    String url = TestBackends.POSTGRES_URL + (TestBackends.POSTGRES_URL.contains("?") ? "&" : "?") + "search_path=" + schema;
    ServerConfig cfg = config(new JsonObject().put("store", "postgres").put("queue", "postgres").put("postgresUrl", url));
    TaskDef def = new TaskDef();
    def.name = "encode";
    TestBackends.admin("CREATE SCHEMA " + schema)
        .compose(v -> Backends.create(vertx, cfg))
        .compose(backends -> {
          assertInstanceOf(PostgresMetadataStore.class, backends.metadata());
          assertInstanceOf(PostgresExecutionStore.class, backends.executions());
          assertInstanceOf(PostgresQueueStore.class, backends.queues());
          return backends.metadata().saveTaskDefs(List.of(def))
              .compose(v -> backends.queues().push("encode", new QueueMessage("t1", "wf1", 0), 0))
              .compose(v -> backends.metadata().getTaskDef("encode"))
              .compose(read -> {
                assertEquals("encode", read.name);
                return backends.queues().size("encode");
              })
              .compose(size -> {
                assertEquals(1L, size);
                return backends.close();
              });
        })
        .eventually(() -> TestBackends.dropSchema(schema))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void redisQueueIsWiredWithTheDefaultPrefix(Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = config(new JsonObject().put("queue", "redis").put("redisUrl", TestBackends.REDIS_URL));
    Backends.create(vertx, cfg)
        .compose(backends -> {
          RedisQueueStore queues = assertInstanceOf(RedisQueueStore.class, backends.queues());
          assertEquals("cvx:", queues.prefix());
          return backends.close();
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void redisKeyPrefixComesFromTheConfiguration(Vertx vertx, VertxTestContext ctx) {
    String prefix = TestBackends.uniqueRedisPrefix();
    ServerConfig cfg = config(new JsonObject().put("queue", "redis").put("redisUrl", TestBackends.REDIS_URL)
        .put("redisKeyPrefix", prefix));
    Backends.create(vertx, cfg)
        .compose(backends -> {
          RedisQueueStore queues = assertInstanceOf(RedisQueueStore.class, backends.queues());
          assertEquals(prefix, queues.prefix());
          return backends.close();
        })
        .eventually(() -> TestBackends.deleteRedisKeys(prefix))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void emptyRedisKeyPrefixIsRejected() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> config(new JsonObject().put("redisKeyPrefix", "")));
    assertEquals("redisKeyPrefix must not be empty", e.getMessage());
  }

  @Test
  void postgresGoingAwayDuringOperationIsARetryable503(Vertx vertx, VertxTestContext ctx) {
    String schema = TestBackends.uniqueSchema();
    PgConnectOptions target = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    TestBackends.admin("CREATE SCHEMA " + schema)
        .compose(v -> TcpProxy.start(vertx, target.getHost(), target.getPort()))
        .compose(proxy -> PostgresDatabase.connect(vertx,
                new PgConnectOptions(target).setHost("127.0.0.1").setPort(proxy.port()).addProperty("search_path", schema), 2)
            .compose(db -> {
              PostgresMetadataStore store = new PostgresMetadataStore(db);
              return store.listTaskDefs()
                  .compose(works -> proxy.kill())
                  .compose(killed -> store.getTaskDef("x").transform(ar -> Future.<Throwable>succeededFuture(ar.cause())))
                  .eventually(store::close);
            }))
        .map(err -> {
          ConductorException e = assertInstanceOf(ConductorException.class, err);
          assertEquals(503, e.status());
          assertTrue(e.retryable());
          assertTrue(e.getMessage().startsWith("PostgreSQL at 127.0.0.1:"), e.getMessage());
          return null;
        })
        .eventually(() -> TestBackends.dropSchema(schema))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void redisGoingAwayDuringOperationIsARetryable503(Vertx vertx, VertxTestContext ctx) {
    String prefix = TestBackends.uniqueRedisPrefix();
    URI target = URI.create(TestBackends.REDIS_URL);
    TcpProxy.start(vertx, target.getHost(), target.getPort() > 0 ? target.getPort() : 6379)
        .compose(proxy -> RedisQueueStore.create(vertx, "redis://127.0.0.1:" + proxy.port(), 2, prefix)
            .compose(store -> store.size("q")
                .compose(works -> proxy.kill())
                .compose(killed -> store.pop("q", 1, 1000).transform(ar -> Future.<Throwable>succeededFuture(ar.cause())))
                .eventually(store::close)))
        .map(err -> {
          ConductorException e = assertInstanceOf(ConductorException.class, err);
          assertEquals(503, e.status());
          assertTrue(e.retryable());
          assertTrue(e.getMessage().startsWith("Redis at 127.0.0.1:"), e.getMessage());
          return null;
        })
        .eventually(() -> TestBackends.deleteRedisKeys(prefix))
        .onComplete(ctx.succeedingThenComplete());
  }
}
