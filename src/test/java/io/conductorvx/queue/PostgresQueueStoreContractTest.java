package io.conductorvx.queue;

import io.conductorvx.queue.postgres.PostgresQueueStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

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
}
