package io.conductorvx.store;

import io.conductorvx.store.postgres.PostgresMetadataStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Each test works in its own schema, dropped afterwards. */
class PostgresMetadataStoreContractTest extends MetadataStoreContract {
  private final String schema = TestBackends.uniqueSchema();

  @Override
  protected Future<MetadataStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(PostgresMetadataStore::new);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }
}
