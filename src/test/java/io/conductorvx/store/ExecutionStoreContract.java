package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.Json;
import io.conductorvx.model.PollData;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviour every {@link ExecutionStore} must show; subclasses open and clean up a backend. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class ExecutionStoreContract {
  protected Vertx vertx;
  protected ExecutionStore store;

  protected abstract Future<ExecutionStore> open(Vertx vertx);

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

  static Workflow workflow(String id, String name, int version, WorkflowStatus status, String correlationId, long createTime) {
    WorkflowDef def = new WorkflowDef();
    def.name = name;
    def.version = version;
    Workflow wf = new Workflow();
    wf.workflowId = id;
    wf.workflowDefinition = def;
    wf.status = status;
    wf.correlationId = correlationId;
    wf.createTime = createTime;
    wf.updateTime = createTime;
    wf.input.put("n", 1);
    return wf;
  }

  static Workflow running(String id) {
    return workflow(id, "flow", 1, WorkflowStatus.RUNNING, null, 1_000);
  }

  static Task task(Workflow wf, String taskId, int seq) {
    Task t = new Task();
    t.taskId = taskId;
    t.workflowInstanceId = wf.workflowId;
    t.taskType = "encode";
    t.taskDefName = "encode";
    t.referenceTaskName = "ref_" + seq;
    t.status = TaskStatus.SCHEDULED;
    t.seq = seq;
    t.inputData.put("seq", seq);
    return t;
  }

  private static List<String> taskIds(Workflow wf) {
    return wf.tasks.stream().map(t -> t.taskId).toList();
  }

  private static List<String> workflowIds(List<Workflow> wfs) {
    return wfs.stream().map(w -> w.workflowId).toList();
  }

  private static Object parsed(byte[] json) {
    return Json.fromBytes(json, Object.class);
  }

  /** Equal as the API would show them: the same JSON. */
  private static void assertSameJson(Object expected, Object actual) {
    assertEquals(Json.tree(expected), Json.tree(actual));
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void savedWorkflowIsReadBackWithItsTasksInSeqOrder(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    wf.output.put("result", Map.of("nested", List.of(1, "two", 3.5)));
    wf.taskToDomain.put("*", "blue");
    wf.setUnknownField("fromNewerClient", "kept");
    Task third = task(wf, "t3", 3);
    Task first = task(wf, "t1", 1);
    Task second = task(wf, "t2", 2);
    wf.tasks.addAll(List.of(first, second, third));
    check(ctx, () -> store.save(wf, List.of(third, first, second), List.of())
        .compose(v -> store.getWorkflow("wf1", true))
        .map(read -> {
          assertEquals(List.of("t1", "t2", "t3"), taskIds(read));
          assertSameJson(wf, read);
          assertEquals("kept", read.unknownFields().get("fromNewerClient"));
          return null;
        }));
  }

  @Test
  void textOutsideAsciiReadsBackAsWritten(VertxTestContext ctx) {
    String text = "caf\u00e9 \u20ac \u6f22\u5b57 \ud83d\ude80 \"quoted\" \\ tab\t nul\u0000";
    Workflow wf = running("wf1");
    wf.input.put("text", text);
    wf.output.put("text", text);
    Task t = task(wf, "t1", 1);
    t.inputData.put("text", text);
    wf.tasks.add(t);
    check(ctx, () -> store.save(wf, List.of(t), List.of())
        .compose(v -> {
          wf.output.put("again", text); // a later save writes the rest alone
          return store.save(wf, List.of(t), List.of());
        })
        .compose(v -> store.getWorkflow("wf1", true))
        .map(read -> {
          assertEquals(text, read.input.get("text"));
          assertEquals(text, read.output.get("text"));
          assertEquals(text, read.output.get("again"));
          assertEquals(text, read.tasks.get(0).inputData.get("text"));
          return null;
        }));
  }

  @Test
  void savingOnlyTasksWritesThemAndLeavesTheWorkflowAsStored(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    wf.updateTime = 1_000;
    Task t = task(wf, "t1", 1);
    wf.tasks.add(t);
    check(ctx, () -> store.save(wf, List.of(t), List.of())
        .compose(v -> {
          t.status = TaskStatus.IN_PROGRESS;
          t.workerId = "worker-1";
          return store.saveTasks(wf, List.of(t), null);
        })
        .compose(v -> store.getWorkflow("wf1", true))
        .map(read -> {
          assertEquals(1_000, read.updateTime);
          assertEquals(TaskStatus.IN_PROGRESS, read.tasks.get(0).status);
          assertEquals("worker-1", read.tasks.get(0).workerId);
          return null;
        }));
  }

  @Test
  void savingOnlyTasksOfARemovedWorkflowAnswersNotFound(VertxTestContext ctx) {
    Workflow wf = running("gone");
    Task t = task(wf, "t1", 1);
    store.save(wf, List.of(t), List.of())
        .compose(v -> store.removeWorkflow("gone"))
        .compose(removed -> store.saveTasks(wf, List.of(t), null))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(404, ((io.conductorvx.error.ConductorException) err).status());
          ctx.completeNow();
        })));
  }

  @Test
  void workflowReadWithoutTasksHasAnEmptyTaskList(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Task t = task(wf, "t1", 1);
    check(ctx, () -> store.save(wf, List.of(t), List.of())
        .compose(v -> store.getWorkflow("wf1", false))
        .map(read -> {
          assertEquals("wf1", read.workflowId);
          assertEquals(List.of(), read.tasks);
          return null;
        }));
  }

  @Test
  void saveWritesOnlyTheGivenTasksNotTheWorkflowTaskList(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Task saved = task(wf, "saved", 1);
    Task notSaved = task(wf, "not-saved", 2);
    wf.tasks.addAll(List.of(saved, notSaved));
    check(ctx, () -> store.save(wf, List.of(saved), List.of())
        .compose(v -> {
          assertEquals(List.of("saved", "not-saved"), taskIds(wf), "the caller's task list is left as it was");
          return store.getWorkflow("wf1", true);
        })
        .compose(read -> {
          assertEquals(List.of("saved"), taskIds(read));
          return store.getTask("not-saved");
        })
        .map(missing -> {
          assertNull(missing);
          return null;
        }));
  }

  @Test
  void saveUpdatesChangedTasksAndKeepsUntouchedOnes(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Task a = task(wf, "a", 1);
    Task b = task(wf, "b", 2);
    check(ctx, () -> store.save(wf, List.of(a, b), List.of())
        .compose(v -> {
          a.status = TaskStatus.COMPLETED;
          a.outputData.put("done", true);
          wf.updateTime = 2_000;
          return store.save(wf, List.of(a), List.of());
        })
        .compose(v -> store.getWorkflow("wf1", true))
        .compose(read -> {
          assertEquals(List.of("a", "b"), taskIds(read));
          assertEquals(TaskStatus.COMPLETED, read.tasks.get(0).status);
          assertEquals(TaskStatus.SCHEDULED, read.tasks.get(1).status);
          assertEquals(2_000, read.updateTime);
          return store.getTask("a");
        })
        .map(readA -> {
          assertSameJson(a, readA);
          return null;
        }));
  }

  @Test
  void inputAndDefinitionSurviveLaterSavesAndAreReplacedWithNewOnes(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    wf.input.put("items", List.of(1, 2, 3));
    check(ctx, () -> store.save(wf, List.of(), List.of())
        .compose(v -> {
          wf.status = WorkflowStatus.PAUSED; // a later save of the same workflow, input and definition unchanged
          return store.save(wf, List.of(), List.of());
        })
        .compose(v -> store.getWorkflow("wf1", false))
        .compose(read -> {
          assertEquals(WorkflowStatus.PAUSED, read.status);
          assertEquals(Map.of("n", 1, "items", List.of(1, 2, 3)), read.input);
          assertEquals("flow", read.workflowDefinition.name);
          // a rerun with new input and the latest definition: new objects
          wf.input = new java.util.LinkedHashMap<>(Map.of("n", 2));
          WorkflowDef latest = new WorkflowDef();
          latest.name = "flow";
          latest.version = 2;
          wf.workflowDefinition = latest;
          return store.save(wf, List.of(), List.of());
        })
        .compose(v -> store.getWorkflow("wf1", false))
        .map(read -> {
          assertEquals(Map.of("n", 2), read.input);
          assertEquals(2, read.workflowDefinition.version);
          return null;
        }));
  }

  @Test
  void workflowsOfOneNameAndVersionEachKeepTheirOwnDefinition(VertxTestContext ctx) {
    Workflow plain = running("wf1");
    Workflow same = running("wf2");
    Workflow inline = running("wf3"); // started with a definition of its own under the same name and version
    inline.workflowDefinition.description = "inline";
    Workflow later = running("wf4");
    check(ctx, () -> store.save(plain, List.of(), List.of())
        .compose(v -> store.save(same, List.of(), List.of()))
        .compose(v -> store.save(inline, List.of(), List.of()))
        .compose(v -> store.save(later, List.of(), List.of()))
        .compose(v -> Future.all(store.getWorkflow("wf1", false), store.getWorkflow("wf2", false),
            store.getWorkflow("wf3", false), store.getWorkflow("wf4", false)))
        .map(all -> {
          assertNull(((Workflow) all.resultAt(0)).workflowDefinition.description);
          assertNull(((Workflow) all.resultAt(1)).workflowDefinition.description);
          assertEquals("inline", ((Workflow) all.resultAt(2)).workflowDefinition.description);
          assertNull(((Workflow) all.resultAt(3)).workflowDefinition.description);
          return null;
        }));
  }

  @Test
  void storedTaskReadsBackWithTheTaskDefinitionOfItsWorkflowTask(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Task t = task(wf, "t1", 1);
    t.workflowTask = new WorkflowTask();
    t.workflowTask.name = "encode";
    t.workflowTask.taskReferenceName = "ref_1";
    t.workflowTask.taskDefinition = new TaskDef();
    t.workflowTask.taskDefinition.name = "encode";
    t.workflowTask.taskDefinition.retryCount = 7;
    check(ctx, () -> store.save(wf, List.of(t), List.of())
        .compose(v -> store.getTask("t1"))
        .map(read -> {
          assertEquals(7, read.taskDefinition().retryCount);
          assertSameJson(t, read);
          assertTrue(read.unknownFields().isEmpty(), "computed fields are not read back as unknown ones");
          return null;
        }));
  }

  @Test
  void manySavesMadeAtOnceOnOneEventLoopAreAllStored(VertxTestContext ctx) {
    int count = 40;
    List<Workflow> wfs = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      wfs.add(running("wf" + i));
    }
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    // issued together from one event loop, as a decider partition issues them
    vertx.getOrCreateContext().runOnContext(v -> Future.all(wfs.stream()
            .map(wf -> store.save(wf, List.of(task(wf, wf.workflowId + "-t", 1)), List.of())).toList())
        .compose(saved -> {
          for (Workflow wf : wfs) {
            wf.status = WorkflowStatus.COMPLETED;
          }
          return Future.all(wfs.stream().map(wf -> store.save(wf, List.of(), List.of())).toList());
        })
        .<Void>mapEmpty()
        .onComplete(done));
    check(ctx, () -> done.future()
        .compose(v -> Future.all(wfs.stream().map(wf -> store.getWorkflow(wf.workflowId, true)).toList()))
        .map(all -> {
          for (int i = 0; i < count; i++) {
            Workflow read = all.resultAt(i);
            assertEquals(WorkflowStatus.COMPLETED, read.status);
            assertEquals(List.of("wf" + i + "-t"), taskIds(read));
          }
          return null;
        }));
  }

  @Test
  void saveDeletesRemovedTasksAndTheirLogs(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Task keep = task(wf, "keep", 1);
    Task drop = task(wf, "drop", 2);
    check(ctx, () -> store.save(wf, List.of(keep, drop), List.of())
        .compose(v -> store.addTaskLogs(List.of(new TaskExecLog("bye", "drop", 5), new TaskExecLog("stay", "keep", 6))))
        .compose(v -> store.save(wf, List.of(), List.of("drop")))
        .compose(v -> Future.all(store.getWorkflow("wf1", true), store.getTask("drop"), store.getTaskLogs("drop"), store.getTaskLogs("keep")))
        .map(reads -> {
          assertEquals(List.of("keep"), taskIds(reads.resultAt(0)));
          assertNull(reads.resultAt(1));
          assertEquals(List.of(), reads.resultAt(2));
          assertEquals(List.of(new TaskExecLog("stay", "keep", 6)), reads.resultAt(3));
          return null;
        }));
  }

  @Test
  void workflowJsonIsTheWorkflowWithoutTasksRunningOrFinished(VertxTestContext ctx) {
    Workflow running = running("wf1");
    running.output.put("result", Map.of("nested", List.of(1, "two", 3.5)));
    running.setUnknownField("fromNewerClient", "kept");
    Task t1 = task(running, "t1", 1);
    Workflow finished = workflow("wf2", "flow", 1, WorkflowStatus.COMPLETED, "c2", 2_000);
    Task t2 = task(finished, "t2", 1);
    t2.status = TaskStatus.COMPLETED;
    check(ctx, () -> store.save(running, List.of(t1), List.of())
        .compose(v -> store.save(finished, List.of(t2), List.of()))
        .compose(v -> Future.all(store.getWorkflowJson("wf1"), store.getWorkflow("wf1", false),
            store.getWorkflowJson("wf2"), store.getWorkflow("wf2", false), store.getWorkflowJson("nope")))
        .map(reads -> {
          assertEquals(parsed(Json.toBytes(reads.<Workflow>resultAt(1))), parsed(reads.<byte[]>resultAt(0)));
          assertEquals(parsed(Json.toBytes(reads.<Workflow>resultAt(3))), parsed(reads.<byte[]>resultAt(2)));
          assertEquals(List.of(), Json.fromBytes(reads.<byte[]>resultAt(2), Map.class).get("tasks"));
          assertNull(reads.resultAt(4));
          return null;
        }));
  }

  @Test
  void missingWorkflowAndTaskReadAsNull(VertxTestContext ctx) {
    check(ctx, () -> Future.all(store.getWorkflow("nope", true), store.getWorkflow("nope", false), store.getTask("nope"))
        .map(reads -> {
          assertNull(reads.resultAt(0));
          assertNull(reads.resultAt(1));
          assertNull(reads.resultAt(2));
          return null;
        }));
  }

  @Test
  void readsAreCopiesThatShareNothingWithTheStore(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Task t = task(wf, "t1", 1);
    check(ctx, () -> store.save(wf, List.of(t), List.of())
        // Changing the saved objects after save must not change what is stored...
        .compose(v -> {
          wf.status = WorkflowStatus.FAILED;
          t.status = TaskStatus.FAILED;
          t.inputData.put("changed", true);
          return store.getWorkflow("wf1", true);
        })
        // ...nor may changing what a read returned.
        .compose(read -> {
          assertEquals(WorkflowStatus.RUNNING, read.status);
          assertEquals(TaskStatus.SCHEDULED, read.tasks.get(0).status);
          read.status = WorkflowStatus.TERMINATED;
          read.tasks.get(0).inputData.clear();
          read.tasks.clear();
          return Future.all(store.getWorkflow("wf1", true), store.getTask("t1"));
        })
        .compose(again -> {
          Workflow w = again.resultAt(0);
          Task task = again.resultAt(1);
          assertEquals(WorkflowStatus.RUNNING, w.status);
          assertEquals(List.of("t1"), taskIds(w));
          assertEquals(Map.of("seq", 1), w.tasks.get(0).inputData);
          task.status = TaskStatus.COMPLETED;
          return store.getTask("t1");
        })
        .map(task -> {
          assertEquals(TaskStatus.SCHEDULED, task.status);
          return null;
        }));
  }

  @Test
  void removeWorkflowDeletesItsTasksAndLogsAndReportsWhetherItExisted(VertxTestContext ctx) {
    Workflow wf = running("wf1");
    Workflow other = running("wf2");
    check(ctx, () -> store.save(wf, List.of(task(wf, "t1", 1)), List.of())
        .compose(v -> store.save(other, List.of(task(other, "o1", 1)), List.of()))
        .compose(v -> store.addTaskLogs(List.of(new TaskExecLog("log", "t1", 1), new TaskExecLog("other", "o1", 1))))
        .compose(v -> store.removeWorkflow("wf1"))
        .compose(removed -> {
          assertTrue(removed);
          return store.removeWorkflow("wf1");
        })
        .compose(again -> {
          assertFalse(again);
          return Future.all(store.getWorkflow("wf1", true), store.getTask("t1"), store.getTaskLogs("t1"),
              store.getTask("o1"), store.getTaskLogs("o1"));
        })
        .map(reads -> {
          assertNull(reads.resultAt(0));
          assertNull(reads.resultAt(1));
          assertEquals(List.of(), reads.resultAt(2));
          assertEquals("o1", reads.<Task>resultAt(3).taskId, "other workflows are untouched");
          assertEquals(1, reads.<List<TaskExecLog>>resultAt(4).size());
          return null;
        }));
  }

  @Test
  void runningWorkflowIdsMatchNameVersionAndRunningStatus(VertxTestContext ctx) {
    check(ctx, () -> store.save(workflow("r1", "flow", 1, WorkflowStatus.RUNNING, null, 1), List.of(), List.of())
        .compose(v -> store.save(workflow("r2", "flow", 1, WorkflowStatus.RUNNING, null, 2), List.of(), List.of()))
        .compose(v -> store.save(workflow("paused", "flow", 1, WorkflowStatus.PAUSED, null, 3), List.of(), List.of()))
        .compose(v -> store.save(workflow("done", "flow", 1, WorkflowStatus.COMPLETED, null, 4), List.of(), List.of()))
        .compose(v -> store.save(workflow("v2", "flow", 2, WorkflowStatus.RUNNING, null, 5), List.of(), List.of()))
        .compose(v -> store.save(workflow("x", "other", 1, WorkflowStatus.RUNNING, null, 6), List.of(), List.of()))
        .compose(v -> store.runningWorkflowIds("flow", 1))
        .compose(ids -> {
          assertEquals(Set.of("r1", "r2"), new HashSet<>(ids));
          // A status change is seen by the lookup.
          return store.save(workflow("r1", "flow", 1, WorkflowStatus.COMPLETED, null, 1), List.of(), List.of());
        })
        .compose(v -> store.runningWorkflowIds("flow", 1))
        .map(ids -> {
          assertEquals(List.of("r2"), ids);
          return null;
        }));
  }

  @Test
  void searchFiltersByClausesAndFreeTextAndPagesInSortOrder(VertxTestContext ctx) {
    Workflow child = workflow("s4", "order", 1, WorkflowStatus.RUNNING, "c-2", 40);
    child.parentWorkflowId = "s1";
    Workflow tagged = workflow("s3", "order", 1, WorkflowStatus.FAILED, "c-1", 30);
    tagged.input.put("customer", "Acme Corp");
    check(ctx, () -> store.save(workflow("s1", "order", 1, WorkflowStatus.COMPLETED, "c-1", 10), List.of(), List.of())
        .compose(v -> store.save(workflow("s2", "order", 2, WorkflowStatus.FAILED, "c-2", 20), List.of(), List.of()))
        .compose(v -> store.save(tagged, List.of(), List.of()))
        .compose(v -> store.save(child, List.of(), List.of()))
        .compose(v -> store.save(workflow("x1", "other", 1, WorkflowStatus.FAILED, "c-1", 50), List.of(), List.of()))
        .compose(v -> store.searchWorkflows(SearchQuery.parse(
            "workflowType = \"order\" AND status IN (FAILED,TIMED_OUT)", "*", 0, 10, "startTime:DESC")))
        .compose(found -> {
          assertEquals(2, found.totalHits());
          assertEquals(List.of("s3", "s2"), found.results().stream().map(w -> w.workflowId).toList());
          assertTrue(found.results().get(0).tasks.isEmpty(), "search hits carry no tasks");
          return store.searchWorkflows(SearchQuery.parse("workflowType = order AND startTime > 10", "*", 1, 2, "startTime:ASC"));
        })
        .compose(page -> {
          assertEquals(3, page.totalHits(), "the total counts every match, not just the page");
          assertEquals(List.of("s3", "s4"), page.results().stream().map(w -> w.workflowId).toList());
          return store.searchWorkflows(SearchQuery.parse("parentWorkflowId = \"\" AND correlationId = 'c-*'", "acme", 0, 10, null));
        })
        .map(text -> {
          assertEquals(List.of("s3"), text.results().stream().map(w -> w.workflowId).toList());
          return null;
        }));
  }

  @Test
  void taskSearchFiltersByClausesAndFreeTextAndPagesInSortOrder(VertxTestContext ctx) {
    Workflow first = workflow("w1", "order", 1, WorkflowStatus.RUNNING, "c-1", 10);
    Workflow second = workflow("w2", "invoice", 1, WorkflowStatus.RUNNING, "c-2", 20);
    Task charge = searchable(first, "t1", 1, "charge", TaskStatus.COMPLETED, 100);
    Task ship = searchable(first, "t2", 2, "ship", TaskStatus.IN_PROGRESS, 200);
    Task chargeAgain = searchable(second, "t3", 1, "charge", TaskStatus.FAILED, 300);
    chargeAgain.reasonForIncompletion = "card declined";
    Task chargeLast = searchable(second, "t4", 2, "charge", TaskStatus.SCHEDULED, 400);
    check(ctx, () -> store.save(first, List.of(charge, ship), List.of())
        .compose(v -> store.save(second, List.of(chargeAgain, chargeLast), List.of()))
        .compose(v -> store.searchTasks(SearchQuery.parse("taskType = charge AND status IN (COMPLETED,FAILED)", "*", 0, 10, "scheduledTime:DESC")))
        .compose(found -> {
          assertEquals(2, found.totalHits());
          assertEquals(List.of("t3", "t1"), found.results().stream().map(t -> t.taskId).toList());
          return store.searchTasks(SearchQuery.parse("taskDefName = charge AND scheduledTime > 100", "*", 1, 1, "scheduledTime:ASC"));
        })
        .compose(page -> {
          assertEquals(2, page.totalHits(), "the total counts every match, not just the page");
          assertEquals(List.of("t4"), page.results().stream().map(t -> t.taskId).toList());
          return store.searchTasks(SearchQuery.parse("workflowType = invoice", "declined", 0, 10, null));
        })
        .compose(text -> {
          assertEquals(List.of("t3"), text.results().stream().map(t -> t.taskId).toList());
          return store.searchTasks(SearchQuery.parse("workflowId = w1 AND correlationId = 'c-*'", "*", 0, 10, "scheduledTime:ASC"));
        })
        .map(byWorkflow -> {
          assertEquals(List.of("t1", "t2"), byWorkflow.results().stream().map(t -> t.taskId).toList());
          assertEquals(TaskStatus.IN_PROGRESS, byWorkflow.results().get(1).status);
          return null;
        }));
  }

  @Test
  void searchByTasksAnswersTheWorkflowsOwningAMatchingTaskOnce(VertxTestContext ctx) {
    Workflow first = workflow("w1", "order", 1, WorkflowStatus.RUNNING, "c-1", 10);
    Workflow second = workflow("w2", "invoice", 1, WorkflowStatus.RUNNING, "c-2", 20);
    Workflow third = workflow("w3", "order", 1, WorkflowStatus.RUNNING, "c-3", 30);
    Task failedTwice = searchable(first, "t1", 1, "charge", TaskStatus.FAILED, 100);
    Task failedAgain = searchable(first, "t2", 2, "charge", TaskStatus.FAILED, 200);
    failedAgain.reasonForIncompletion = "card declined";
    Task failedElsewhere = searchable(second, "t3", 1, "charge", TaskStatus.FAILED, 300);
    Task fine = searchable(third, "t4", 1, "charge", TaskStatus.COMPLETED, 400);
    check(ctx, () -> store.save(first, List.of(failedTwice, failedAgain), List.of())
        .compose(v -> store.save(second, List.of(failedElsewhere), List.of()))
        .compose(v -> store.save(third, List.of(fine), List.of()))
        .compose(v -> store.searchWorkflowsByTasks(SearchQuery.parse("taskType = charge AND status = FAILED", "*", 0, 10, "startTime:DESC")))
        .compose(found -> {
          assertEquals(2, found.totalHits(), "each workflow once, however many of its tasks match");
          assertEquals(List.of("w2", "w1"), workflowIds(found.results()));
          return store.searchWorkflowsByTasks(SearchQuery.parse("taskType = charge", "declined", 0, 10, null));
        })
        .map(text -> {
          assertEquals(List.of("w1"), workflowIds(text.results()));
          return null;
        }));
  }

  private static Task searchable(Workflow wf, String taskId, int seq, String type, TaskStatus status, long scheduledTime) {
    Task t = task(wf, taskId, seq);
    t.taskType = type;
    t.taskDefName = type;
    t.status = status;
    t.workflowType = wf.workflowDefinition.name;
    t.correlationId = wf.correlationId;
    t.scheduledTime = scheduledTime;
    return t;
  }

  @Test
  void workflowIdsCreatedBetweenIncludeBothBounds(VertxTestContext ctx) {
    check(ctx, () -> store.save(workflow("before", "flow", 1, WorkflowStatus.RUNNING, null, 99), List.of(), List.of())
        .compose(v -> store.save(workflow("start", "flow", 1, WorkflowStatus.COMPLETED, null, 100), List.of(), List.of()))
        .compose(v -> store.save(workflow("inside", "flow", 1, WorkflowStatus.FAILED, null, 150), List.of(), List.of()))
        .compose(v -> store.save(workflow("end", "flow", 1, WorkflowStatus.RUNNING, null, 200), List.of(), List.of()))
        .compose(v -> store.save(workflow("after", "flow", 1, WorkflowStatus.RUNNING, null, 201), List.of(), List.of()))
        .compose(v -> store.save(workflow("v2", "flow", 2, WorkflowStatus.RUNNING, null, 150), List.of(), List.of()))
        .compose(v -> store.workflowIdsCreatedBetween("flow", 1, 100, 200))
        .map(ids -> {
          assertEquals(Set.of("start", "inside", "end"), new HashSet<>(ids));
          return null;
        }));
  }

  @Test
  void workflowsByCorrelationIdAreOldestFirstAndHonourTheFlags(VertxTestContext ctx) {
    Workflow newer = workflow("newer", "flow", 1, WorkflowStatus.RUNNING, "order-7", 300);
    Workflow older = workflow("older", "flow", 2, WorkflowStatus.PAUSED, "order-7", 100);
    Workflow closed = workflow("closed", "flow", 1, WorkflowStatus.COMPLETED, "order-7", 200);
    Workflow otherName = workflow("other-name", "other", 1, WorkflowStatus.RUNNING, "order-7", 50);
    Workflow otherId = workflow("other-id", "flow", 1, WorkflowStatus.RUNNING, "order-8", 60);
    check(ctx, () -> store.save(newer, List.of(task(newer, "n1", 1)), List.of())
        .compose(v -> store.save(older, List.of(), List.of()))
        .compose(v -> store.save(closed, List.of(task(closed, "c1", 1)), List.of()))
        .compose(v -> store.save(otherName, List.of(), List.of()))
        .compose(v -> store.save(otherId, List.of(), List.of()))
        .compose(v -> Future.all(
            store.workflowsByCorrelationId("flow", "order-7", true, false),
            store.workflowsByCorrelationId("flow", "order-7", false, false),
            store.workflowsByCorrelationId("flow", "order-7", true, true),
            store.workflowsByCorrelationId("flow", "nobody", true, true)))
        .map(reads -> {
          List<Workflow> all = reads.resultAt(0);
          List<Workflow> open = reads.resultAt(1);
          List<Workflow> withTasks = reads.resultAt(2);
          assertEquals(List.of("older", "closed", "newer"), workflowIds(all));
          assertTrue(all.stream().allMatch(w -> w.tasks.isEmpty()), "no tasks unless asked for");
          assertEquals(List.of("older", "newer"), workflowIds(open));
          assertEquals(List.of(List.of(), List.of("c1"), List.of("n1")), withTasks.stream().map(ExecutionStoreContract::taskIds).toList());
          assertEquals(List.of(), reads.resultAt(3));
          return null;
        }));
  }

  @Test
  void activeWorkflowIdsAreTheRunningAndPausedOnes(VertxTestContext ctx) {
    Future<Void> saves = Future.succeededFuture();
    for (WorkflowStatus status : WorkflowStatus.values()) {
      Workflow wf = workflow("wf-" + status, "flow", 1, status, null, 1);
      saves = saves.compose(v -> store.save(wf, List.of(), List.of()));
    }
    Future<Void> all = saves;
    check(ctx, () -> all
        .compose(v -> store.activeWorkflowIds())
        .map(ids -> {
          assertEquals(Set.of("wf-RUNNING", "wf-PAUSED"), new HashSet<>(ids));
          return null;
        }));
  }

  @Test
  void taskLogsAreAppendedInOrder(VertxTestContext ctx) {
    check(ctx, () -> store.addTaskLogs(List.of(new TaskExecLog("one", "t1", 10), new TaskExecLog("two", "t1", 5)))
        .compose(v -> store.addTaskLogs(List.of(new TaskExecLog("elsewhere", "t2", 1))))
        .compose(v -> store.addTaskLogs(List.of(new TaskExecLog("three", "t1", 7))))
        .compose(v -> store.addTaskLogs(List.of()))
        .compose(v -> Future.all(store.getTaskLogs("t1"), store.getTaskLogs("unknown")))
        .map(reads -> {
          assertEquals(List.of(new TaskExecLog("one", "t1", 10), new TaskExecLog("two", "t1", 5), new TaskExecLog("three", "t1", 7)),
              reads.resultAt(0));
          assertEquals(List.of(), reads.resultAt(1));
          return null;
        }));
  }

  @Test
  void pollDataIsKeptPerTaskTypeAndDomainAndOverwritten(VertxTestContext ctx) {
    check(ctx, () -> store.savePollData(new PollData("encode", null, "w1", 100))
        .compose(v -> store.savePollData(new PollData("encode", "blue", "w2", 200)))
        .compose(v -> store.savePollData(new PollData("decode", null, "w3", 300)))
        .compose(v -> store.savePollData(new PollData("encode", null, "w4", 400)))
        .compose(v -> Future.all(store.getPollData("encode"), store.getPollData("unknown"), store.getAllPollData()))
        .map(reads -> {
          assertEquals(Set.of(new PollData("encode", null, "w4", 400), new PollData("encode", "blue", "w2", 200)),
              new HashSet<>(reads.<List<PollData>>resultAt(0)));
          assertEquals(List.of(), reads.resultAt(1));
          assertEquals(Set.of(new PollData("encode", null, "w4", 400), new PollData("encode", "blue", "w2", 200),
              new PollData("decode", null, "w3", 300)), new HashSet<>(reads.<List<PollData>>resultAt(2)));
          return null;
        }));
  }

  // ---- retention ------------------------------------------------------------------------------

  private static Workflow ended(String id, String name, WorkflowStatus status, long endTime) {
    Workflow wf = workflow(id, name, 1, status, null, 1_000);
    wf.endTime = endTime;
    wf.updateTime = endTime;
    return wf;
  }

  private static List<String> ids(List<ExecutionStore.Execution> executions) {
    return executions.stream().map(ExecutionStore.Execution::workflowId).toList();
  }

  private Future<Void> saveAll(Workflow... wfs) {
    Future<Void> chain = Future.succeededFuture();
    for (Workflow wf : wfs) {
      chain = chain.compose(v -> store.save(wf, List.of(task(wf, wf.workflowId + "-t", 1)), List.of()));
    }
    return chain;
  }

  @Test
  void finishedBeforeListsFinishedWorkflowsOldestFirstAndNeverRunningOrPausedOnes(VertxTestContext ctx) {
    Workflow running = running("running");
    Workflow paused = workflow("paused", "flow", 1, WorkflowStatus.PAUSED, null, 1_000);
    Workflow completed = ended("completed", "flow", WorkflowStatus.COMPLETED, 5_000);
    Workflow failed = ended("failed", "flow", WorkflowStatus.FAILED, 3_000);
    Workflow terminated = ended("terminated", "other", WorkflowStatus.TERMINATED, 4_000);
    Workflow timedOut = ended("timed-out", "other", WorkflowStatus.TIMED_OUT, 2_000);
    Workflow recent = ended("recent", "flow", WorkflowStatus.COMPLETED, 9_000);
    check(ctx, () -> saveAll(running, paused, completed, failed, terminated, timedOut, recent)
        .compose(v -> store.finishedBefore(6_000, List.of(), true, null, 100))
        .compose(all -> {
          assertEquals(List.of("timed-out", "failed", "terminated", "completed"), ids(all));
          assertEquals(2_000, all.get(0).endTime());
          assertEquals(WorkflowStatus.TIMED_OUT, all.get(0).status());
          assertEquals("other", all.get(0).name());
          return store.finishedBefore(6_000, List.of("flow"), false, null, 100);
        })
        .compose(flow -> {
          assertEquals(List.of("failed", "completed"), ids(flow));
          return store.finishedBefore(6_000, List.of("flow"), true, null, 100);
        })
        .compose(notFlow -> {
          assertEquals(List.of("timed-out", "terminated"), ids(notFlow));
          return store.finishedBefore(Long.MAX_VALUE, List.of(), true, null, 2);
        })
        .compose(firstTwo -> {
          assertEquals(List.of("timed-out", "failed"), ids(firstTwo));
          return store.finishedBefore(Long.MAX_VALUE, List.of(), true, firstTwo.get(1), 2);
        })
        .compose(nextTwo -> {
          assertEquals(List.of("terminated", "completed"), ids(nextTwo), "after the cursor");
          return store.finishedCount();
        })
        .compose(count -> {
          assertTrue(count == -1 || count == 5, "finished count, when the store keeps one: " + count);
          return store.execution("failed");
        })
        .compose(one -> {
          assertEquals(new ExecutionStore.Execution("failed", "flow", WorkflowStatus.FAILED, 3_000), one);
          return store.execution("running");
        })
        .compose(active -> {
          assertEquals(new ExecutionStore.Execution("running", "flow", WorkflowStatus.RUNNING, 0), active);
          return store.execution("missing");
        })
        .map(missing -> {
          assertNull(missing);
          return null;
        }));
  }

  @Test
  void aReopenedOrRemovedWorkflowIsNoLongerFinished(VertxTestContext ctx) {
    Workflow reopened = ended("reopened", "flow", WorkflowStatus.FAILED, 2_000);
    Workflow removed = ended("removed", "flow", WorkflowStatus.COMPLETED, 3_000);
    Workflow refinished = ended("refinished", "flow", WorkflowStatus.FAILED, 4_000);
    check(ctx, () -> saveAll(reopened, removed, refinished)
        .compose(v -> {
          reopened.status = WorkflowStatus.RUNNING;
          reopened.endTime = 0;
          return store.save(reopened, List.of(), List.of());
        })
        .compose(v -> store.removeWorkflow("removed"))
        .compose(v -> {
          refinished.status = WorkflowStatus.COMPLETED;
          refinished.endTime = 8_000;
          return store.save(refinished, List.of(), List.of());
        })
        .compose(v -> store.finishedBefore(Long.MAX_VALUE, List.of(), true, null, 100))
        .compose(all -> {
          assertEquals(List.of("refinished"), ids(all));
          assertEquals(8_000, all.get(0).endTime(), "its new end time");
          return store.finishedCount();
        })
        .map(count -> {
          assertTrue(count == -1 || count == 1, "finished count, when the store keeps one: " + count);
          return null;
        }));
  }

  @Test
  void subWorkflowsOfAStoredParentAreListedOnlyAsItsChildren(VertxTestContext ctx) {
    Workflow parent = ended("parent", "flow", WorkflowStatus.COMPLETED, 5_000);
    Workflow child = ended("child", "sub", WorkflowStatus.COMPLETED, 4_000);
    child.parentWorkflowId = "parent";
    Workflow runningChild = running("running-child");
    runningChild.parentWorkflowId = "parent";
    Workflow orphan = ended("orphan", "sub", WorkflowStatus.COMPLETED, 3_000);
    orphan.parentWorkflowId = "gone";
    check(ctx, () -> saveAll(parent, child, runningChild, orphan)
        .compose(v -> store.finishedBefore(Long.MAX_VALUE, List.of(), true, null, 100))
        .compose(all -> {
          assertEquals(List.of("orphan", "parent"), ids(all), "a child whose parent is gone stands alone");
          return store.childrenOf("parent");
        })
        .compose(children -> {
          assertEquals(Set.of("child", "running-child"), new HashSet<>(ids(children)));
          for (ExecutionStore.Execution c : children) {
            if (c.workflowId().equals("child")) {
              assertEquals(WorkflowStatus.COMPLETED, c.status());
              assertEquals(4_000, c.endTime());
            } else {
              assertEquals(WorkflowStatus.RUNNING, c.status());
            }
          }
          return store.removeWorkflow("parent");
        })
        .compose(v -> store.finishedBefore(Long.MAX_VALUE, List.of(), true, null, 100))
        .compose(all -> {
          assertEquals(List.of("orphan", "child"), ids(all), "once the parent is gone its finished child stands alone");
          return store.childrenOf("nobody");
        })
        .map(none -> {
          assertEquals(List.of(), none);
          return null;
        }));
  }
}
