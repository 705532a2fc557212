package io.conductorvx.queue;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Each test works under its own key prefix and deletes its keys afterwards. */
class RedisQueueStoreContractTest extends QueueStoreContract {
  private final String prefix = TestBackends.uniqueRedisPrefix();

  @Override
  protected Future<QueueStore> open(Vertx vertx) {
    return TestBackends.redisQueues(vertx, prefix).map(store -> store);
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.deleteRedisKeys(prefix);
  }
}
