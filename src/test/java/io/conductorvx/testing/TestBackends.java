package io.conductorvx.testing;

import io.conductorvx.queue.redis.RedisQueueStore;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Isolated durable backends for tests: a fresh PostgreSQL schema per test (dropped afterwards) and
 * a unique Redis key prefix per test (its keys deleted afterwards). URLs come from
 * CONDUCTOR_TEST_POSTGRES_URL and CONDUCTOR_TEST_REDIS_URL.
 *
 * <p>Creating and dropping run on a Vert.x instance of their own: the extension may already be
 * closing a failed test's instance while its clean-up runs, and the clean-up must still happen.
 */
public final class TestBackends {
  public static final String POSTGRES_URL = env("CONDUCTOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
  public static final String REDIS_URL = env("CONDUCTOR_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private static final Vertx ADMIN = Vertx.vertx();

  private TestBackends() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  public static String uniqueSchema() {
    return "cvx_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  public static String uniqueRedisPrefix() {
    return "cvxtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Creates {@code schema} and connects a migrated database whose search_path is that schema. */
  public static Future<PostgresDatabase> postgres(Vertx vertx, String schema) {
    return admin("CREATE SCHEMA " + schema)
        .compose(created -> PostgresDatabase.connect(vertx,
            PgConnectOptions.fromUri(POSTGRES_URL).addProperty("search_path", schema), 8));
  }

  /** A server's postgresUrl for the test database with {@code schema} as its search_path. */
  public static String postgresUrl(String schema) {
    return POSTGRES_URL + (POSTGRES_URL.contains("?") ? "&" : "?") + "search_path=" + schema;
  }

  /** As {@link #postgresUrl(String)}, reached at another host and port (a {@link TcpProxy}). */
  public static String postgresUrl(String host, int port, String schema) {
    PgConnectOptions target = PgConnectOptions.fromUri(POSTGRES_URL);
    String password = target.getPassword() == null || target.getPassword().isEmpty() ? ""
        : ":" + URLEncoder.encode(target.getPassword(), StandardCharsets.UTF_8);
    return "postgresql://" + URLEncoder.encode(target.getUser(), StandardCharsets.UTF_8) + password + "@" + host + ":" + port
        + "/" + target.getDatabase() + "?search_path=" + schema;
  }

  public static Future<Void> dropSchema(String schema) {
    return admin("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** Runs one statement on a short-lived connection outside any test schema. */
  public static Future<Void> admin(String sql) {
    Pool admin = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(POSTGRES_URL)).using(ADMIN).build();
    return admin.query(sql).execute().<Void>mapEmpty().eventually(admin::close);
  }

  public static Future<RedisQueueStore> redisQueues(Vertx vertx, String prefix) {
    return RedisQueueStore.create(vertx, REDIS_URL, 8, prefix);
  }

  /** Deletes every key under {@code prefix}. */
  public static Future<Void> deleteRedisKeys(String prefix) {
    Redis redis = Redis.createClient(ADMIN, REDIS_URL);
    return scanAndDelete(redis, prefix, "0").eventually(redis::close);
  }

  private static Future<Void> scanAndDelete(Redis redis, String prefix, String cursor) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000))
        .compose(reply -> {
          String next = reply.get(0).toString();
          List<String> keys = new ArrayList<>();
          for (Response key : reply.get(1)) {
            keys.add(key.toString());
          }
          Request del = Request.cmd(Command.DEL);
          keys.forEach(del::arg);
          Future<?> deleted = keys.isEmpty() ? Future.succeededFuture() : redis.send(del);
          return deleted.compose(d -> "0".equals(next) ? Future.succeededFuture() : scanAndDelete(redis, prefix, next));
        });
  }

  /**
   * Bounded polling without blocking a thread: runs {@code probe} every {@code everyMs} until its
   * result satisfies {@code done}, failing after {@code withinMs}.
   */
  public static <T> Future<T> eventually(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> done, long everyMs, long withinMs, String what) {
    long deadline = System.currentTimeMillis() + withinMs;
    return poll(vertx, probe, done, everyMs, deadline, what);
  }

  private static <T> Future<T> poll(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> done, long everyMs, long deadline, String what) {
    return probe.get().compose(value -> {
      if (done.test(value)) {
        return Future.succeededFuture(value);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new AssertionError("Timed out waiting for " + what + "; last value: " + value));
      }
      return vertx.timer(everyMs).compose(t -> poll(vertx, probe, done, everyMs, deadline, what));
    });
  }
}
