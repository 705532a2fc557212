package io.conductorvx.store.postgres;

import io.conductorvx.error.BackendFailure;
import io.conductorvx.error.ConductorException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one connection pool every PostgreSQL-backed store of a server shares, with the schema
 * migrated. Each store using it calls {@link #retain()} and closes it through {@link #release()};
 * the pool closes when the last one lets go.
 */
public final class PostgresDatabase {
  /** Statements a connection may have in flight: a transaction's statements go out back to back. */
  private static final int PIPELINING_LIMIT = 256;

  private final Pool pool;
  private final String where;
  private final AtomicInteger users = new AtomicInteger();

  private PostgresDatabase(Pool pool, String where) {
    this.pool = pool;
    this.where = where;
  }

  /** Connects to {@code url} (postgresql://user@host:port/db), checks it answers and migrates it. */
  public static Future<PostgresDatabase> connect(Vertx vertx, String url, int poolSize) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      // The URL may hold a password: name the setting, not its value.
      return Future.failedFuture(new IllegalArgumentException("Invalid postgresUrl: " + e.getMessage()));
    }
    return connect(vertx, options, poolSize);
  }

  /** As above, with options built by the caller (tests set search_path to a schema of their own). */
  public static Future<PostgresDatabase> connect(Vertx vertx, PgConnectOptions given, int poolSize) {
    // Statements are prepared once per connection and reused: without the cache every execution
    // is parsed and planned again, which was most of the database's CPU under load.
    PgConnectOptions options = new PgConnectOptions(given).setPipeliningLimit(PIPELINING_LIMIT)
        .setCachePreparedStatements(true);
    Pool pool = PgBuilder.pool()
        // No limit on the wait for a connection (commands have their own timeout): in Vert.x 5.0.7 a
        // wait that times out just as it is served throws inside the pool and can wedge it; that
        // stalled a PostgreSQL-only server under a 10,000-task fan-out.
        // named for the pool metrics (vertx_pool_*{pool_name="postgres"}); not shared
        .with(new PoolOptions().setMaxSize(Math.max(1, poolSize)).setConnectionTimeout(0).setName("postgres"))
        .connectingTo(options)
        .using(vertx)
        .build();
    String where = "PostgreSQL at " + options.getHost() + ":" + options.getPort();
    // One probe up front, so a wrong URL or a stopped server stops the start with one clear line.
    return pool.query("SELECT 1").execute()
        .<Void>transform(ar -> ar.succeeded()
            ? Future.succeededFuture()
            : Future.failedFuture(ConductorException.unavailable(where + problem(ar.cause()) + BackendFailure.describe(ar.cause()), ar.cause())))
        .compose(ok -> PostgresMigrations.migrate(vertx, pool)
            .recover(err -> Future.failedFuture(ConductorException.unavailable(where + ": " + err.getMessage(), err))))
        .map(applied -> new PostgresDatabase(pool, where))
        .onFailure(err -> pool.close());
  }

  /** A server that answered with an error (bad database, role, password) is reachable. */
  private static String problem(Throwable err) {
    return err instanceof DatabaseException ? " refused the connection: " : " is not reachable: ";
  }

  public Pool pool() {
    return pool;
  }

  /** One round trip ({@code SELECT 1}): succeeds when the database answers (health checks). */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /** Counts one more store using the pool. */
  public PostgresDatabase retain() {
    users.incrementAndGet();
    return this;
  }

  /** One store is done with the pool; the last one closes it. */
  public Future<Void> release() {
    return users.decrementAndGet() <= 0 ? pool.close() : Future.succeededFuture();
  }

  /**
   * Turns a failure of the database into a 503 the caller may retry. Our own exceptions pass
   * unchanged, so wrapping twice along a chain is harmless.
   */
  public <T> Future<T> unavailable(Throwable err) {
    if (err instanceof ConductorException) {
      return Future.failedFuture(err);
    }
    return Future.failedFuture(ConductorException.unavailable(where + " failed: " + BackendFailure.describe(err), err));
  }
}
