package io.conductorvx.scheduler;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Each test works in its own schema, dropped afterwards. */
class PostgresScheduleStoreContractTest extends ScheduleStoreContract {
  private final String schema = TestBackends.uniqueSchema();

  @Override
  protected Future<ScheduleStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(PostgresScheduleStore::new);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }
}
