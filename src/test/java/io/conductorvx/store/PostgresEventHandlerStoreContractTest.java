package io.conductorvx.store;

import io.conductorvx.store.postgres.PostgresEventHandlerStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Each test works in its own schema, dropped afterwards. */
class PostgresEventHandlerStoreContractTest extends EventHandlerStoreContract {
  private final String schema = TestBackends.uniqueSchema();

  @Override
  protected Future<EventHandlerStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(PostgresEventHandlerStore::new);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }
}
