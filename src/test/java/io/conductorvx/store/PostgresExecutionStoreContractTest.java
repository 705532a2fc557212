package io.conductorvx.store;

import io.conductorvx.store.postgres.PostgresExecutionStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Each test works in its own schema, dropped afterwards. */
class PostgresExecutionStoreContractTest extends ExecutionStoreContract {
  private final String schema = TestBackends.uniqueSchema();

  @Override
  protected Future<ExecutionStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(PostgresExecutionStore::new);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }
}
