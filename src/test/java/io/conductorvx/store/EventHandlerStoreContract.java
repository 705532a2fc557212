package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.EventHandler;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventHandlerStore} backend must do. A backend's test extends this and says
 * how to open an empty store; the PostgreSQL one can reuse every case as it is.
 */
public abstract class EventHandlerStoreContract {
  protected EventHandlerStore store;

  /** A store with no handlers in it. */
  protected abstract Future<EventHandlerStore> openEmptyStore();

  @BeforeEach
  void open() {
    store = await(openEmptyStore());
  }

  @AfterEach
  void close() {
    await(store.close());
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("store call failed: " + e, e);
    }
  }

  static EventHandler handler(String name, String event, boolean active) {
    EventHandler h = new EventHandler();
    h.name = name;
    h.event = event;
    h.active = active;
    h.condition = "$.ok == true";
    h.evaluatorType = "javascript";
    EventHandler.Action a = new EventHandler.Action();
    a.action = EventHandler.Action.Type.start_workflow;
    a.start_workflow = new EventHandler.StartWorkflow();
    a.start_workflow.name = "target";
    a.start_workflow.version = 2;
    a.start_workflow.input = Map.of("id", "${id}");
    a.expandInlineJSON = true;
    h.actions = List.of(a);
    return h;
  }

  @Test
  void createKeepsEveryFieldAndRefusesADuplicateName() {
    EventHandler h = handler("h1", "conductor:wf:ref", true);
    h.setUnknownField("description", "kept though not modelled");
    assertTrue(await(store.create(h)));
    assertFalse(await(store.create(handler("h1", "conductor:other:ref", false))), "same name again");

    List<EventHandler> all = await(store.list());
    assertEquals(1, all.size());
    EventHandler got = all.get(0);
    assertEquals("h1", got.name);
    assertEquals("conductor:wf:ref", got.event, "the duplicate did not overwrite");
    assertTrue(got.active);
    assertEquals("$.ok == true", got.condition);
    assertEquals("javascript", got.evaluatorType);
    assertEquals(EventHandler.Action.Type.start_workflow, got.actions.get(0).action);
    assertEquals("target", got.actions.get(0).start_workflow.name);
    assertEquals(2, got.actions.get(0).start_workflow.version);
    assertEquals(Map.of("id", "${id}"), got.actions.get(0).start_workflow.input);
    assertTrue(got.actions.get(0).expandInlineJSON);
    assertEquals("kept though not modelled", got.unknownFields().get("description"));
  }

  @Test
  void updateReplacesAnExistingHandlerOnly() {
    assertFalse(await(store.update(handler("missing", "conductor:wf:ref", true))));
    assertTrue(await(store.list()).isEmpty(), "update must not create");

    await(store.create(handler("h", "conductor:wf:ref", false)));
    EventHandler changed = handler("h", "conductor:wf:other", true);
    changed.condition = null;
    assertTrue(await(store.update(changed)));
    EventHandler got = await(store.list()).get(0);
    assertEquals("conductor:wf:other", got.event);
    assertTrue(got.active);
    assertEquals(null, got.condition);
  }

  @Test
  void forEventMatchesTheExactEventAndFiltersInactiveOnRequest() {
    await(store.create(handler("b_active", "conductor:wf:ref", true)));
    await(store.create(handler("a_inactive", "conductor:wf:ref", false)));
    await(store.create(handler("c_other", "conductor:wf:ref2", true)));

    assertEquals(List.of("b_active"), names(await(store.forEvent("conductor:wf:ref", true))));
    assertEquals(List.of("a_inactive", "b_active"), names(await(store.forEvent("conductor:wf:ref", false))));
    assertTrue(await(store.forEvent("conductor:wf", false)).isEmpty(), "no prefix match");
    assertEquals(List.of("a_inactive", "b_active", "c_other"), names(await(store.list())), "ordered by name");
  }

  @Test
  void readsAreCopies() {
    await(store.create(handler("h", "conductor:wf:ref", true)));
    EventHandler read = await(store.list()).get(0);
    read.event = "changed";
    read.actions.get(0).start_workflow.name = "changed";
    EventHandler again = await(store.forEvent("conductor:wf:ref", true)).get(0);
    assertEquals("target", again.actions.get(0).start_workflow.name);
  }

  @Test
  void deleteRemovesAndSaysWhetherThereWasOne() {
    await(store.create(handler("h", "conductor:wf:ref", true)));
    assertTrue(await(store.delete("h")));
    assertFalse(await(store.delete("h")));
    assertTrue(await(store.list()).isEmpty());
    assertTrue(await(store.forEvent("conductor:wf:ref", false)).isEmpty());
    assertTrue(await(store.create(handler("h", "conductor:wf:ref", true))), "the name is free again");
  }

  private static List<String> names(List<EventHandler> handlers) {
    return handlers.stream().map(h -> h.name).toList();
  }
}
