package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.EventHandler;
import io.conductorvx.model.Json;
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

/**
 * The behaviour every {@link EventHandlerStore} must show; subclasses open an empty store and
 * clean up a backend (a PostgreSQL test can reuse every case as it is).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class EventHandlerStoreContract {
  protected Vertx vertx;
  protected EventHandlerStore store;

  /** A store holding no handlers. */
  protected abstract Future<EventHandlerStore> open(Vertx vertx);

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

  static EventHandler handler(String name, String event, boolean active) {
    EventHandler h = new EventHandler();
    h.name = name;
    h.event = event;
    h.active = active;
    h.condition = "$.ok == true";
    h.evaluatorType = "javascript";
    EventHandler.Action start = new EventHandler.Action();
    start.action = EventHandler.Action.Type.start_workflow;
    start.start_workflow = new EventHandler.StartWorkflow();
    start.start_workflow.name = "target";
    start.start_workflow.version = 2;
    start.start_workflow.correlationId = "${id}";
    start.start_workflow.input = Map.of("id", "${id}", "nested", Map.of("list", List.of(1, 2.5, "ü")));
    start.start_workflow.taskToDomain = Map.of("*", "blue");
    start.expandInlineJSON = true;
    EventHandler.Action complete = new EventHandler.Action();
    complete.action = EventHandler.Action.Type.complete_task;
    complete.complete_task = new EventHandler.TaskDetails();
    complete.complete_task.workflowId = "${wf}";
    complete.complete_task.taskRefName = "wait";
    complete.complete_task.output = Map.of("ok", true);
    h.actions = List.of(start, complete);
    return h;
  }

  private static List<String> names(List<EventHandler> handlers) {
    return handlers.stream().map(h -> h.name).toList();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void createdHandlerIsReadBackWithEveryField(VertxTestContext ctx) {
    EventHandler h = handler("h1", "conductor:wf:ref", true);
    h.setUnknownField("description", Map.of("from", "a newer client"));
    h.actions.get(0).start_workflow.setUnknownField("priority", 3);
    check(ctx, () -> store.create(h)
        .compose(created -> {
          assertTrue(created);
          return store.list();
        })
        .map(all -> {
          assertEquals(1, all.size());
          EventHandler read = all.get(0);
          assertEquals(Json.tree(h), Json.tree(read));
          assertEquals(Map.of("from", "a newer client"), read.unknownFields().get("description"));
          assertEquals(EventHandler.Action.Type.complete_task, read.actions.get(1).action);
          return null;
        }));
  }

  @Test
  void createRefusesATakenNameAndKeepsTheFirst(VertxTestContext ctx) {
    check(ctx, () -> store.create(handler("h", "conductor:wf:ref", true))
        .compose(v -> store.create(handler("h", "conductor:other:ref", false)))
        .compose(created -> {
          assertFalse(created);
          return store.list();
        })
        .map(all -> {
          assertEquals(1, all.size());
          assertEquals("conductor:wf:ref", all.get(0).event);
          return null;
        }));
  }

  @Test
  void updateReplacesAnExistingHandlerOnly(VertxTestContext ctx) {
    EventHandler changed = handler("h", "conductor:wf:other", true);
    changed.condition = null;
    check(ctx, () -> store.update(handler("h", "conductor:wf:ref", true))
        .compose(updated -> {
          assertFalse(updated, "nothing to update yet");
          return store.list();
        })
        .compose(all -> {
          assertEquals(List.of(), all, "update must not create");
          return store.create(handler("h", "conductor:wf:ref", false));
        })
        .compose(v -> store.update(changed))
        .compose(updated -> {
          assertTrue(updated);
          return store.list();
        })
        .map(all -> {
          EventHandler read = all.get(0);
          assertEquals("conductor:wf:other", read.event);
          assertTrue(read.active);
          assertNull(read.condition);
          return null;
        }));
  }

  @Test
  void forEventMatchesTheExactEventAndHidesInactiveOnesOnRequest(VertxTestContext ctx) {
    check(ctx, () -> store.create(handler("b_active", "conductor:wf:ref", true))
        .compose(v -> store.create(handler("a_inactive", "conductor:wf:ref", false)))
        .compose(v -> store.create(handler("c_other", "conductor:wf:ref2", true)))
        .compose(v -> store.forEvent("conductor:wf:ref", true))
        .compose(active -> {
          assertEquals(List.of("b_active"), names(active));
          return store.forEvent("conductor:wf:ref", false);
        })
        .compose(all -> {
          assertEquals(List.of("a_inactive", "b_active"), names(all), "ordered by name");
          return store.forEvent("conductor:wf", false);
        })
        .compose(prefix -> {
          assertEquals(List.of(), prefix, "no prefix match");
          return store.list();
        })
        .map(all -> {
          assertEquals(List.of("a_inactive", "b_active", "c_other"), names(all), "ordered by name");
          return null;
        }));
  }

  @Test
  void aChangeIsSeenByTheNextRead(VertxTestContext ctx) {
    EventHandler h = handler("h", "conductor:wf:ref", false);
    check(ctx, () -> store.create(h)
        .compose(v -> store.forEvent("conductor:wf:ref", true))
        .compose(active -> {
          assertEquals(List.of(), active);
          h.active = true;
          return store.update(h);
        })
        .compose(v -> store.forEvent("conductor:wf:ref", true))
        .map(active -> {
          assertEquals(List.of("h"), names(active), "no stale cache: the event processor relies on it");
          return null;
        }));
  }

  @Test
  void readsAreCopies(VertxTestContext ctx) {
    check(ctx, () -> store.create(handler("h", "conductor:wf:ref", true))
        .compose(v -> store.list())
        .compose(all -> {
          all.get(0).event = "changed";
          all.get(0).actions.get(0).start_workflow.name = "changed";
          return store.forEvent("conductor:wf:ref", true);
        })
        .map(again -> {
          assertEquals("target", again.get(0).actions.get(0).start_workflow.name);
          return null;
        }));
  }

  @Test
  void deleteRemovesAndSaysWhetherThereWasOne(VertxTestContext ctx) {
    check(ctx, () -> store.create(handler("h", "conductor:wf:ref", true))
        .compose(v -> store.delete("h"))
        .compose(deleted -> {
          assertTrue(deleted);
          return store.delete("h");
        })
        .compose(again -> {
          assertFalse(again);
          return store.forEvent("conductor:wf:ref", false);
        })
        .compose(left -> {
          assertEquals(List.of(), left);
          return store.create(handler("h", "conductor:wf:ref", true));
        })
        .map(created -> {
          assertTrue(created, "the name is free again");
          return null;
        }));
  }
}
