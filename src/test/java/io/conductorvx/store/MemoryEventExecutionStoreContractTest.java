package io.conductorvx.store;

import io.conductorvx.store.memory.MemoryEventExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryEventExecutionStoreContractTest extends EventExecutionStoreContract {
  @Override
  protected Future<EventExecutionStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryEventExecutionStore());
  }
}
