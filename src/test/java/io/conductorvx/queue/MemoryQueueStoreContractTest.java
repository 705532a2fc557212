package io.conductorvx.queue;

import io.conductorvx.queue.memory.MemoryQueueStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryQueueStoreContractTest extends QueueStoreContract {
  @Override
  protected Future<QueueStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryQueueStore());
  }
}
