package io.conductorvx.store;

import io.conductorvx.store.memory.MemoryMetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryMetadataStoreContractTest extends MetadataStoreContract {
  @Override
  protected Future<MetadataStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryMetadataStore());
  }
}
