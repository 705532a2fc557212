package io.conductorvx.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Test
  void queueDetailsLoadTheScriptsAgainWhenRedisForgotThem(VertxTestContext ctx) {
    Redis admin = Redis.createClient(vertx, TestBackends.REDIS_URL);
    // SCRIPT FLUSH is what a Redis restart does to the scripts; details() pipelines its calls, whose
    // errors come back as one "ERR [i] NOSCRIPT ..." message
    store.push("q1", new QueueMessage("a", "wf", 0), 0)
        .compose(v -> store.push("q2", new QueueMessage("b", "wf", 0), 0))
        .compose(v -> admin.send(Request.cmd(Command.SCRIPT).arg("FLUSH")))
        .compose(flushed -> store.details())
        .map(details -> {
          assertEquals(Map.of("size", 1L, "uacked", 0L), details.get("q1"));
          assertEquals(Map.of("size", 1L, "uacked", 0L), details.get("q2"));
          return null;
        })
        .eventually(admin::close)
        .onComplete(ctx.succeedingThenComplete());
  }
}
