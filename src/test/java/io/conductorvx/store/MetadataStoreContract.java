package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.Json;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TimeoutPolicy;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
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

/** The behaviour every {@link MetadataStore} must show; subclasses open and clean up a backend. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class MetadataStoreContract {
  protected Vertx vertx;
  protected MetadataStore store;

  protected abstract Future<MetadataStore> open(Vertx vertx);

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
    // Clean up even when closing failed, and report either failure.
    Future<Void> cleaned = closed.transform(ar -> cleanUp());
    Future.join(closed, cleaned).onComplete(ctx.succeedingThenComplete());
  }

  private static void check(VertxTestContext ctx, Supplier<Future<?>> body) {
    body.get().onComplete(ctx.succeedingThenComplete());
  }

  static TaskDef taskDef(String name, int retryCount) {
    TaskDef def = new TaskDef();
    def.name = name;
    def.retryCount = retryCount;
    return def;
  }

  static WorkflowDef workflowDef(String name, int version) {
    WorkflowDef def = new WorkflowDef();
    def.name = name;
    def.version = version;
    def.description = name + " v" + version;
    WorkflowTask task = new WorkflowTask();
    task.name = "step";
    task.taskReferenceName = "step_ref";
    def.tasks.add(task);
    return def;
  }

  /** Equal as the API would show them: the same JSON. */
  private static void assertSameJson(Object expected, Object actual) {
    assertEquals(Json.tree(expected), Json.tree(actual));
  }

  private static List<String> taskDefNames(List<TaskDef> defs) {
    return defs.stream().map(d -> d.name).toList();
  }

  private static List<String> workflowDefKeys(List<WorkflowDef> defs) {
    return defs.stream().map(d -> d.name + ":" + d.version).toList();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void savedTaskDefIsReadBackWithEveryField(VertxTestContext ctx) {
    TaskDef def = taskDef("encode", 5);
    def.description = "encodes ü and \"quotes\"";
    def.timeoutPolicy = TimeoutPolicy.RETRY;
    def.concurrentExecLimit = 3;
    def.inputKeys = List.of("a", "b");
    def.inputTemplate = Map.of("nested", Map.of("list", List.of(1, 2.5, "x", true)));
    def.setUnknownField("fromNewerClient", Map.of("x", 1));
    check(ctx, () -> store.saveTaskDefs(List.of(def))
        .compose(v -> store.getTaskDef("encode"))
        .map(read -> {
          assertSameJson(def, read);
          assertEquals(Map.of("x", 1), read.unknownFields().get("fromNewerClient"));
          return null;
        }));
  }

  @Test
  void saveTaskDefsCreatesSeveralAndOverwritesExistingOnes(VertxTestContext ctx) {
    check(ctx, () -> store.saveTaskDefs(List.of(taskDef("a", 1), taskDef("b", 1)))
        .compose(v -> store.saveTaskDefs(List.of(taskDef("b", 7), taskDef("c", 1))))
        .compose(v -> store.getTaskDef("b"))
        .compose(b -> {
          assertEquals(7, b.retryCount);
          return store.listTaskDefs();
        })
        .map(all -> {
          assertEquals(List.of("a", "b", "c"), taskDefNames(all));
          return null;
        }));
  }

  @Test
  void saveOfNoTaskDefsChangesNothing(VertxTestContext ctx) {
    check(ctx, () -> store.saveTaskDefs(List.of())
        .compose(v -> store.listTaskDefs())
        .map(all -> {
          assertEquals(List.of(), all);
          return null;
        }));
  }

  @Test
  void missingTaskDefReadsAsNull(VertxTestContext ctx) {
    check(ctx, () -> store.getTaskDef("nope")
        .map(read -> {
          assertNull(read);
          return null;
        }));
  }

  @Test
  void taskDefsAreListedByName(VertxTestContext ctx) {
    check(ctx, () -> store.saveTaskDefs(List.of(taskDef("zeta", 0), taskDef("alpha", 0), taskDef("mid", 0)))
        .compose(v -> store.listTaskDefs())
        .map(all -> {
          assertEquals(List.of("alpha", "mid", "zeta"), taskDefNames(all));
          return null;
        }));
  }

  @Test
  void deleteTaskDefReportsWhetherItExisted(VertxTestContext ctx) {
    check(ctx, () -> store.saveTaskDefs(List.of(taskDef("a", 0)))
        .compose(v -> store.deleteTaskDef("a"))
        .compose(deleted -> {
          assertTrue(deleted);
          return store.deleteTaskDef("a");
        })
        .compose(again -> {
          assertFalse(again);
          return store.getTaskDef("a");
        })
        .map(read -> {
          assertNull(read);
          return null;
        }));
  }

  @Test
  void createWorkflowDefRefusesAnExistingVersionAndKeepsIt(VertxTestContext ctx) {
    WorkflowDef original = workflowDef("flow", 1);
    WorkflowDef rival = workflowDef("flow", 1);
    rival.description = "rival";
    check(ctx, () -> store.createWorkflowDef(original)
        .compose(created -> {
          assertTrue(created);
          return store.createWorkflowDef(rival);
        })
        .compose(createdAgain -> {
          assertFalse(createdAgain);
          return store.getWorkflowDef("flow", 1);
        })
        .map(read -> {
          assertSameJson(original, read);
          return null;
        }));
  }

  @Test
  void saveWorkflowDefCreatesOrOverwritesAVersion(VertxTestContext ctx) {
    WorkflowDef changed = workflowDef("flow", 1);
    changed.description = "changed";
    check(ctx, () -> store.saveWorkflowDef(workflowDef("flow", 1))
        .compose(v -> store.saveWorkflowDef(changed))
        .compose(v -> store.getWorkflowDef("flow", 1))
        .compose(read -> {
          assertSameJson(changed, read);
          return store.listWorkflowDefs();
        })
        .map(all -> {
          assertEquals(List.of("flow:1"), workflowDefKeys(all));
          return null;
        }));
  }

  @Test
  void workflowDefWithoutVersionIsTheNumericallyLatest(VertxTestContext ctx) {
    check(ctx, () -> store.saveWorkflowDef(workflowDef("flow", 2))
        .compose(v -> store.saveWorkflowDef(workflowDef("flow", 10)))
        .compose(v -> store.saveWorkflowDef(workflowDef("flow", 1)))
        .compose(v -> store.saveWorkflowDef(workflowDef("other", 99)))
        .compose(v -> store.getWorkflowDef("flow", null))
        .compose(latest -> {
          assertEquals(10, latest.version);
          return store.getWorkflowDef("flow", 2);
        })
        .map(two -> {
          assertEquals(2, two.version);
          return null;
        }));
  }

  @Test
  void missingWorkflowDefReadsAsNull(VertxTestContext ctx) {
    check(ctx, () -> store.saveWorkflowDef(workflowDef("flow", 1))
        .compose(v -> Future.all(store.getWorkflowDef("nope", null), store.getWorkflowDef("nope", 1), store.getWorkflowDef("flow", 2)))
        .map(reads -> {
          assertNull(reads.resultAt(0));
          assertNull(reads.resultAt(1));
          assertNull(reads.resultAt(2));
          return null;
        }));
  }

  @Test
  void workflowDefsAreListedByNameThenVersion(VertxTestContext ctx) {
    check(ctx, () -> store.saveWorkflowDef(workflowDef("b", 10))
        .compose(v -> store.saveWorkflowDef(workflowDef("a", 3)))
        .compose(v -> store.saveWorkflowDef(workflowDef("b", 2)))
        .compose(v -> store.saveWorkflowDef(workflowDef("a", 1)))
        .compose(v -> store.listWorkflowDefs())
        .map(all -> {
          assertEquals(List.of("a:1", "a:3", "b:2", "b:10"), workflowDefKeys(all));
          return null;
        }));
  }

  @Test
  void deleteWorkflowDefRemovesOnlyThatVersion(VertxTestContext ctx) {
    check(ctx, () -> store.saveWorkflowDef(workflowDef("flow", 1))
        .compose(v -> store.saveWorkflowDef(workflowDef("flow", 2)))
        .compose(v -> store.deleteWorkflowDef("flow", 2))
        .compose(deleted -> {
          assertTrue(deleted);
          return store.deleteWorkflowDef("flow", 2);
        })
        .compose(again -> {
          assertFalse(again);
          return store.getWorkflowDef("flow", null);
        })
        .compose(latest -> {
          assertEquals(1, latest.version, "the latest falls back to the remaining version");
          return store.deleteWorkflowDef("nope", 1);
        })
        .map(unknown -> {
          assertFalse(unknown);
          return null;
        }));
  }

  @Test
  void readsAreCopiesThatShareNothingWithTheStore(VertxTestContext ctx) {
    TaskDef task = taskDef("t", 1);
    WorkflowDef flow = workflowDef("flow", 1);
    check(ctx, () -> store.saveTaskDefs(List.of(task))
        .compose(v -> store.saveWorkflowDef(flow))
        // Changing what was saved, or what was read, must not change what is stored.
        .compose(v -> {
          task.retryCount = 99;
          flow.tasks.clear();
          return Future.all(store.getTaskDef("t"), store.getWorkflowDef("flow", 1));
        })
        .compose(first -> {
          TaskDef t = first.resultAt(0);
          WorkflowDef w = first.resultAt(1);
          assertEquals(1, t.retryCount);
          assertEquals(1, w.tasks.size());
          t.retryCount = 42;
          w.tasks.clear();
          return Future.all(store.getTaskDef("t"), store.getWorkflowDef("flow", 1))
              .map(second -> {
                assertNotSame(t, second.resultAt(0));
                return second;
              });
        })
        .map(second -> {
          assertEquals(1, second.<TaskDef>resultAt(0).retryCount);
          assertEquals(1, second.<WorkflowDef>resultAt(1).tasks.size());
          return null;
        }));
  }
}
