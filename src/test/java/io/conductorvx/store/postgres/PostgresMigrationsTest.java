package io.conductorvx.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class PostgresMigrationsTest {
  private final String schema = TestBackends.uniqueSchema();
  private final List<Pool> pools = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void createSchema(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    TestBackends.admin("CREATE SCHEMA " + schema).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void dropSchema(VertxTestContext ctx) {
    Future.join(pools.stream().map(Pool::close).toList())
        .eventually(() -> TestBackends.dropSchema(schema))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** A pool of its own, as a second server would have. */
  private Pool pool() {
    Pool pool = PgBuilder.pool()
        .connectingTo(PgConnectOptions.fromUri(TestBackends.POSTGRES_URL).addProperty("search_path", schema))
        .using(vertx)
        .build();
    pools.add(pool);
    return pool;
  }

  @Test
  void twoServersMigratingAtOnceApplyEachVersionOnce(VertxTestContext ctx) {
    Future<List<Integer>> first = PostgresMigrations.migrate(vertx, pool());
    Future<List<Integer>> second = PostgresMigrations.migrate(vertx, pool());
    Future.all(first, second)
        .compose(both -> {
          List<Integer> applied = new ArrayList<>(first.result());
          applied.addAll(second.result());
          assertEquals(allVersions(), applied, "one of them applied each version, the other found it applied");
          return pool().query("SELECT version, name FROM schema_migration ORDER BY version").execute();
        })
        .map(rows -> {
          List<String> recorded = new ArrayList<>();
          rows.forEach(r -> recorded.add(r.getInteger(0) + ":" + r.getString(1)));
          List<String> expected = PostgresMigrations.SCRIPTS.stream()
              .map(f -> version(f) + ":" + f.substring(f.indexOf("__") + 2, f.length() - ".sql".length()))
              .toList();
          assertEquals(expected, recorded);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void migratingAnUpToDateSchemaChangesNothing(VertxTestContext ctx) {
    Pool pool = pool();
    PostgresMigrations.migrate(vertx, pool)
        .compose(applied -> {
          assertEquals(allVersions(), applied);
          return PostgresMigrations.migrate(vertx, pool);
        })
        .map(again -> {
          assertEquals(List.of(), again);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void executionTablesLeaveRoomOnTheirPagesForUpdates(VertxTestContext ctx) {
    Pool pool = pool();
    PostgresMigrations.migrate(vertx, pool)
        .compose(applied -> pool.preparedQuery("SELECT c.relname, array_to_string(c.reloptions, ',') FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname IN ('workflow', 'task')"
            + " ORDER BY c.relname").execute(io.vertx.sqlclient.Tuple.of(schema)))
        .map(rows -> {
          List<String> options = new ArrayList<>();
          rows.forEach(r -> options.add(r.getString(0) + ":" + r.getString(1)));
          assertEquals(List.of("task:fillfactor=50", "workflow:fillfactor=50"), options);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void everyScriptInTheResourceFolderIsListedInOrder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources", PostgresMigrations.RESOURCE_DIR))) {
      List<String> onDisk = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".sql"))
          .sorted((a, b) -> Integer.compare(version(a), version(b)))
          .toList();
      assertEquals(onDisk, PostgresMigrations.SCRIPTS);
    }
  }

  private static int version(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  /** The versions of the scripts the server ships, in order (numbers may be left out). */
  private static List<Integer> allVersions() {
    return PostgresMigrations.SCRIPTS.stream().map(PostgresMigrationsTest::version).toList();
  }
}
