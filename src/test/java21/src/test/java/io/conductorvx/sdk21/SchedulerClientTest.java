package io.conductorvx.sdk21;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.exception.ConductorClientException;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.model.BulkResponse;
import com.netflix.conductor.common.run.Workflow;
import io.orkes.conductor.client.SchedulerClient;
import io.orkes.conductor.client.http.OrkesSchedulerClient;
import io.orkes.conductor.client.model.SaveScheduleRequest;
import io.orkes.conductor.client.model.SearchResultWorkflowScheduleExecution;
import io.orkes.conductor.client.model.TagObject;
import io.orkes.conductor.client.model.WorkflowSchedule;
import io.orkes.conductor.client.model.WorkflowScheduleExecutionModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every call of io.orkes.conductor.client.SchedulerClient (conductor-client 6) against a running
 * conductor-vx: CONDUCTOR_SERVER_URL is the server, CONDUCTOR_REFUSE_GET_URL the same server behind
 * a proxy that refuses GET on pause and resume (as Conductor OSS does), so the client's PUT
 * fallback runs.
 */
class SchedulerClientTest {
  private static final String WORKFLOW = "java21_flow_" + Long.toString(System.currentTimeMillis(), 36);
  private static final String SCHEDULE = "java21_schedule_" + Long.toString(System.nanoTime(), 36);

  private static ConductorClient client;
  private static ConductorClient proxied;
  private static SchedulerClient scheduler;

  @BeforeAll
  static void connect() {
    client = ConductorClient.builder().basePath(env("CONDUCTOR_SERVER_URL")).readTimeout(20_000).build();
    proxied = ConductorClient.builder().basePath(env("CONDUCTOR_REFUSE_GET_URL")).readTimeout(20_000).build();
    scheduler = new OrkesSchedulerClient(client);
    WorkflowDef def = new WorkflowDef();
    def.setName(WORKFLOW);
    def.setVersion(1);
    def.setOwnerEmail("java21@example.com");
    WorkflowTask hold = new WorkflowTask();
    hold.setName("hold");
    hold.setTaskReferenceName("hold");
    hold.setType("WAIT");
    def.setTasks(List.of(hold));
    new MetadataClient(client).updateWorkflowDefs(List.of(def));
  }

  @AfterAll
  static void close() {
    client.shutdown();
    proxied.shutdown();
  }

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: this module is run by the server's JavaClient21Test");
    }
    return v;
  }

  private static SaveScheduleRequest request(String name, String cron) {
    StartWorkflowRequest start = new StartWorkflowRequest();
    start.setName(WORKFLOW);
    start.setVersion(1);
    start.setInput(Map.of("from", "java21"));
    start.setCorrelationId("corr-" + name);
    SaveScheduleRequest r = new SaveScheduleRequest();
    r.setName(name);
    r.setCronExpression(cron);
    r.setZoneId("UTC");
    r.setStartWorkflowRequest(start);
    r.setRunCatchupScheduleInstances(false);
    r.setDescription("saved by the Java 21 client");
    return r;
  }

  private static <T> T eventually(String what, Supplier<T> probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void everySchedulerClientCallWorks() {
    scheduler.saveSchedule(request(SCHEDULE, "* * * * * ?"));
    WorkflowSchedule saved = scheduler.getSchedule(SCHEDULE);
    assertEquals(SCHEDULE, saved.getName());
    assertEquals("* * * * * ?", saved.getCronExpression());
    assertEquals("UTC", saved.getZoneId());
    assertEquals(WORKFLOW, saved.getStartWorkflowRequest().getName());
    assertEquals(Boolean.FALSE, saved.getPaused());
    assertTrue(saved.getNextRunTime() > 0 && saved.getCreateTime() > 0, saved.toString());
    assertTrue(scheduler.getAllSchedules(WORKFLOW).stream().anyMatch(s -> SCHEDULE.equals(s.getName())));

    WorkflowScheduleExecutionModel run = eventually("a run of the schedule", () -> {
      SearchResultWorkflowScheduleExecution found = scheduler.search(0, 10, "scheduledTime:DESC", "*",
          "scheduleName IN (" + SCHEDULE + ") AND state IN (EXECUTED)");
      return found.getTotalHits() > 0 ? found.getResults().get(0) : null;
    });
    assertEquals(WorkflowScheduleExecutionModel.StateEnum.EXECUTED, run.getState());
    assertEquals(WORKFLOW, run.getWorkflowName());
    Workflow wf = new WorkflowClient(client).getWorkflow(run.getWorkflowId(), false);
    assertEquals(SCHEDULE, wf.getInput().get("_startedByScheduler"));
    assertEquals(run.getScheduledTime(), ((Number) wf.getInput().get("_scheduledTime")).longValue());
    assertEquals("* * * * * ? UTC", wf.getInput().get("_schedulerCron"));
    assertEquals("java21", wf.getInput().get("from"));

    scheduler.pauseSchedule(SCHEDULE, "paused by the Java client"); // GET, as Orkes
    WorkflowSchedule paused = scheduler.getSchedule(SCHEDULE);
    assertEquals(Boolean.TRUE, paused.getPaused());
    assertEquals("paused by the Java client", paused.getPausedReason());
    assertNull(paused.getNextRunTime());
    scheduler.resumeSchedule(SCHEDULE);
    assertEquals(Boolean.FALSE, scheduler.getSchedule(SCHEDULE).getPaused());
    scheduler.pauseSchedule(SCHEDULE);

    List<Long> next = scheduler.getNextFewSchedules("0 0 9 ? * MON-FRI", null, null, 3);
    assertEquals(3, next.size());
    assertTrue(next.get(0) > System.currentTimeMillis() && next.get(1) > next.get(0), next.toString());

    TagObject team = new TagObject();
    team.setKey("team");
    team.setValue("java");
    TagObject tier = new TagObject();
    tier.setKey("tier");
    tier.setValue("gold");
    scheduler.setSchedulerTags(List.of(team, tier), SCHEDULE);
    scheduler.deleteSchedulerTags(List.of(tier), SCHEDULE);
    List<TagObject> tags = scheduler.getSchedulerTags(SCHEDULE);
    assertEquals(1, tags.size());
    assertEquals("team", tags.get(0).getKey());
    assertEquals("java", tags.get(0).getValue());

    String second = SCHEDULE + "_b";
    scheduler.saveSchedule(request(second, "0 0 9 * * ?"));
    BulkResponse bulk = scheduler.pauseSchedulers(List.of(second, "no_such_schedule"));
    assertEquals(List.of(second), bulk.getBulkSuccessfulResults());
    assertEquals("Schedule 'no_such_schedule' not found", bulk.getBulkErrorResults().get("no_such_schedule"));
    assertEquals(Boolean.TRUE, scheduler.getSchedule(second).getPaused());
    assertEquals(List.of(second), scheduler.resumeSchedulers(List.of(second)).getBulkSuccessfulResults());
    assertEquals(Boolean.FALSE, scheduler.getSchedule(second).getPaused());

    scheduler.pauseAllSchedules();
    scheduler.resumeAllSchedules();
    scheduler.requeueAllExecutionRecords();

    ConductorClientException badCron = assertThrows(ConductorClientException.class,
        () -> scheduler.saveSchedule(request(SCHEDULE + "_bad", "0 0 9 * *")));
    assertEquals(400, badCron.getStatus());
    assertTrue(badCron.getMessage().contains("Invalid cron expression"), badCron.getMessage());

    scheduler.deleteSchedule(second);
    ConductorClientException gone = assertThrows(ConductorClientException.class, () -> scheduler.getSchedule(second));
    assertEquals(404, gone.getStatus());
  }

  @Test
  void pauseAndResumeFallBackToPutWhenGetAnswers405() {
    String name = SCHEDULE + "_fallback";
    scheduler.saveSchedule(request(name, "0 0 9 * * ?"));
    SchedulerClient viaProxy = new OrkesSchedulerClient(proxied);
    viaProxy.pauseSchedule(name, "through the fallback");
    WorkflowSchedule paused = scheduler.getSchedule(name);
    assertEquals(Boolean.TRUE, paused.getPaused());
    assertEquals("through the fallback", paused.getPausedReason());
    viaProxy.resumeSchedule(name);
    assertEquals(Boolean.FALSE, scheduler.getSchedule(name).getPaused());
    scheduler.deleteSchedule(name);
  }
}
