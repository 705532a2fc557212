package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.EventExecution;
import io.conductorvx.model.EventHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviour every {@link EventExecutionStore} must show; subclasses open an empty store. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class EventExecutionStoreContract {
  protected Vertx vertx;
  protected EventExecutionStore store;

  protected abstract Future<EventExecutionStore> open(Vertx vertx);

  protected Future<Void> cleanUp() {
    return Future.succeededFuture();
  }

  @BeforeEach
  void openStore(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    open(vertx).onComplete(ctx.succeeding(s -> {
      store = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void closeStore(VertxTestContext ctx) {
    Future<Void> closed = store == null ? Future.succeededFuture() : store.close();
    Future<Void> cleaned = closed.transform(ar -> cleanUp());
    Future.join(closed, cleaned).onComplete(ctx.succeedingThenComplete());
  }

  private static void check(VertxTestContext ctx, Supplier<Future<?>> body) {
    body.get().onComplete(ctx.succeedingThenComplete());
  }

  static EventExecution execution(String handler, String event, String messageId, int index, long created,
      EventExecution.Status status) {
    EventHandler.Action.Type action = status == EventExecution.Status.SKIPPED ? null : EventHandler.Action.Type.start_workflow;
    return new EventExecution(EventExecution.idOf(messageId, index), messageId, handler, event, created, status, action,
        Map.of("workflowId", "wf-" + messageId, "nested", Map.of("n", List.of(1, 2.5, "ü"))),
        status == EventExecution.Status.FAILED ? "it failed" : null, Map.of("orderId", messageId));
  }

  @Test
  void savedExecutionsAreFoundByHandlerEventAndMessageWithEveryField(VertxTestContext ctx) {
    EventExecution first = execution("h1", "amqp_queue:orders", "m1", 0, 1_000, EventExecution.Status.COMPLETED);
    EventExecution second = execution("h1", "amqp_queue:orders", "m1", 1, 1_001, EventExecution.Status.FAILED);
    check(ctx, () -> store.save(List.of(second, first))
        .compose(v -> store.save(List.of(execution("h1", "amqp_queue:orders", "m2", 0, 1_002, EventExecution.Status.COMPLETED),
            execution("h2", "amqp_queue:orders", "m1", 0, 1_003, EventExecution.Status.COMPLETED),
            execution("h1", "nats:orders", "m1", 0, 1_004, EventExecution.Status.COMPLETED))))
        .compose(v -> store.forMessage("h1", "amqp_queue:orders", "m1"))
        .map(found -> {
          assertEquals(List.of(first, second), found, "only that handler's, event's and message's, in id order, unchanged");
          return null;
        })
        .compose(v -> store.forMessage("h1", "amqp_queue:orders", "nothing"))
        .map(none -> {
          assertTrue(none.isEmpty());
          return null;
        }));
  }

  @Test
  void savingTheSameExecutionAgainReplacesIt(VertxTestContext ctx) {
    EventExecution running = execution("h1", "conductor:q", "m1", 0, 1_000, EventExecution.Status.IN_PROGRESS);
    EventExecution done = execution("h1", "conductor:q", "m1", 0, 1_500, EventExecution.Status.COMPLETED);
    check(ctx, () -> store.save(List.of(running))
        .compose(v -> store.save(List.of(done)))
        .compose(v -> store.forMessage("h1", "conductor:q", "m1"))
        .map(found -> {
          assertEquals(List.of(done), found);
          return null;
        }));
  }

  @Test
  void executionsOfAHandlerSinceATimeComeNewestFirstUpToTheLimit(VertxTestContext ctx) {
    check(ctx, () -> store.save(List.of(
            execution("h1", "e", "a", 0, 100, EventExecution.Status.COMPLETED),
            execution("h1", "e", "b", 0, 300, EventExecution.Status.SKIPPED),
            execution("h1", "e", "c", 0, 200, EventExecution.Status.FAILED),
            execution("h1", "other", "d", 0, 400, EventExecution.Status.COMPLETED),
            execution("h2", "e", "e", 0, 500, EventExecution.Status.COMPLETED)))
        .compose(v -> store.forHandler("h1", 0, 10))
        .map(all -> {
          assertEquals(List.of("d", "b", "c", "a"), all.stream().map(EventExecution::messageId).toList());
          return null;
        })
        .compose(v -> store.forHandler("h1", 200, 2))
        .map(recent -> {
          assertEquals(List.of("d", "b"), recent.stream().map(EventExecution::messageId).toList());
          return null;
        })
        .compose(v -> store.forHandler("nobody", 0, 10))
        .map(none -> {
          assertTrue(none.isEmpty());
          return null;
        }));
  }

  @Test
  void activityCountsMessagesAndTheActionsThatRanPerHandlerAndEvent(VertxTestContext ctx) {
    check(ctx, () -> store.save(List.of(
            execution("h1", "e", "m1", 0, 1, EventExecution.Status.COMPLETED),
            execution("h1", "e", "m1", 1, 1, EventExecution.Status.FAILED),
            execution("h1", "e", "m2", 0, 2, EventExecution.Status.SKIPPED),
            execution("h1", "f", "m3", 0, 3, EventExecution.Status.COMPLETED),
            execution("h0", "e", "m1", 0, 4, EventExecution.Status.SKIPPED)))
        .compose(v -> store.activity())
        .map(activity -> {
          assertEquals(List.of(
              new EventExecutionStore.Activity("h0", "e", 1, 0),
              new EventExecutionStore.Activity("h1", "e", 2, 2),
              new EventExecutionStore.Activity("h1", "f", 1, 1)), activity);
          return null;
        }));
  }

  @Test
  void executionsCreatedBeforeATimeAreRemovedAndCounted(VertxTestContext ctx) {
    check(ctx, () -> store.save(List.of(
            execution("h1", "e", "old", 0, 100, EventExecution.Status.COMPLETED),
            execution("h2", "e", "older", 0, 50, EventExecution.Status.SKIPPED),
            execution("h1", "e", "new", 0, 200, EventExecution.Status.COMPLETED)))
        .compose(v -> store.removeCreatedBefore(200))
        .map(removed -> {
          assertEquals(2L, removed);
          return null;
        })
        .compose(v -> store.forHandler("h1", 0, 10))
        .map(left -> {
          assertEquals(List.of("new"), left.stream().map(EventExecution::messageId).toList());
          return null;
        })
        .compose(v -> store.forHandler("h2", 0, 10))
        .map(left -> {
          assertTrue(left.isEmpty());
          return null;
        }));
  }
}
