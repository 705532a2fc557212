package io.conductorvx.store.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings the schema (of the connection's search_path) up to date with the versioned scripts in
 * {@code db/postgres/}. Everything runs in one transaction behind a transaction-scoped advisory
 * lock: when two servers start at once the second waits, then finds the versions applied.
 */
public final class PostgresMigrations {
  static final String RESOURCE_DIR = "db/postgres/";

  /** The scripts in order. A jar cannot be listed without blocking, so they are named here. */
  static final List<String> SCRIPTS = List.of("V1__schema.sql", "V2__event_handlers.sql", "V3__workflow_parts.sql",
      "V4__event_executions.sql", "V5__scheduler.sql", "V6__cluster.sql", "V7__retention.sql", "V8__hot_updates.sql");

  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  // The lock key is per schema, so isolated schemas (tests) do not wait for each other.
  private static final String LOCK =
      "SELECT pg_advisory_xact_lock(hashtext('conductorvx.migrations:' || current_schema()))";
  // "already exists, skipping" notices would be logged as warnings on every start.
  private static final String QUIET = "SET LOCAL client_min_messages TO warning";
  private static final String CREATE_HISTORY = """
      CREATE TABLE IF NOT EXISTS schema_migration (
        version    integer     PRIMARY KEY,
        name       text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())""";
  private static final String APPLIED = "SELECT version FROM schema_migration";
  private static final String RECORD = "INSERT INTO schema_migration (version, name) VALUES ($1, $2)";

  private PostgresMigrations() {}

  /** A script to apply. */
  record Migration(int version, String name, String sql) {}

  /** Applies what is missing. @return the versions this call applied (empty when up to date) */
  public static Future<List<Integer>> migrate(Vertx vertx, Pool pool) {
    return vertx.executeBlocking(PostgresMigrations::load, false)
        .compose(migrations -> pool.withTransaction(conn -> conn.query(LOCK).execute()
            .compose(locked -> conn.query(QUIET).execute())
            .compose(quiet -> conn.query(CREATE_HISTORY).execute())
            .compose(created -> conn.query(APPLIED).execute())
            .compose(rows -> {
              Set<Integer> done = new HashSet<>();
              for (Row row : rows) {
                done.add(row.getInteger(0));
              }
              List<Migration> todo = migrations.stream().filter(m -> !done.contains(m.version())).toList();
              return applyInOrder(conn, todo, 0, new ArrayList<>());
            })));
  }

  private static Future<List<Integer>> applyInOrder(SqlConnection conn, List<Migration> todo, int index, List<Integer> applied) {
    if (index == todo.size()) {
      return Future.succeededFuture(applied);
    }
    Migration m = todo.get(index);
    // The simple query protocol runs a script of several statements in one call.
    return conn.query(m.sql()).execute()
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "migration V" + m.version() + "__" + m.name() + " failed: " + err.getMessage(), err)))
        .compose(done -> conn.preparedQuery(RECORD).execute(Tuple.of(m.version(), m.name())))
        .compose(recorded -> {
          applied.add(m.version());
          return applyInOrder(conn, todo, index + 1, applied);
        });
  }

  /** Reads the scripts from the classpath; runs on a worker thread. */
  static List<Migration> load() throws IOException {
    List<Migration> out = new ArrayList<>();
    int previous = 0;
    for (String file : SCRIPTS) {
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("Migration file name must be V<n>__<name>.sql: " + file);
      }
      int version = Integer.parseInt(m.group(1));
      if (version <= previous) {
        throw new IllegalStateException("Migration versions must increase: " + file);
      }
      previous = version;
      try (InputStream in = PostgresMigrations.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file)) {
        if (in == null) {
          throw new IllegalStateException("Migration script missing from the classpath: " + RESOURCE_DIR + file);
        }
        out.add(new Migration(version, m.group(2), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
