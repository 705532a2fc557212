package io.conductorvx.bench.jmh;

import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.queue.memory.MemoryQueueStore;
import io.conductorvx.queue.postgres.PostgresQueueStore;
import io.conductorvx.queue.redis.RedisQueueStore;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One message's life in a task queue, per backend: push, pop with a lease, ack. Each call is
 * awaited before the next, as a single caller sees it (latency-bound for Redis and PostgreSQL).
 * The benchmark thread is not a Vert.x thread, so blocking on the futures here is fine.
 *
 * <p>Redis and PostgreSQL are the local ones used by the tests (override with CONDUCTOR_BENCH_REDIS_URL
 * and CONDUCTOR_BENCH_POSTGRES_URL). Nothing shared is touched: Redis keys live under
 * {@value #REDIS_PREFIX} and PostgreSQL tables in schema {@value #PG_SCHEMA}, each run uses a queue
 * of its own, and the queue is left empty.
 *
 * <p>Scope.Thread: with {@code -t N} every thread has its own store, connection pool and queue.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueBenchmark {
  static final String REDIS_PREFIX = "cvxbench:";
  static final String PG_SCHEMA = "cvxbench";
  private static final String REDIS_URL = env("CONDUCTOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
  private static final String POSTGRES_URL = env("CONDUCTOR_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
  /** The server's default lease (queueLeaseSeconds = 60); never runs out here. */
  private static final long LEASE_MS = 60_000;
  private static final int BATCH = 10;

  @Param({"memory", "redis", "postgres"})
  public String backend;

  private Vertx vertx;
  private QueueStore store;
  private String queue;
  private long nextId;

  @Setup
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    queue = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    // Pool sizes are irrelevant to a single awaited caller; small ones keep the footprint low.
    Future<QueueStore> connected = switch (backend) {
      case "memory" -> Future.succeededFuture(new MemoryQueueStore());
      case "redis" -> RedisQueueStore.create(vertx, REDIS_URL, 2, REDIS_PREFIX).map(QueueStore.class::cast);
      case "postgres" -> postgres();
      default -> Future.failedFuture("backend must be memory, redis or postgres, not " + backend);
    };
    store = await(connected);
  }

  /** The queue table in a schema of its own, created (and migrated) on first use. */
  private Future<QueueStore> postgres() {
    Pool admin = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(POSTGRES_URL)).using(vertx).build();
    return admin.query("CREATE SCHEMA IF NOT EXISTS " + PG_SCHEMA).execute()
        .eventually(admin::close)
        .compose(created -> PostgresDatabase.connect(vertx,
            PgConnectOptions.fromUri(POSTGRES_URL).addProperty("search_path", PG_SCHEMA), 2))
        .map(PostgresQueueStore::new);
  }

  @TearDown
  public void tearDown() throws Exception {
    try {
      // Empty already unless an invocation failed half-way; drained so nothing is left behind.
      List<QueueMessage> left;
      while (!(left = await(store.pop(queue, 1000, LEASE_MS))).isEmpty()) {
        for (QueueMessage m : left) {
          await(store.ack(queue, m.id()));
        }
      }
      if ("redis".equals(backend)) {
        // An empty Redis queue still has its push counter and its entry in the set of queue names.
        Redis redis = Redis.createClient(vertx, REDIS_URL);
        await(redis.send(Request.cmd(Command.DEL).arg(REDIS_PREFIX + "q:" + queue + ":seq"))
            .compose(deleted -> redis.send(Request.cmd(Command.SREM).arg(REDIS_PREFIX + "queues").arg(queue)))
            .eventually(redis::close));
      }
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }

  /** One message: push it, pop it (leased), ack it. */
  @Benchmark
  public QueueMessage pushPopAck() throws Exception {
    await(store.push(queue, message(), 0));
    List<QueueMessage> popped = await(store.pop(queue, 1, LEASE_MS));
    if (popped.size() != 1) {
      throw new IllegalStateException("popped " + popped.size() + " messages, expected 1");
    }
    await(store.ack(queue, popped.get(0).id()));
    return popped.get(0);
  }

  /** Ten messages pushed one by one, popped in one batch (as a batch poll does), acked one by one. Scored per message. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<QueueMessage> pushPopAckBatch() throws Exception {
    for (int i = 0; i < BATCH; i++) {
      await(store.push(queue, message(), 0));
    }
    List<QueueMessage> popped = await(store.pop(queue, BATCH, LEASE_MS));
    if (popped.size() != BATCH) {
      throw new IllegalStateException("popped " + popped.size() + " messages, expected " + BATCH);
    }
    for (QueueMessage m : popped) {
      await(store.ack(queue, m.id()));
    }
    return popped;
  }

  /** A task message: a fresh task id and its workflow id, default priority. */
  private QueueMessage message() {
    return new QueueMessage("task-" + nextId++, "workflow-1", 0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
