package io.conductorvx.store;

import io.conductorvx.store.memory.MemoryEventHandlerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryEventHandlerStoreContractTest extends EventHandlerStoreContract {
  @Override
  protected Future<EventHandlerStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryEventHandlerStore());
  }
}
