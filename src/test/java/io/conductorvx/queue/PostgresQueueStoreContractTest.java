package io.conductorvx.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conductorvx.queue.postgres.PostgresQueueStore;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnectOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each test works in its own schema, dropped afterwards. */
class PostgresQueueStoreContractTest extends QueueStoreContract {
  private final String schema = TestBackends.uniqueSchema();

  @Override
  protected Future<QueueStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(PostgresQueueStore::new);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }

  /**
   * A pop commits without waiting for the WAL flush, for its own transaction only: whatever runs
   * next on its connection (one connection here) commits synchronously again.
   */
  @Test
  void aPopLeavesItsConnectionCommittingSynchronously(Vertx vertx, VertxTestContext ctx) {
    PostgresDatabase.connect(vertx, PgConnectOptions.fromUri(TestBackends.POSTGRES_URL).addProperty("search_path", schema), 1)
        .compose(db -> {
          QueueStore queues = new PostgresQueueStore(db);
          return queues.push("q", new QueueMessage("m1", "p1", 0), 0)
              .compose(v -> queues.pop("q", 1, 60_000))
              .compose(popped -> {
                assertEquals(List.of("m1"), popped.stream().map(QueueMessage::id).toList());
                return db.pool().query("SHOW synchronous_commit").execute();
              })
              .map(rows -> rows.iterator().next().getString(0))
              .eventually(queues::close);
        })
        .onComplete(ctx.succeeding(setting -> ctx.verify(() -> {
          assertEquals("on", setting);
          ctx.completeNow();
        })));
  }
}
