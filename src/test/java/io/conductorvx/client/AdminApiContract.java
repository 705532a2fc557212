package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.events.EventHandler;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * /api/admin on one backend, through plain HTTP (the official Java client has no admin client):
 * settings, pending tasks of a type with paging, sweep requeue, verify-and-repair of lost queue
 * entries, and the event queues of the active handlers, in Conductor's AdminResource shapes.
 */
abstract class AdminApiContract extends BackendTestBase {
  private static final Duration DONE = Duration.ofSeconds(20);

  private QueueStore queues() {
    return server.conductorServer().backends().queues();
  }

  private boolean queuedIn(String queue, String id) {
    return TestServer.await(queues().contains(queue, id), 10);
  }

  private String startOne(String taskType) {
    String wf = uniq("admin_wf");
    registerWorkflow(wf, List.of(simpleTask(taskType, "work", map("n", 1))), null);
    return start(wf, map());
  }

  @Test
  void configAnswersTheSettingsWithVersionAndBuildDate() {
    RawHttp.Response r = RawHttp.get(server, "/api/admin/config");
    assertEquals(200, r.status(), r::body);
    JsonObject config = new JsonObject(r.body());
    assertTrue(config.containsKey("port"), r::body);
    assertEquals(backendSettings().getString("store", "memory"), config.getString("store"));
    assertNotNull(config.getString("version"));
    assertFalse(config.getString("version").isBlank());
    assertNotNull(config.getString("buildDate"));
    assertTrue(config.containsKey("sweepIntervalMs"), r::body);
  }

  @Test
  void versionIsTheBuildsVersionAsText() {
    RawHttp.Response r = RawHttp.get(server, "/api/version");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    assertTrue(r.body().matches("\\d+\\.\\d+\\.\\d+.*"), r.body());
    assertEquals(new JsonObject(RawHttp.get(server, "/api/admin/config").body()).getString("version"), r.body());
  }

  @Test
  void pendingTasksOfATypeArePagedAndLeaveOutFinishedOnes() {
    String type = uniq("admin_task");
    registerTaskDef(type, null);
    String finishedWorkflow = startOne(type);
    complete(awaitPoll(type, "admin-worker", null, DONE), map());
    awaitStatus(finishedWorkflow, DONE, Workflow.WorkflowStatus.COMPLETED);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(startOne(type));
    }
    Task polled = awaitPoll(type, "admin-worker", null, DONE);

    JsonArray pending = new JsonArray(RawHttp.get(server, "/api/admin/task/" + type).body());
    assertEquals(3, pending.size(), pending::encode);
    Set<String> workflows = pending.stream().map(o -> ((JsonObject) o).getString("workflowInstanceId")).collect(Collectors.toSet());
    assertEquals(Set.copyOf(ids), workflows);
    Set<String> statuses = pending.stream().map(o -> ((JsonObject) o).getString("status")).collect(Collectors.toSet());
    assertEquals(Set.of("SCHEDULED", "IN_PROGRESS"), statuses);
    assertTrue(pending.stream().anyMatch(o -> polled.getTaskId().equals(((JsonObject) o).getString("taskId"))));

    JsonArray page = new JsonArray(RawHttp.get(server, "/api/admin/task/" + type + "?start=1&count=1").body());
    assertEquals(1, page.size());
    assertEquals(pending.getJsonObject(1).getString("taskId"), page.getJsonObject(0).getString("taskId"));
    assertEquals("[]", RawHttp.get(server, "/api/admin/task/" + type + "?start=10").body());
    assertEquals("[]", RawHttp.get(server, "/api/admin/task/" + uniq("nobody")).body());
  }

  @Test
  void sweepRequeueQueuesAWorkflowThatIsNotQueued() {
    String type = uniq("admin_sweep");
    String id = startOne(type);
    awaitWorkflow("its task", id, DONE, w -> !w.getTasks().isEmpty());
    RawHttp.Response already = RawHttp.post(server, "/api/admin/sweep/requeue/" + id, null);
    assertEquals(200, already.status(), already::body);
    assertTrue(already.contentType().startsWith("text/plain"), already.contentType());
    assertEquals("false." + id, already.body(), "a running workflow is queued for its next check already");

    TestServer.await(queues().remove(QueueNames.DECIDER, id), 10);
    assertEquals("true." + id, RawHttp.post(server, "/api/admin/sweep/requeue/" + id, null).body());
    assertTrue(queuedIn(QueueNames.DECIDER, id) || !workflow(id).getTasks().isEmpty());
  }

  @Test
  void verifyAndRepairPutsBackLostQueueEntries() {
    String type = uniq("admin_repair");
    registerTaskDef(type, null);
    String id = startOne(type);
    Task scheduled = awaitWorkflow("its task", id, DONE, w -> !w.getTasks().isEmpty()).getTasks().get(0);
    assertEquals("false", RawHttp.post(server, "/api/admin/consistency/verifyAndRepair/" + id, null).body(), "nothing lost");

    // lose the task's queue message and the workflow's decider entry, as a crashed queue backend would
    String taskQueue = QueueNames.taskQueue(type, null);
    TestServer.await(queues().remove(taskQueue, scheduled.getTaskId()), 10);
    TestServer.await(queues().remove(QueueNames.DECIDER, id), 10);
    assertFalse(queuedIn(taskQueue, scheduled.getTaskId()));

    RawHttp.Response repaired = RawHttp.post(server, "/api/admin/consistency/verifyAndRepair/" + id, null);
    assertEquals(200, repaired.status(), repaired::body);
    assertEquals("true", repaired.body());
    Await.await("the task message to be back", DONE, () -> queuedIn(taskQueue, scheduled.getTaskId()), b -> b);
    Task polled = awaitPoll(type, "admin-worker", null, DONE);
    assertEquals(scheduled.getTaskId(), polled.getTaskId());
    complete(polled, map());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals("false", RawHttp.post(server, "/api/admin/consistency/verifyAndRepair/" + id, null).body(),
        "a finished workflow needs nothing");
  }

  @Test
  void requeueOfATaskTypePutsBackItsPendingTasksFromTheStore() {
    String type = uniq("admin_requeue");
    registerTaskDef(type, null);
    List<String> ids = List.of(startOne(type), startOne(type));
    String taskQueue = QueueNames.taskQueue(type, null);
    for (String id : ids) {
      awaitWorkflow("its task", id, DONE, w -> !w.getTasks().isEmpty());
    }
    Task inProgress = awaitPoll(type, "a-worker-that-dies", null, DONE);
    if (!"memory".equals(backend())) {
      restartServer(); // no decider has these workflows loaded now: the requeue must find them in the store
    }
    for (String id : ids) {
      for (Task t : workflow(id).getTasks()) {
        TestServer.await(queues().remove(taskQueue, t.getTaskId()), 10);
      }
    }
    assertEquals(0L, TestServer.await(queues().size(taskQueue), 10));

    assertEquals("2", taskClient.requeuePendingTasksByTaskType(type), "one SCHEDULED, one IN_PROGRESS");
    assertEquals("2", taskClient.requeuePendingTasksByTaskType(type), "a second requeue counts them again");
    assertEquals(2L, TestServer.await(queues().size(taskQueue), 10), "but queues each once");

    Set<String> handedOut = new java.util.HashSet<>();
    for (int i = 0; i < 2; i++) {
      Task polled = awaitPoll(type, "another-worker", null, DONE);
      handedOut.add(polled.getTaskId());
      complete(polled, map());
    }
    assertTrue(handedOut.contains(inProgress.getTaskId()), "the dead worker's task is handed out again");
    for (String id : ids) {
      awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    }
    assertEquals("0", taskClient.requeuePendingTasksByTaskType(type));
  }

  @Test
  void queuesListTheEventQueuesOfActiveHandlers() {
    String event = "conductor:" + uniq("admin_events") + ":done";
    EventHandler active = new EventHandler();
    active.setName(uniq("admin_handler"));
    active.setEvent(event);
    active.setActive(true);
    EventHandler.Action action = new EventHandler.Action();
    action.setAction(EventHandler.Action.Type.complete_task);
    active.setActions(List.of(action));
    EventHandler inactive = new EventHandler();
    inactive.setName(uniq("admin_handler_off"));
    inactive.setEvent(event + "_off");
    inactive.setActive(false);
    inactive.setActions(List.of(action));
    new com.netflix.conductor.client.http.EventClient(server.conductorClient()).registerEventHandler(active);
    new com.netflix.conductor.client.http.EventClient(server.conductorClient()).registerEventHandler(inactive);

    JsonObject queuesByEvent = new JsonObject(RawHttp.get(server, "/api/admin/queues").body());
    assertEquals(event.substring("conductor:".length()), queuesByEvent.getString(event), queuesByEvent::encode);
    assertFalse(queuesByEvent.containsKey(event + "_off"), "inactive handlers listen to nothing");
    JsonObject verbose = new JsonObject(RawHttp.get(server, "/api/admin/queues?verbose=true").body());
    assertEquals(new JsonObject().put(event.substring("conductor:".length()), 0), verbose.getJsonObject(event), verbose::encode);
  }
}
