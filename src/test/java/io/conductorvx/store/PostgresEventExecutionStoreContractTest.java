package io.conductorvx.store;

import io.conductorvx.store.postgres.PostgresEventExecutionStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Each test works in its own schema, dropped afterwards. */
class PostgresEventExecutionStoreContractTest extends EventExecutionStoreContract {
  private final String schema = TestBackends.uniqueSchema();

  @Override
  protected Future<EventExecutionStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(PostgresEventExecutionStore::new);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }
}
