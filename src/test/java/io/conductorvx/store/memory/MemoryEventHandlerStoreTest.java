package io.conductorvx.store.memory;

import io.conductorvx.store.EventHandlerStore;
import io.conductorvx.store.EventHandlerStoreContract;
import io.vertx.core.Future;

class MemoryEventHandlerStoreTest extends EventHandlerStoreContract {
  @Override
  protected Future<EventHandlerStore> openEmptyStore() {
    return Future.succeededFuture(new MemoryEventHandlerStore());
  }
}
