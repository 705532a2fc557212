package io.conductorvx.scheduler;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryScheduleStoreContractTest extends ScheduleStoreContract {
  @Override
  protected Future<ScheduleStore> open(Vertx vertx) {
    return Future.succeededFuture(new MemoryScheduleStore());
  }
}
