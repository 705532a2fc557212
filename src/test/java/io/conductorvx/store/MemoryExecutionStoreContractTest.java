package io.conductorvx.store;

import io.conductorvx.store.memory.MemoryExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryExecutionStoreContractTest extends ExecutionStoreContract {
  @Override
  protected Future<ExecutionStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryExecutionStore());
  }
}
