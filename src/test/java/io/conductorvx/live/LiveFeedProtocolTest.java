package io.conductorvx.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.Await;
import io.conductorvx.client.TestServer;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live feed's protocol against a running server, through the Vert.x WebSocket client: a
 * workflow's snapshot and then each committed change in order, the {@code workflows} topic with its
 * filters, and the {@code queues} topic.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveFeedProtocolTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static TestServer server;
  private static LiveHttp http;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start(Vertx vertx) {
    server = TestServer.start(new JsonObject());
    http = new LiveHttp(server.port());
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aWorkflowSubscriptionGetsItsSnapshotThenEveryCommittedChangeInOrder() throws Exception {
    snapshotThenEveryChange(server, http);
  }

  /** The same on PostgreSQL and Redis: events leave only after the database acknowledged the commit. */
  @Test
  void aWorkflowSubscriptionOnPostgresAndRedisGetsItsSnapshotThenEveryCommittedChangeInOrder() throws Exception {
    String schema = TestBackends.uniqueSchema();
    String prefix = TestBackends.uniqueRedisPrefix();
    TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 20);
    try (TestServer durable = TestServer.start(new JsonObject().put("store", "postgres").put("queue", "redis")
        .put("postgresUrl", TestBackends.postgresUrl(schema)).put("redisUrl", TestBackends.REDIS_URL)
        .put("redisKeyPrefix", prefix))) {
      snapshotThenEveryChange(durable, new LiveHttp(durable.port()));
    } finally {
      TestServer.await(TestBackends.dropSchema(schema), 20);
      TestServer.await(TestBackends.deleteRedisKeys(prefix), 20);
    }
  }

  private static void snapshotThenEveryChange(TestServer server, LiveHttp http) throws Exception {
    String s = suffix();
    String type = "lv_task_" + s;
    String child = "lv_child_" + s;
    String parent = "lv_parent_" + s;
    http.registerWorkflow(LiveHttp.definition(child, new JsonArray().add(LiveHttp.simple(type, "c1"))));
    http.registerWorkflow(LiveHttp.definition(parent, new JsonArray()
        .add(new JsonObject().put("name", "fork").put("taskReferenceName", "fork").put("type", "FORK_JOIN")
            .put("forkTasks", new JsonArray().add(new JsonArray().add(LiveHttp.simple(type, "a")))
                .add(new JsonArray().add(LiveHttp.simple(type, "b")))))
        .add(new JsonObject().put("name", "join").put("taskReferenceName", "join").put("type", "JOIN")
            .put("joinOn", new JsonArray().add("a").add("b")))
        .add(new JsonObject().put("name", "loop").put("taskReferenceName", "loop").put("type", "DO_WHILE")
            .put("loopCondition", "if ($.loop['iteration'] < 3) { true; } else { false; }")
            .put("loopOver", new JsonArray().add(LiveHttp.simple(type, "inloop"))))
        .add(new JsonObject().put("name", "sub").put("taskReferenceName", "sub").put("type", "SUB_WORKFLOW")
            .put("subWorkflowParam", new JsonObject().put("name", child).put("version", 1))))
        .put("outputParameters", new JsonObject().put("done", true)));

    String id = http.start(parent, new JsonObject());
    // a worker completes tasks while the subscription is made: the snapshot races the workflow's progress
    AtomicBoolean working = new AtomicBoolean(true);
    Thread worker = new Thread(() -> {
      while (working.get()) {
        for (JsonObject t : http.poll(type, "w1", 5)) {
          http.complete(t, "COMPLETED", new JsonObject().put("by", "w1").put("ref", t.getString("referenceTaskName")));
        }
      }
    }, "live-test-worker");
    worker.start();
    try (LiveClient client = LiveClient.connect(sockets, server.port())) {
      client.subscribe("s1", "workflow", new JsonObject().put("workflowId", id));
      List<JsonObject> messages = new ArrayList<>();
      JsonObject m;
      do {
        m = client.next(WAIT);
        messages.add(m);
      } while (!("workflow".equals(m.getString("type")) && "COMPLETED".equals(m.getString("status"))));
      working.set(false);
      worker.join(10_000);

      JsonObject snapshot = messages.get(0);
      assertEquals("snapshot", snapshot.getString("type"));
      assertEquals("s1", snapshot.getString("id"));
      for (int i = 0; i < messages.size(); i++) {
        assertEquals(i, messages.get(i).getLong("seq"), "seq without gaps: " + messages.stream().map(x -> x.getString("type") + x.getLong("seq") + ":" + x.getString("referenceTaskName") + ":" + x.getString("status")).toList());
        assertEquals("s1", messages.get(i).getString("id"));
      }
      // fold the events onto the snapshot: the result is the stored workflow
      Map<String, String> statuses = new LinkedHashMap<>();
      Map<String, List<String>> history = new HashMap<>();
      for (Object o : snapshot.getJsonObject("workflow").getJsonArray("tasks")) {
        JsonObject t = (JsonObject) o;
        statuses.put(t.getString("taskId"), t.getString("status"));
        history.computeIfAbsent(t.getString("taskId"), k -> new ArrayList<>()).add(t.getString("status"));
      }
      String workflowStatus = snapshot.getJsonObject("workflow").getString("status");
      int completedEvents = 0;
      for (JsonObject e : messages.subList(1, messages.size())) {
        assertEquals(id, e.getString("workflowId"));
        if (e.getString("type").equals("task")) {
          assertNotNull(e.getString("referenceTaskName"));
          assertTrue(e.containsKey("retryCount") && e.containsKey("updateTime") && e.containsKey("taskType"), e.encode());
          statuses.put(e.getString("taskId"), e.getString("status"));
          history.computeIfAbsent(e.getString("taskId"), k -> new ArrayList<>()).add(e.getString("status"));
          if (e.getString("status").equals("COMPLETED") && e.getString("taskType").equals(type)) {
            assertEquals("w1", e.getJsonObject("outputData").getString("by"), "an ended task carries its output");
          }
        } else {
          assertEquals("workflow", e.getString("type"));
          assertEquals(parent, e.getString("workflowType"));
          assertEquals(1, e.getInteger("version"));
          workflowStatus = e.getString("status");
          if (workflowStatus.equals("COMPLETED")) {
            completedEvents++;
            assertEquals(true, e.getJsonObject("output").getBoolean("done"));
          }
        }
      }
      assertEquals(1, completedEvents, "the workflow completes once");
      JsonObject stored = http.workflow(id);
      assertEquals("COMPLETED", stored.getString("status"));
      assertEquals(stored.getString("status"), workflowStatus);
      Map<String, String> storedStatuses = stored.getJsonArray("tasks").stream().map(o -> (JsonObject) o)
          .collect(Collectors.toMap(t -> t.getString("taskId"), t -> t.getString("status"), (a, b) -> b, LinkedHashMap::new));
      assertEquals(storedStatuses, statuses, "snapshot + events = the stored workflow");
      // no task goes back from an end state (an event older than the snapshot would)
      Set<String> ended = Set.of("COMPLETED", "FAILED", "CANCELED", "SKIPPED", "TIMED_OUT", "FAILED_WITH_TERMINAL_ERROR",
          "COMPLETED_WITH_ERRORS");
      history.forEach((taskId, seen) -> {
        int firstEnd = -1;
        for (int i = 0; i < seen.size(); i++) {
          if (ended.contains(seen.get(i)) && firstEnd < 0) {
            firstEnd = i;
          } else if (firstEnd >= 0) {
            assertTrue(ended.contains(seen.get(i)) && seen.get(i).equals(seen.get(firstEnd)), taskId + ": " + seen);
          }
        }
      });
      // each loop iteration and each fork branch appeared as it was scheduled
      List<String> refs = stored.getJsonArray("tasks").stream().map(o -> ((JsonObject) o).getString("referenceTaskName")).toList();
      assertTrue(refs.containsAll(List.of("a", "b", "join", "inloop__1", "inloop__2", "inloop__3", "sub")), refs.toString());
      assertEquals(storedStatuses.size(), history.size());
    } finally {
      working.set(false);
    }
  }

  @Test
  void theWorkflowsTopicSendsTheStatusChangesItsFiltersMatch() {
    String s = suffix();
    String type = "lv_wt_" + s;
    String x = "lv_x_" + s;
    String y = "lv_y_" + s;
    http.registerWorkflow(LiveHttp.definition(x, new JsonArray().add(LiveHttp.simple(type, "t"))));
    http.registerWorkflow(LiveHttp.definition(y, new JsonArray().add(LiveHttp.simple(type, "t"))));
    try (LiveClient client = LiveClient.connect(sockets, server.port())) {
      client.subscribe("all", "workflows", null);
      client.subscribe("x", "workflows", new JsonObject().put("workflowType", x));
      client.subscribe("xf", "workflows", new JsonObject().put("workflowType", x).put("status", new JsonArray().add("FAILED")));
      client.subscribe("ended", "workflows", new JsonObject().put("status", new JsonArray().add("COMPLETED").add("TERMINATED")));
      Set<String> subscribed = new java.util.HashSet<>();
      for (int i = 0; i < 4; i++) {
        JsonObject m = client.next(WAIT);
        assertEquals("subscribed", m.getString("type"));
        assertEquals(0, m.getLong("seq"));
        subscribed.add(m.getString("id"));
      }
      assertEquals(Set.of("all", "x", "xf", "ended"), subscribed);

      String x1 = http.start(x, null);
      String x2 = http.start(x, null);
      String y1 = http.start(y, null);
      List<JsonObject> tasks = Await.await("3 tasks", WAIT, () -> http.poll(type, "w", 3), l -> !l.isEmpty());
      List<JsonObject> polled = new ArrayList<>(tasks);
      while (polled.size() < 3) {
        polled.addAll(http.poll(type, "w", 3));
      }
      for (JsonObject t : polled) {
        String wf = t.getString("workflowInstanceId");
        if (wf.equals(x1)) {
          http.complete(t, "COMPLETED", null);
        } else if (wf.equals(x2)) {
          http.complete(t, "FAILED_WITH_TERMINAL_ERROR", null);
        }
      }
      http.ok("DELETE", "/api/workflow/" + y1 + "?reason=test", null);

      Map<String, List<String>> bySub = new HashMap<>();
      Map<String, Long> lastSeq = new HashMap<>();
      // 3 RUNNING + COMPLETED + FAILED + TERMINATED for "all"; then wait for the quiet
      while (bySub.getOrDefault("all", List.of()).size() < 6) {
        JsonObject m = client.next(WAIT);
        assertEquals("workflow", m.getString("type"), m.encode());
        String sub = m.getString("id");
        assertEquals(lastSeq.getOrDefault(sub, 0L) + 1, m.getLong("seq"), "seq of " + sub);
        lastSeq.put(sub, m.getLong("seq"));
        bySub.computeIfAbsent(sub, k -> new ArrayList<>()).add(m.getString("workflowId") + ":" + m.getString("status"));
      }
      JsonObject extra;
      while ((extra = client.poll(Duration.ofMillis(300))) != null) {
        bySub.computeIfAbsent(extra.getString("id"), k -> new ArrayList<>()).add(extra.getString("workflowId") + ":" + extra.getString("status"));
      }
      assertEquals(Set.of(x1 + ":RUNNING", x2 + ":RUNNING", y1 + ":RUNNING", x1 + ":COMPLETED", x2 + ":FAILED", y1 + ":TERMINATED"),
          Set.copyOf(bySub.get("all")));
      assertEquals(6, bySub.get("all").size());
      assertEquals(Set.of(x1 + ":RUNNING", x2 + ":RUNNING", x1 + ":COMPLETED", x2 + ":FAILED"), Set.copyOf(bySub.get("x")));
      assertEquals(4, bySub.get("x").size());
      assertEquals(List.of(x2 + ":FAILED"), bySub.get("xf"));
      assertEquals(Set.of(x1 + ":COMPLETED", y1 + ":TERMINATED"), Set.copyOf(bySub.get("ended")));

      // after an unsubscribe nothing more comes for it
      client.send(new JsonObject().put("op", "unsubscribe").put("id", "all"));
      http.start(x, null);
      JsonObject next = client.until(m -> m.getString("id").equals("x"), WAIT);
      assertEquals("RUNNING", next.getString("status"));
      assertFalse(client.all.stream().anyMatch(m -> m.getString("id").equals("all") && m.getLong("seq") > 6));
    }
  }

  @Test
  void theQueuesTopicSendsSizesAndLastPollsAtMostOnceASecond() {
    String s = suffix();
    String type = "lv_q_" + s;
    String wf = "lv_qwf_" + s;
    http.registerWorkflow(LiveHttp.definition(wf, new JsonArray().add(LiveHttp.simple(type, "t"))));
    try (LiveClient client = LiveClient.connect(sockets, server.port())) {
      client.subscribe("q", "queues", null);
      assertEquals("subscribed", client.next(WAIT).getString("type"));
      JsonObject first = client.next(WAIT);
      assertEquals("queues", first.getString("type"));
      assertEquals(1, first.getLong("seq"));
      for (int i = 0; i < 3; i++) {
        http.start(wf, null);
      }
      JsonObject three = client.until(m -> entry(m, type) != null && entry(m, type).getLong("size") == 3, WAIT);
      List<JsonObject> polled = Await.await("a task", WAIT, () -> http.poll(type, "worker-7", 1), l -> !l.isEmpty());
      JsonObject afterPoll = client.until(m -> entry(m, type) != null && "worker-7".equals(entry(m, type).getString("lastWorker")), WAIT);
      assertEquals(2, entry(afterPoll, type).getLong("size"));
      assertTrue(entry(afterPoll, type).getLong("lastPollTime") > 0);
      assertEquals(1, polled.size());
      // a burst of changes is coalesced: one message a second at most
      long burstStart = System.currentTimeMillis();
      for (int i = 0; i < 30; i++) {
        http.start(wf, null);
      }
      List<Long> arrivals = new ArrayList<>();
      JsonObject m;
      while ((m = client.poll(Duration.ofMillis(1500))) != null) {
        arrivals.add(System.currentTimeMillis());
        assertTrue(m.getLong("seq") > three.getLong("seq"));
      }
      long elapsed = System.currentTimeMillis() - burstStart;
      assertTrue(arrivals.size() <= elapsed / 1000 + 2, arrivals.size() + " queue messages in " + elapsed + " ms");
      JsonObject last = client.all.get(client.all.size() - 1);
      assertEquals(32, entry(last, type).getLong("size"), last.encode());
    }
  }

  private static JsonObject entry(JsonObject queuesMessage, String type) {
    if (!"queues".equals(queuesMessage.getString("type"))) {
      return null;
    }
    for (Object o : queuesMessage.getJsonArray("queues")) {
      JsonObject e = (JsonObject) o;
      if (type.equals(e.getString("name")) && e.getValue("domain") == null) {
        return e;
      }
    }
    return null;
  }
}
