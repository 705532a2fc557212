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

  /**
   * Pushes, acks and removals made in one event-loop turn go to Redis as one pipelined batch; a
   * batch sent after Redis forgot the scripts is sent again once they are loaded, every write in it
   * applied, and each removal gets its own answer.
   */
  @Test
  void writesBatchedOnAnEventLoopSurviveForgottenScripts(VertxTestContext ctx) {
    Redis admin = Redis.createClient(vertx, TestBackends.REDIS_URL);
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    admin.send(Request.cmd(Command.SCRIPT).arg("FLUSH"))
        .compose(flushed -> onLoop(loop, () -> Future.all(
            store.push("q", new QueueMessage("a", "wf", 0), 0),
            store.push("q", new QueueMessage("b", "wf", 0), 0),
            store.push("q", new QueueMessage("c", "wf", 0), 0))))
        .compose(pushed -> store.pop("q", 3, 60_000))
        .compose(popped -> {
          assertEquals(java.util.List.of("a", "b", "c"), popped.stream().map(QueueMessage::id).toList());
          return admin.send(Request.cmd(Command.SCRIPT).arg("FLUSH"));
        })
        .compose(flushed -> onLoop(loop, () -> Future.all(store.ack("q", "a"), store.ack("q", "b"), store.ack("q", "c"))))
        .compose(acked -> store.push("q", new QueueMessage("d", "wf", 0), 0))
        .compose(pushed -> onLoop(loop, () -> Future.all(store.remove("q", "d"), store.remove("q", "never"))))
        .compose(removed -> {
          assertEquals(java.util.List.of(true, false), removed.list(), "each removal's own answer");
          return store.details();
        })
        .map(details -> {
          assertEquals(null, details.get("q"), "nothing waiting or leased");
          return null;
        })
        .eventually(admin::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  private static <T> Future<T> onLoop(io.vertx.core.Context loop, java.util.function.Supplier<Future<T>> work) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    loop.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }
}
