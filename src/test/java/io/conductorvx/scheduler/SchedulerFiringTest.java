package io.conductorvx.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.TestServer;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.scheduler.ScheduleExecution.State;
import io.conductorvx.scheduler.WorkflowSchedule.CronSchedule;
import io.conductorvx.store.SearchQuery;
import io.conductorvx.testing.TestBackends;
import io.conductorvx.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slots firing against a clock the test moves. The server's own ticks are off (one an hour of real
 * time): each {@link #pass} runs the scheduler once and returns when every due slot has fired and
 * its outcome is recorded, so nothing here waits for time to pass.
 */
class SchedulerFiringTest {
  private static final String WORKFLOW = "scheduled_flow";

  private final TestClock clock = new TestClock(Instant.parse("2025-06-10T07:00:00Z"));
  private final List<TestServer> servers = new ArrayList<>();
  private final List<String> schemas = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(TestServer::close);
    schemas.forEach(s -> TestServer.await(TestBackends.dropSchema(s), 30));
  }

  private TestServer memoryServer() {
    return started(new JsonObject());
  }

  private TestServer postgresServer(String schema) {
    return started(new JsonObject().put("store", "postgres").put("queue", "postgres")
        .put("postgresUrl", TestBackends.postgresUrl(schema)));
  }

  private String newSchema() {
    String schema = TestBackends.uniqueSchema();
    TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
    schemas.add(schema);
    return schema;
  }

  private TestServer started(JsonObject settings) {
    TestServer server = TestServer.start(settings.put("schedulerPollIntervalMs", 3_600_000), clock);
    servers.add(server);
    WorkflowDef def = new WorkflowDef();
    def.name = WORKFLOW;
    def.version = 1;
    WorkflowTask hold = new WorkflowTask();
    hold.name = "hold";
    hold.taskReferenceName = "hold";
    hold.type = "WAIT";
    def.tasks.add(hold);
    TestServer.await(server.server().backends().metadata().saveWorkflowDef(def), 10);
    return server;
  }

  private static Scheduler scheduler(TestServer server) {
    return server.server().scheduler();
  }

  /** One scheduler pass on each server at once, at the clock's current time. */
  private void pass(TestServer... on) {
    List<Future<Void>> all = new ArrayList<>();
    for (TestServer s : on) {
      all.add(scheduler(s).runOnce());
    }
    TestServer.await(Future.all(all), 30);
  }

  private void at(String time, TestServer server) {
    clock.set(OffsetDateTime.parse(time).toInstant());
    pass(server);
  }

  private static WorkflowSchedule schedule(String name, String cron, String zone) {
    WorkflowSchedule s = new WorkflowSchedule();
    s.name = name;
    s.cronExpression = cron;
    s.zoneId = zone;
    s.startWorkflowRequest = new StartWorkflowRequest();
    s.startWorkflowRequest.name = WORKFLOW;
    s.startWorkflowRequest.version = 1;
    s.startWorkflowRequest.correlationId = "corr-" + name;
    s.startWorkflowRequest.input.put("region", "eu");
    return s;
  }

  private static WorkflowSchedule save(TestServer server, WorkflowSchedule s) {
    return TestServer.await(scheduler(server).save(s), 10);
  }

  private static List<ScheduleExecution> runs(TestServer server, String schedule) {
    return TestServer.await(scheduler(server).searchExecutions(
        ExecutionQuery.parse("scheduleName IN (" + schedule + ")", null, 0, 1000, "scheduledTime:ASC")), 10).results();
  }

  private static List<String> slots(TestServer server, String schedule, String zone) {
    return runs(server, schedule).stream()
        .map(r -> Instant.ofEpochMilli(r.scheduledTime()).atZone(Cron.zone(zone)).toOffsetDateTime().toString())
        .toList();
  }

  private static long ms(String time) {
    return OffsetDateTime.parse(time).toInstant().toEpochMilli();
  }

  @Test
  void slotsFireOnTimeInTwoZonesWithTheInjectedInputs() {
    TestServer server = memoryServer();
    save(server, schedule("london", "0 0 9 * * *", "Europe/London"));
    save(server, schedule("new-york", "0 0 9 * * *", "America/New_York"));

    at("2025-06-10T07:59:59.999Z", server);
    assertEquals(List.of(), runs(server, "london"), "not a millisecond early");
    at("2025-06-10T08:00:00.250Z", server);
    assertEquals(List.of("2025-06-10T09:00+01:00"), slots(server, "london", "Europe/London"));
    assertEquals(List.of(), runs(server, "new-york"));
    at("2025-06-10T12:59:59Z", server);
    assertEquals(List.of(), runs(server, "new-york"));
    at("2025-06-10T13:00:00Z", server);
    assertEquals(List.of("2025-06-10T09:00-04:00"), slots(server, "new-york", "America/New_York"));
    assertEquals(1, runs(server, "london").size(), "each slot fires once");

    ScheduleExecution run = runs(server, "london").get(0);
    assertEquals(State.EXECUTED, run.state());
    assertEquals(ms("2025-06-10T08:00:00.250Z"), run.executionTime());
    assertEquals("Europe/London", run.zoneId());
    assertEquals(WORKFLOW, run.workflowName());
    Workflow wf = TestServer.await(server.server().backends().executions().getWorkflow(run.workflowId(), false), 10);
    assertEquals("london", wf.input.get("_startedByScheduler"));
    assertEquals(ms("2025-06-10T08:00:00Z"), ((Number) wf.input.get("_scheduledTime")).longValue());
    assertEquals(ms("2025-06-10T08:00:00.250Z"), ((Number) wf.input.get("_executedTime")).longValue());
    assertEquals(run.executionId(), wf.input.get("_executionId"));
    assertEquals("0 0 9 * * * Europe/London", wf.input.get("_schedulerCron"));
    assertEquals("eu", wf.input.get("region"));
    assertEquals("corr-london", wf.correlationId);
    assertEquals(ms("2025-06-11T08:00:00Z"), TestServer.await(scheduler(server).get("london"), 10).nextRunTime);
  }

  /** Steps the clock every 15 minutes from {@code from} to {@code to}, a pass at each step. */
  private void walk(TestServer server, String from, String to) {
    clock.set(OffsetDateTime.parse(from).toInstant());
    long end = ms(to);
    while (clock.millis() <= end) {
      pass(server);
      clock.advance(Duration.ofMinutes(15));
    }
  }

  private static List<String> between(List<String> slots, String from, String to) {
    return slots.stream().filter(s -> ms(s) >= ms(from) && ms(s) <= ms(to)).toList();
  }

  @Test
  void slotsFollowTheSpringForwardDay() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-03-08T17:00:00Z"));
    save(server, schedule("daily-0230", "0 30 2 * * *", "America/New_York"));
    save(server, schedule("hourly", "0 0 * * * *", "America/New_York"));
    // 2025-03-09 02:00 EST becomes 03:00 EDT: 02:30 does not exist that day, 02:00 neither
    walk(server, "2025-03-08T17:00:00Z", "2025-03-10T08:00:00Z");
    assertEquals(List.of("2025-03-10T02:30-04:00"), slots(server, "daily-0230", "America/New_York"));
    assertEquals(List.of("2025-03-09T00:00-05:00", "2025-03-09T01:00-05:00", "2025-03-09T03:00-04:00", "2025-03-09T04:00-04:00"),
        between(slots(server, "hourly", "America/New_York"), "2025-03-09T00:00:00-05:00", "2025-03-09T04:00:00-04:00"));
  }

  @Test
  void slotsFollowTheFallBackDay() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-11-01T16:00:00Z"));
    save(server, schedule("daily-0130", "0 30 1 * * *", "America/New_York"));
    save(server, schedule("hourly", "0 0 * * * *", "America/New_York"));
    // 2025-11-02 02:00 EDT falls back to 01:00 EST: 01:30 happens twice, fires once
    walk(server, "2025-11-01T16:00:00Z", "2025-11-03T07:00:00Z");
    assertEquals(List.of("2025-11-02T01:30-04:00", "2025-11-03T01:30-05:00"), slots(server, "daily-0130", "America/New_York"));
    assertEquals(List.of("2025-11-02T00:00-04:00", "2025-11-02T01:00-04:00", "2025-11-02T01:00-05:00", "2025-11-02T02:00-05:00"),
        between(slots(server, "hourly", "America/New_York"), "2025-11-02T00:00:00-04:00", "2025-11-02T02:00:00-05:00"));
  }

  @Test
  void cronSchedulesFireEachCronInItsOwnZone() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-06-10T00:00:00Z"));
    WorkflowSchedule s = schedule("two-crons", null, null);
    s.cronSchedules = List.of(new CronSchedule("0 0 9 * * *", "Asia/Tokyo"), new CronSchedule("0 30 9 * * *", "America/Los_Angeles"));
    WorkflowSchedule saved = save(server, s);
    assertEquals(ms("2025-06-10T16:30:00Z"), saved.nextRunTime, "Los Angeles' 9:30 comes first (Tokyo's 9:00 is now)");
    walk(server, "2025-06-10T00:00:00Z", "2025-06-11T17:00:00Z");
    List<ScheduleExecution> all = runs(server, "two-crons");
    assertEquals(List.of(ms("2025-06-10T16:30:00Z"), ms("2025-06-11T00:00:00Z"), ms("2025-06-11T16:30:00Z")),
        all.stream().map(ScheduleExecution::scheduledTime).toList());
    assertEquals(List.of("America/Los_Angeles", "Asia/Tokyo", "America/Los_Angeles"),
        all.stream().map(ScheduleExecution::zoneId).toList());
    Set<Object> crons = new HashSet<>();
    for (ScheduleExecution run : all) {
      crons.add(TestServer.await(server.server().backends().executions().getWorkflow(run.workflowId(), false), 10)
          .input.get("_schedulerCron"));
    }
    assertEquals(Set.of("0 0 9 * * * Asia/Tokyo", "0 30 9 * * * America/Los_Angeles"), crons);
  }

  @Test
  void startAndEndBoundsLimitTheSlots() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-06-10T10:00:30Z"));
    WorkflowSchedule s = schedule("bounded", "0 * * * * *", "UTC");
    s.scheduleStartTime = ms("2025-06-10T10:03:00Z");
    s.scheduleEndTime = ms("2025-06-10T10:05:00Z");
    assertEquals(ms("2025-06-10T10:03:00Z"), save(server, s).nextRunTime);
    assertEquals(List.of(ms("2025-06-10T10:03:00Z"), ms("2025-06-10T10:04:00Z"), ms("2025-06-10T10:05:00Z")),
        scheduler(server).nextFew("0 * * * * *", "UTC", s.scheduleStartTime, s.scheduleEndTime, 5));
    for (int minute = 1; minute <= 8; minute++) {
      at("2025-06-10T10:0" + minute + ":00.100Z", server);
    }
    assertEquals(List.of("2025-06-10T10:03Z", "2025-06-10T10:04Z", "2025-06-10T10:05Z"), slots(server, "bounded", "UTC"));
    WorkflowSchedule after = TestServer.await(scheduler(server).get("bounded"), 10);
    assertNull(after.nextRunTime, "no slot after the end");
    assertTrue(!after.paused, "an ended schedule is kept, not paused");
  }

  @Test
  void aPausedScheduleFiresNothingUntilResumedThenOnlyFutureSlots() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-06-10T10:00:30Z"));
    save(server, schedule("pausable", "0 * * * * *", "UTC"));
    at("2025-06-10T10:01:00Z", server);
    TestServer.await(scheduler(server).pause("pausable", "maintenance"), 10);
    WorkflowSchedule paused = TestServer.await(scheduler(server).get("pausable"), 10);
    assertTrue(paused.paused);
    assertEquals("maintenance", paused.pausedReason);
    assertNull(paused.nextRunTime);
    at("2025-06-10T10:05:30Z", server);
    assertEquals(1, runs(server, "pausable").size(), "nothing fires while paused");
    TestServer.await(scheduler(server).resume("pausable"), 10);
    WorkflowSchedule resumed = TestServer.await(scheduler(server).get("pausable"), 10);
    assertNull(resumed.pausedReason);
    assertEquals(ms("2025-06-10T10:06:00Z"), resumed.nextRunTime, "the next slot after now");
    at("2025-06-10T10:06:00Z", server);
    assertEquals(List.of("2025-06-10T10:01Z", "2025-06-10T10:06Z"), slots(server, "pausable", "UTC"));
  }

  @Test
  void afterDowntimeCatchUpReplaysEveryMissedSlotInOrder() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-06-10T10:00:30Z"));
    WorkflowSchedule s = schedule("catch-up", "0 * * * * *", "UTC");
    s.runCatchupScheduleInstances = true;
    save(server, s);
    scheduler(server).pauseHere(true); // this instance stops firing: the downtime
    at("2025-06-10T10:05:30Z", server);
    assertEquals(List.of(), runs(server, "catch-up"));
    scheduler(server).pauseHere(false);
    pass(server);
    assertEquals(List.of("2025-06-10T10:01Z", "2025-06-10T10:02Z", "2025-06-10T10:03Z", "2025-06-10T10:04Z", "2025-06-10T10:05Z"),
        slots(server, "catch-up", "UTC"));
    assertEquals(ms("2025-06-10T10:06:00Z"), TestServer.await(scheduler(server).get("catch-up"), 10).nextRunTime);
    assertTrue(runs(server, "catch-up").stream().allMatch(r -> r.state() == State.EXECUTED));
  }

  @Test
  void afterDowntimeWithoutCatchUpOneOverdueRunFiresThenTheNextFutureSlot() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-06-10T10:00:30Z"));
    save(server, schedule("no-catch-up", "0 * * * * *", "UTC"));
    scheduler(server).pauseHere(true);
    at("2025-06-10T10:05:30Z", server);
    scheduler(server).pauseHere(false);
    pass(server);
    pass(server);
    assertEquals(List.of("2025-06-10T10:01Z"), slots(server, "no-catch-up", "UTC"), "the overdue slot fires once");
    assertEquals(ms("2025-06-10T10:06:00Z"), TestServer.await(scheduler(server).get("no-catch-up"), 10).nextRunTime);
    at("2025-06-10T10:06:00Z", server);
    assertEquals(List.of("2025-06-10T10:01Z", "2025-06-10T10:06Z"), slots(server, "no-catch-up", "UTC"));
  }

  @Test
  void aSlotWhoseWorkflowCannotStartIsRecordedFailedWithTheReason() {
    TestServer server = memoryServer();
    clock.set(Instant.parse("2025-06-10T10:00:30Z"));
    save(server, schedule("orphan", "0 * * * * *", "UTC"));
    TestServer.await(server.server().backends().metadata().deleteWorkflowDef(WORKFLOW, 1), 10);
    at("2025-06-10T10:01:00Z", server);
    List<ScheduleExecution> all = runs(server, "orphan");
    assertEquals(1, all.size());
    assertEquals(State.FAILED, all.get(0).state());
    assertTrue(all.get(0).reason().contains("No such workflow found by name: " + WORKFLOW), all.get(0).reason());
    assertNull(all.get(0).workflowId());
    at("2025-06-10T10:02:00Z", server);
    assertEquals(2, runs(server, "orphan").size(), "the schedule goes on");
  }

  @Test
  void aCrashBetweenStartAndRecordStartsNoSecondWorkflow() {
    String schema = newSchema();
    TestServer first = postgresServer(schema);
    clock.set(Instant.parse("2025-06-10T10:00:30Z"));
    save(first, schedule("crashy", "0 * * * * *", "UTC"));
    at("2025-06-10T10:01:00Z", first);
    ScheduleExecution fired = runs(first, "crashy").get(0);
    assertEquals(State.EXECUTED, fired.state());
    servers.remove(first);
    first.close();
    // What the crash leaves: the workflow started, its run still POLLED (the EXECUTED write lost).
    TestServer.await(TestBackends.admin("UPDATE " + schema + ".scheduler_execution SET state = 'POLLED', workflow_id = NULL, lease_until = execution_time + 60000,"
        + " json = (json::jsonb || '{\"state\":\"POLLED\"}'::jsonb - 'workflowId')::json"), 10);

    TestServer second = postgresServer(schema);
    clock.set(Instant.parse("2025-06-10T10:01:20Z"));
    pass(second);
    assertEquals(State.POLLED, runs(second, "crashy").get(0).state(), "its lease has not run out yet");
    clock.set(Instant.parse("2025-06-10T10:02:30Z")); // past the lease; the 10:02 slot is due too
    pass(second);
    List<ScheduleExecution> all = runs(second, "crashy");
    assertEquals(2, all.size());
    assertEquals(State.EXECUTED, all.get(0).state(), "recovery started the run again");
    assertEquals(fired.workflowId(), all.get(0).workflowId(), "and found the workflow it had started");
    assertEquals(State.EXECUTED, all.get(1).state());
    assertEquals(2, workflowsStarted(second), "one workflow per slot");
  }

  private static long workflowsStarted(TestServer server) {
    return TestServer.await(server.server().backends().executions().searchWorkflows(
        SearchQuery.parse("workflowType IN (" + WORKFLOW + ")", "*", 0, 1000, null)), 10).totalHits();
  }

  @Test
  void twoSchedulersOverOnePostgresStoreFireEachSlotOnce() {
    String schema = newSchema();
    TestServer a = postgresServer(schema);
    TestServer b = postgresServer(schema);
    clock.set(Instant.parse("2025-06-10T10:00:00.500Z"));
    WorkflowSchedule s = schedule("shared", "* * * * * *", "UTC");
    s.runCatchupScheduleInstances = true;
    save(a, s);
    save(b, schedule("shared-2", "*/2 * * * * *", "UTC"));
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      pass(a, b); // both race for every due slot
    }
    clock.advance(Duration.ofSeconds(10)); // a downtime: both race through the catch-up
    pass(a, b);
    pass(a, b);
    List<ScheduleExecution> shared = runs(a, "shared");
    List<Long> expected = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      expected.add(ms("2025-06-10T10:00:00Z") + i * 1000L);
    }
    assertEquals(expected, shared.stream().map(ScheduleExecution::scheduledTime).toList(), "every slot once, in order");
    assertTrue(shared.stream().allMatch(r -> r.state() == State.EXECUTED), shared.toString());
    List<ScheduleExecution> other = runs(a, "shared-2");
    assertEquals(1 + 5, other.size(), "five even seconds, then one overdue run after the downtime");
    Set<String> ids = new HashSet<>();
    shared.forEach(r -> ids.add(r.workflowId()));
    other.forEach(r -> ids.add(r.workflowId()));
    assertEquals(shared.size() + other.size(), ids.size(), "a workflow per slot");
    assertEquals(ids.size(), workflowsStarted(a), "and no other workflow");
    for (String id : ids) {
      assertNotNull(TestServer.await(a.server().backends().executions().getWorkflow(id, false), 10));
    }
    Map<String, Object> requeued = TestServer.await(scheduler(a).requeue(), 10);
    assertEquals(0, requeued.get("recordIds.size"), "nothing left POLLED");
  }
}
