package io.conductorvx.events;

import io.conductorvx.engine.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The built-in {@code conductor} queues, delivered in process over the Vert.x event bus to the
 * event processor. A publish completes when the processor took the message, so publishing with
 * no processor running fails instead of losing the message silently. Messages live in memory
 * only: unlike Conductor's queue-backed ones they do not survive a restart, and a message for
 * which no active handler exists when it arrives is dropped, not kept for a later handler. A
 * message whose handling failed for now (a backend unavailable) is handled again after a growing
 * delay, for as long as the server runs.
 */
public final class ConductorEventQueues implements EventQueues {
  public static final String TYPE = "conductor";

  private final Vertx vertx;
  /** Unique per server, so several servers may share one Vert.x (tests). */
  private final String address = "conductor.events." + UUID.randomUUID();
  private final DeliveryOptions delivery = new DeliveryOptions().setCodecName(LocalCodec.NAME).setSendTimeout(10_000);
  private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();

  public ConductorEventQueues(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Future<Void> publish(String queueName, String messageId, String payloadJson) {
    counter(queueName).incrementAndGet();
    return vertx.eventBus().request(address, new EventMessage(TYPE, queueName, messageId, payloadJson), delivery)
        .onFailure(err -> counter(queueName).decrementAndGet())
        .mapEmpty();
  }

  @Override
  public Future<Void> subscribe(Function<EventMessage, Future<Void>> listener) {
    MessageConsumer<EventMessage> consumer = vertx.eventBus().consumer(address, msg -> {
      EventMessage m = msg.body();
      msg.reply(null); // taken: the publisher need not wait for the handlers' actions
      handle(listener, m, null);
    });
    return consumer.completion();
  }

  private void handle(Function<EventMessage, Future<Void>> listener, EventMessage m, Backoff retries) {
    Future<Void> done;
    try {
      done = listener.apply(m);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(ar -> {
      if (ar.succeeded()) {
        counter(m.queue()).decrementAndGet();
        return;
      }
      Backoff next = retries == null ? new Backoff(1_000, 30_000) : retries;
      vertx.setTimer(next.nextDelayMs(), id -> handle(listener, m, next));
    });
  }

  @Override
  public Map<String, Long> sizes() {
    Map<String, Long> out = new TreeMap<>();
    pending.forEach((queue, n) -> out.put(queue, n.get()));
    return out;
  }

  private AtomicLong counter(String queue) {
    return pending.computeIfAbsent(queue, q -> new AtomicLong());
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
