package io.conductorvx.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.SearchResult;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.scheduler.ScheduleExecution.State;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviour every {@link ScheduleStore} must show; subclasses open and clean up a backend. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
abstract class ScheduleStoreContract {
  protected ScheduleStore store;

  protected abstract Future<ScheduleStore> open(Vertx vertx);

  protected Future<Void> cleanUp() {
    return Future.succeededFuture();
  }

  @BeforeEach
  void openStore(Vertx vertx, VertxTestContext ctx) {
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

  static WorkflowSchedule schedule(String name, String workflow) {
    WorkflowSchedule s = new WorkflowSchedule();
    s.name = name;
    s.cronExpression = "0 * * * * *";
    s.startWorkflowRequest = new StartWorkflowRequest();
    s.startWorkflowRequest.name = workflow;
    s.description = "about " + name;
    s.createTime = 1000L;
    s.updatedTime = 1000L;
    return s;
  }

  static StoredSchedule stored(String name, String workflow, long version, Long... slots) {
    return new StoredSchedule(schedule(name, workflow), Arrays.asList(slots), version);
  }

  static ScheduleExecution run(String id, String schedule, String workflow, long slot, State state) {
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = workflow;
    request.input.put("_scheduledTime", slot);
    return new ScheduleExecution(id, schedule, slot, slot + 5, workflow, state == State.EXECUTED ? "wf-" + id : null,
        state == State.FAILED ? "it failed" : null, null, request, state, "UTC");
  }

  private Future<Void> seed(StoredSchedule... all) {
    Future<Void> chain = Future.succeededFuture();
    for (StoredSchedule s : all) {
      chain = chain.compose(v -> store.write(s, s.version() - 1).map(ok -> {
        assertTrue(ok, "seeded " + s.name());
        return null;
      }));
    }
    return chain;
  }

  private static List<String> names(List<StoredSchedule> all) {
    return all.stream().map(StoredSchedule::name).toList();
  }

  @Test
  void writesAreConditionalOnTheVersionRead(VertxTestContext ctx) {
    check(ctx, () -> store.write(stored("a", "wf", 1, 100L), 0)
        .compose(first -> {
          assertTrue(first, "created");
          return store.write(stored("a", "wf", 1, 200L), 0);
        })
        .compose(again -> {
          assertFalse(again, "a second create loses");
          return store.write(stored("a", "wf", 2, 300L), 1);
        })
        .compose(updated -> {
          assertTrue(updated, "an update from the version read wins");
          return store.write(stored("a", "wf", 2, 400L), 1);
        })
        .compose(stale -> {
          assertFalse(stale, "an update from a stale version loses");
          return store.get("a");
        })
        .compose(a -> {
          assertEquals(2, a.version());
          assertEquals(List.of(300L), a.slots());
          assertEquals(300L, a.view().nextRunTime);
          assertEquals("about a", a.schedule().description);
          return store.delete("a");
        })
        .compose(deleted -> {
          assertTrue(deleted);
          return store.delete("a");
        })
        .compose(again -> {
          assertFalse(again);
          return store.get("a");
        })
        .map(gone -> {
          assertNull(gone);
          return null;
        }));
  }

  @Test
  void dueAnswersDueSchedulesEarliestFirstPageByPage(VertxTestContext ctx) {
    StoredSchedule paused = stored("p", "wf", 1, new Long[] {null});
    paused.schedule().paused = true;
    check(ctx, () -> seed(stored("c", "wf", 1, 300L), stored("a", "wf", 1, 100L), stored("b", "wf", 1, 300L),
            stored("d", "wf", 1, 500L), stored("e", "wf", 1, null, 250L), paused)
        .compose(v -> store.due(300, Long.MIN_VALUE, null, 10))
        .compose(due -> {
          assertEquals(List.of("a", "e", "b", "c"), names(due), "slot order, then name; later and paused ones left out");
          assertEquals(Arrays.asList(null, 250L), due.get(1).slots(), "a trigger without a slot stays null");
          return store.due(300, Long.MIN_VALUE, null, 2);
        })
        .compose(first -> {
          assertEquals(List.of("a", "e"), names(first));
          StoredSchedule last = first.get(1);
          return store.due(300, last.nextRunTime(), last.name(), 2);
        })
        .map(second -> {
          assertEquals(List.of("b", "c"), names(second));
          return null;
        }));
  }

  @Test
  void aClaimAdvancesTheScheduleAndRecordsItsRunsOrDoesNothing(VertxTestContext ctx) {
    StoredSchedule a = stored("a", "wf", 1, 100L);
    ScheduleExecution r = run("r1", "a", "wf", 100, State.POLLED);
    check(ctx, () -> seed(a)
        .compose(v -> store.claim(a.advanced(List.of(200L)), 0, List.of(r), 60_100))
        .compose(stale -> {
          assertFalse(stale, "a claim from a stale version loses");
          return store.searchExecutions(ExecutionQuery.parse(null, null, 0, 10, null));
        })
        .compose(none -> {
          assertEquals(0, none.totalHits(), "the losing claim recorded nothing");
          return store.claim(a.advanced(List.of(200L)), 1, List.of(r), 60_100);
        })
        .compose(won -> {
          assertTrue(won);
          return store.claim(a.advanced(List.of(300L)), 1, List.of(r), 60_100);
        })
        .compose(twice -> {
          assertFalse(twice, "the same slot cannot be claimed twice");
          return store.get("a");
        })
        .compose(after -> {
          assertEquals(2, after.version());
          assertEquals(List.of(200L), after.slots());
          return store.searchExecutions(ExecutionQuery.parse(null, null, 0, 10, null));
        })
        .map(runs -> {
          assertEquals(1, runs.totalHits());
          ScheduleExecution got = runs.results().get(0);
          assertEquals(State.POLLED, got.state());
          assertEquals(100L, got.scheduledTime());
          assertEquals(100, ((Number) got.startWorkflowRequest().input.get("_scheduledTime")).intValue());
          return null;
        }));
  }

  @Test
  void expiredLeasesAreTakenOnceAndFinishedRunsLeaveRecovery(VertxTestContext ctx) {
    StoredSchedule a = stored("a", "wf", 1, 100L, 100L);
    ScheduleExecution r1 = run("r1", "a", "wf", 100, State.POLLED);
    ScheduleExecution r2 = run("r2", "a", "wf", 100, State.POLLED);
    check(ctx, () -> seed(a)
        .compose(v -> store.claim(a.advanced(List.of(200L, 200L)), 1, List.of(r1, r2), 1000))
        .compose(v -> store.expiredRuns(999, 10))
        .compose(notYet -> {
          assertEquals(List.of(), notYet, "leases still running");
          return store.expiredRuns(1000, 10);
        })
        .compose(expired -> {
          assertEquals(2, expired.size());
          return store.renewLease("r1", 1000, 5000);
        })
        .compose(mine -> {
          assertTrue(mine);
          return store.renewLease("r1", 1000, 5000);
        })
        .compose(again -> {
          assertFalse(again, "another instance does not take it too");
          return store.finish(r2.finished(State.EXECUTED, "wf-2", null));
        })
        .compose(v -> store.expiredRuns(4000, 10))
        .compose(expired -> {
          assertEquals(List.of(), expired, "r1 renewed until 5000, r2 finished");
          return store.expireLeases();
        })
        .compose(ids -> {
          assertEquals(List.of("r1"), ids);
          return store.expiredRuns(0, 10);
        })
        .map(expired -> {
          assertEquals(List.of("r1"), expired.stream().map(ScheduleExecution::executionId).toList());
          return null;
        }));
  }

  @Test
  void executionSearchSpeaksConductorsAndUiNextsVocabulary(VertxTestContext ctx) {
    StoredSchedule a = stored("alpha", "wf_one", 1, 100L);
    StoredSchedule b = stored("beta", "wf_two", 1, 100L);
    List<ScheduleExecution> runsA = List.of(run("a1", "alpha", "wf_one", 1000, State.EXECUTED),
        run("a2", "alpha", "wf_one", 2000, State.FAILED), run("a3", "alpha", "wf_one", 3000, State.POLLED));
    List<ScheduleExecution> runsB = List.of(run("b1", "beta", "wf_two", 1500, State.EXECUTED));
    check(ctx, () -> seed(a, b)
        .compose(v -> store.claim(a.advanced(List.of(200L)), 1, runsA, 10))
        .compose(v -> store.claim(b.advanced(List.of(200L)), 1, runsB, 10))
        .compose(v -> store.finish(runsA.get(0)))
        .compose(v -> store.finish(runsA.get(1)))
        .compose(v -> store.finish(runsB.get(0)))
        .compose(v -> ids("", null))
        .compose(all -> {
          assertEquals(List.of("a3", "a2", "b1", "a1"), all, "newest slot first by default");
          return ids("scheduleName IN (alpha) AND state IN (EXECUTED,FAILED)", "scheduledTime:ASC");
        })
        .compose(oss -> {
          assertEquals(List.of("a1", "a2"), oss);
          return ids("scheduledTime>1000 AND scheduledTime<3000", "scheduledTime:ASC");
        })
        .compose(window -> {
          assertEquals(List.of("b1", "a2"), window);
          return ids("workflowName=ONE", "scheduledTime:ASC");
        })
        .compose(contains -> {
          assertEquals(List.of("a1", "a2", "a3"), contains, "workflowName= is a contains match, any case");
          return ids("beta", null);
        })
        .compose(literal -> {
          assertEquals(List.of("b1"), literal, "any other clause names a schedule");
          return ids("workflowType IN (wf_two,wf_one) AND status IN (polled) AND startTime>2500 AND startTime<9999", null);
        })
        .compose(ui -> {
          assertEquals(List.of("a3"), ui);
          return ids("executionId='a2'", null);
        })
        .compose(byId -> {
          assertEquals(List.of("a2"), byId);
          return store.searchExecutions(ExecutionQuery.parse(null, null, 1, 2, "scheduledTime:ASC"));
        })
        .compose(page -> {
          assertEquals(4, page.totalHits());
          assertEquals(List.of("b1", "a2"), page.results().stream().map(ScheduleExecution::executionId).toList());
          assertEquals("it failed", page.results().get(1).reason());
          return store.searchExecutions(ExecutionQuery.parse(null, "WF-a1", 0, 10, null));
        })
        .compose(text -> {
          assertEquals(List.of("a1"), text.results().stream().map(ScheduleExecution::executionId).toList(), "free text");
          return store.removeExecutionsOlderThan(2500);
        })
        .compose(removed -> {
          assertEquals(3, removed, "finished runs before 2500");
          return store.removeExecutionsOlderThan(Long.MAX_VALUE);
        })
        .compose(removed -> {
          assertEquals(0, removed, "a POLLED run stays until it finishes");
          return ids("", null);
        })
        .map(left -> {
          assertEquals(List.of("a3"), left);
          return null;
        }));
  }

  private Future<List<String>> ids(String query, String sort) {
    return store.searchExecutions(ExecutionQuery.parse(query, "*", 0, 100, sort))
        .map(r -> r.results().stream().map(ScheduleExecution::executionId).toList());
  }

  @Test
  void scheduleSearchFiltersSortsAndPages(VertxTestContext ctx) {
    StoredSchedule paused = stored("Nightly-Report", "reports", 1, new Long[] {null});
    paused.schedule().paused = true;
    check(ctx, () -> seed(stored("hourly-sync", "sync", 1, 300L), stored("minutely-check", "sync", 1, 100L), paused)
        .compose(v -> search(null, null, null, null, 0, 10, null))
        .compose(all -> {
          assertEquals(List.of("Nightly-Report", "hourly-sync", "minutely-check"), all);
          return search("sync", null, null, null, 0, 10, "nextRunTime:ASC");
        })
        .compose(bySync -> {
          assertEquals(List.of("minutely-check", "hourly-sync"), bySync);
          return search(null, "REPORT", null, null, 0, 10, null);
        })
        .compose(byName -> {
          assertEquals(List.of("Nightly-Report"), byName, "a part of the name, any case");
          return search(null, null, true, null, 0, 10, null);
        })
        .compose(byPaused -> {
          assertEquals(List.of("Nightly-Report"), byPaused);
          return search(null, null, false, "about hourly", 0, 10, null);
        })
        .compose(byText -> {
          assertEquals(List.of("hourly-sync"), byText);
          return store.search(ScheduleSearch.of(null, null, null, null, 1, 1, "name:DESC"));
        })
        .compose(page -> {
          assertEquals(3, page.totalHits());
          assertEquals(List.of("hourly-sync"), names(page.results()));
          return store.list("sync");
        })
        .compose(bySync -> {
          assertEquals(List.of("hourly-sync", "minutely-check"), names(bySync));
          return store.list(null);
        })
        .map(all -> {
          assertEquals(3, all.size());
          return null;
        }));
  }

  private Future<List<String>> search(String workflow, String name, Boolean paused, String text, int start, int size, String sort) {
    return store.search(ScheduleSearch.of(workflow, name, paused, text, start, size, sort)).map(r -> names(r.results()));
  }

  static List<Long> slots(SearchResult<StoredSchedule> r) {
    List<Long> out = new ArrayList<>();
    r.results().forEach(s -> out.addAll(s.slots()));
    return out;
  }
}
