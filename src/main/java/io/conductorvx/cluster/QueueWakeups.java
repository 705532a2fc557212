package io.conductorvx.cluster;

import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.engine.LocalCodec;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.live.QueueReady;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Wakes long polls parked on other members: pushes this member's deciders announce on the local
 * bus ({@link LiveEvents#QUEUE_READY}) are gathered for a few milliseconds and sent as one
 * PostgreSQL NOTIFY per queue; every member LISTENs (a dedicated connection, reconnected) and
 * announces what others pushed on its own bus. Hints only: a lost one costs a poll its timeout, so
 * correctness never depends on them. Runs on the context of the verticle that starts it.
 */
final class QueueWakeups {
  private static final long GATHER_MS = 5;
  private static final String NOTIFY = "SELECT pg_notify($1, x) FROM unnest($2::text[]) x";

  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final Pool pool;
  private final PgConnectOptions options;
  private final String me;
  private final Map<String, Integer> pending = new HashMap<>();
  private boolean flushQueued;
  private String channel;
  private PgSubscriber subscriber;
  private MessageConsumer<QueueReady> pushes;

  QueueWakeups(Vertx vertx, WorkflowEngine engine, Pool pool, PgConnectOptions options, UUID me) {
    this.vertx = vertx;
    this.engine = engine;
    this.pool = pool;
    this.options = options;
    this.me = me.toString();
  }

  Future<Void> start() {
    // one channel per schema, so clusters (or tests) sharing a database do not wake each other
    return pool.query("SELECT current_schema()").execute().compose(rows -> {
      channel = "cvx_ready_" + rows.iterator().next().getString(0);
      subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> 500L);
      subscriber.channel(channel).handler(this::heard);
      pushes = vertx.eventBus().<QueueReady>consumer(engine.address(LiveEvents.QUEUE_READY), msg -> gather(msg.body()));
      return subscriber.connect();
    });
  }

  Future<Void> close() {
    return (pushes == null ? Future.<Void>succeededFuture() : pushes.unregister())
        .eventually(() -> subscriber == null ? Future.succeededFuture() : subscriber.close());
  }

  private void gather(QueueReady ready) {
    if (ready.relayed()) {
      return;
    }
    pending.merge(ready.queue(), ready.count(), Integer::sum);
    if (!flushQueued) {
      flushQueued = true;
      vertx.setTimer(GATHER_MS, t -> flush());
    }
  }

  private void flush() {
    flushQueued = false;
    if (pending.isEmpty()) {
      return;
    }
    String[] payloads = pending.entrySet().stream().map(e -> me + "|" + e.getValue() + "|" + e.getKey()).toArray(String[]::new);
    pending.clear();
    pool.preparedQuery(NOTIFY).execute(Tuple.tuple().addValue(channel).addValue(payloads));
  }

  private void heard(String payload) {
    int first = payload.indexOf('|');
    int second = payload.indexOf('|', first + 1);
    if (first < 0 || second < 0 || payload.substring(0, first).equals(me)) {
      return;
    }
    int count;
    try {
      count = Integer.parseInt(payload.substring(first + 1, second));
    } catch (NumberFormatException e) {
      return;
    }
    vertx.eventBus().publish(engine.address(LiveEvents.QUEUE_READY), new QueueReady(payload.substring(second + 1), count, true),
        LocalCodec.DELIVERY);
  }
}
