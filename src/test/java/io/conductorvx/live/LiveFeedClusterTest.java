package io.conductorvx.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.Await;
import io.conductorvx.client.TestServer;
import io.conductorvx.engine.Ownership;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live feed in a cluster: a client of one member follows a workflow another member owns
 * (snapshot, then every change, relayed from the owner), lists status changes of every member's
 * workflows, and keeps following when the workflow's partition moves to another owner (a resync
 * and a fresh snapshot, then the new owner's changes).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveFeedClusterTest {
  private static final int PARTITIONS = 16;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private String schema;
  private final List<TestServer> servers = new ArrayList<>();
  private WebSocketClient sockets;

  @BeforeEach
  void setUp(Vertx vertx) {
    schema = TestBackends.uniqueSchema();
    TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
    sockets = vertx.createWebSocketClient();
  }

  @AfterEach
  void tearDown() {
    for (TestServer s : servers) {
      s.close();
    }
    TestServer.await(TestBackends.dropSchema(schema), 30);
  }

  private TestServer member() {
    TestServer s = TestServer.start(new JsonObject()
        .put("store", "postgres").put("queue", "postgres").put("postgresUrl", TestBackends.postgresUrl(schema))
        .put("cluster", true).put("clusterPartitions", PARTITIONS).put("clusterLeaseMs", 3_000)
        .put("clusterHeartbeatMs", 100).put("deciderPartitions", 2).put("httpInstances", 1));
    servers.add(s);
    return s;
  }

  /** Two members, once the partitions are spread over both. */
  private List<TestServer> twoMembers() {
    TestServer a = member();
    TestServer b = member();
    Await.await("partitions spread over both members", Duration.ofSeconds(30),
        () -> owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) == PARTITIONS);
    return List.of(a, b);
  }

  /** Starts workflows of {@code name} until one lands on a partition {@code owner} holds; its id. */
  private static String startOwnedBy(LiveHttp http, String name, TestServer owner) {
    for (int i = 0; i < 64; i++) {
      String started = http.start(name, new JsonObject());
      if (owns(owner, started)) {
        return started;
      }
    }
    throw new AssertionError("no workflow of 64 landed on the partitions of the member on port " + owner.port());
  }

  private static boolean owns(TestServer s, String workflowId) {
    Ownership o = s.server().engine().ownership();
    return o.epochIfOwned(o.partitionOf(workflowId)) >= 0;
  }

  private static int owned(TestServer s) {
    Ownership o = s.server().engine().ownership();
    int n = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      n += o.epochIfOwned(p) >= 0 ? 1 : 0;
    }
    return n;
  }

  @Test
  void aClientOfOneMemberFollowsAWorkflowAnotherMemberOwnsAndKeepsFollowingWhenItMoves() {
    List<TestServer> members = twoMembers();
    TestServer a = members.get(0);
    TestServer b = members.get(1);
    LiveHttp viaA = new LiveHttp(a.port());
    String s = UUID.randomUUID().toString().substring(0, 8);
    String type = "lc_task_" + s;
    String name = "lc_flow_" + s;
    viaA.registerWorkflow(LiveHttp.definition(name, new JsonArray()
        .add(LiveHttp.simple(type, "first")).add(LiveHttp.simple(type, "second"))));

    try (LiveClient client = LiveClient.connect(sockets, a.port())) {
      client.subscribe("all", "workflows", new JsonObject().put("workflowType", name));
      assertEquals("subscribed", client.until(m -> "all".equals(m.getString("id")), WAIT).getString("type"));
      // the other member's clients list statuses: it learns that within a heartbeat or two
      Await.await("the owner knows a's clients list statuses", WAIT,
          () -> b.server().engine().liveInterest().anyStatusListener());

      // a workflow started through a, owned by b
      String target = startOwnedBy(viaA, name, b);

      client.subscribe("w", "workflow", new JsonObject().put("workflowId", target));
      List<JsonObject> seen = new ArrayList<>();
      JsonObject snapshot = next(client, "w", seen);
      assertEquals("snapshot", snapshot.getString("type"));
      assertEquals("RUNNING", snapshot.getJsonObject("workflow").getString("status"));
      assertTrue(b.server().engine().liveInterest().remoteWatchers(target).size() == 1,
          "the owner counts a's watch");

      complete(viaA, type, target, "first");
      JsonObject first = nextMatching(client, "w", seen, m -> "task".equals(m.getString("type"))
          && "first".equals(m.getString("referenceTaskName")) && "COMPLETED".equals(m.getString("status")));
      assertEquals(target, first.getString("workflowId"));

      // b stops: its partitions move to a, whose client gets a resync and a snapshot from the new owner
      servers.remove(b);
      b.close();
      nextMatching(client, "w", seen, m -> "resync".equals(m.getString("type")));
      JsonObject again = nextMatching(client, "w", seen, m -> "snapshot".equals(m.getString("type")));
      assertTrue(owns(a, target), "a owns the workflow now");
      assertEquals("COMPLETED", again.getJsonObject("workflow").getJsonArray("tasks").getJsonObject(0).getString("status"));

      complete(viaA, type, target, "second");
      nextMatching(client, "w", seen, m -> "workflow".equals(m.getString("type")) && "COMPLETED".equals(m.getString("status")));
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i, seen.get(i).getLong("seq"), "one sequence without gaps: " + seen);
      }
      // the list saw the workflow complete too (its owner is a now)
      client.until(m -> "all".equals(m.getString("id")) && target.equals(m.getString("workflowId"))
          && "COMPLETED".equals(m.getString("status")), WAIT);
    }
  }

  @Test
  void anUnsubscribedWatchIsReleasedOnTheOwnerAndStatusChangesOfEveryMemberReachTheList() {
    List<TestServer> members = twoMembers();
    TestServer a = members.get(0);
    TestServer b = members.get(1);
    LiveHttp viaB = new LiveHttp(b.port());
    String s = UUID.randomUUID().toString().substring(0, 8);
    String type = "lc_one_" + s;
    String name = "lc_list_" + s;
    viaB.registerWorkflow(LiveHttp.definition(name, new JsonArray().add(LiveHttp.simple(type, "only"))));
    try (LiveClient client = LiveClient.connect(sockets, a.port())) {
      client.subscribe("ended", "workflows", new JsonObject().put("workflowType", name)
          .put("status", new JsonArray().add("COMPLETED")));
      client.until(m -> "ended".equals(m.getString("id")), WAIT);
      Await.await("b knows a's clients list statuses", WAIT, () -> b.server().engine().liveInterest().anyStatusListener());
      // workflows on both members' partitions complete; the list on a hears every one
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add(viaB.start(name, new JsonObject()));
      }
      assertTrue(ids.stream().anyMatch(id -> owns(b, id)) && ids.stream().anyMatch(id -> owns(a, id)), ids.toString());
      java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
      Await.await("every task completed", WAIT, () -> {
        for (JsonObject t : viaB.poll(type, "w", 12)) {
          viaB.complete(t, "COMPLETED", new JsonObject());
          completed.incrementAndGet();
        }
        return completed.get() == ids.size();
      });
      java.util.Set<String> remaining = new java.util.HashSet<>(ids);
      while (!remaining.isEmpty()) {
        JsonObject m = client.until(x -> "ended".equals(x.getString("id")), WAIT);
        assertEquals("COMPLETED", m.getString("status"), m.encode());
        remaining.remove(m.getString("workflowId"));
      }

      // a watch of a b-owned workflow, then unsubscribed: b releases it
      String onB = ids.stream().filter(id -> owns(b, id)).findFirst().orElseThrow();
      client.subscribe("w", "workflow", new JsonObject().put("workflowId", onB));
      assertEquals("snapshot", client.until(m -> "w".equals(m.getString("id")), WAIT).getString("type"));
      Await.await("b counts the watch", WAIT, () -> !b.server().engine().liveInterest().remoteWatchers(onB).isEmpty());
      client.send(new JsonObject().put("op", "unsubscribe").put("id", "w"));
      Await.await("b released the watch", WAIT, () -> b.server().engine().liveInterest().remoteWatchers(onB).isEmpty());
    }
  }

  @Test
  void aCommitRelayedByAMemberThatNoLongerOwnsTheWorkflowReachesTheListsButNotTheWatchers() {
    List<TestServer> members = twoMembers();
    TestServer a = members.get(0);
    TestServer b = members.get(1);
    LiveHttp viaA = new LiveHttp(a.port());
    String s = UUID.randomUUID().toString().substring(0, 8);
    String type = "lc_late_" + s;
    String name = "lc_late_flow_" + s;
    viaA.registerWorkflow(LiveHttp.definition(name, new JsonArray().add(LiveHttp.simple(type, "first"))));
    String target = startOwnedBy(viaA, name, b);

    try (LiveClient client = LiveClient.connect(sockets, a.port())) {
      client.subscribe("all", "workflows", new JsonObject().put("workflowType", name));
      client.until(m -> "all".equals(m.getString("id")), WAIT);
      client.subscribe("w", "workflow", new JsonObject().put("workflowId", target));
      List<JsonObject> seen = new ArrayList<>();
      assertEquals("snapshot", next(client, "w", seen).getString("type"));

      // what a former owner would still have had in its relay queue when the partition moved
      JsonObject cluster = new JsonObject(viaA.ok("GET", "/api/admin/cluster", null));
      String endpoint = cluster.getString("address");
      JsonObject lateCommit = new JsonObject().put("k", "c").put("workflowId", target).put("workflowType", name)
          .put("status", "PAUSED").put("statusChanged", true).put("reset", false)
          .put("workflowEvent", new JsonObject().put("workflowId", target).put("workflowType", name).put("status", "PAUSED").encode())
          .put("taskEvents", new JsonArray().add(new JsonObject().put("workflowId", target).put("taskId", "late")
              .put("referenceTaskName", "late").put("status", "IN_PROGRESS").encode()));
      JsonObject batch = new JsonObject().put("from", UUID.randomUUID() + "@127.0.0.1:1")
          .put("messages", new JsonArray().add(lateCommit));
      LiveHttp internal = new LiveHttp(Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)));
      assertEquals(204, internal.call("POST", "/cluster/live", batch.encode()).statusCode());
      JsonObject listed = client.until(m -> "all".equals(m.getString("id")) && "PAUSED".equals(m.getString("status")), WAIT);
      assertEquals(target, listed.getString("workflowId"));

      // the owner's own changes still reach the watcher, and the late one never did
      complete(viaA, type, target, "first");
      nextMatching(client, "w", seen, m -> "workflow".equals(m.getString("type")) && "COMPLETED".equals(m.getString("status")));
      assertTrue(seen.stream().noneMatch(m -> "late".equals(m.getString("taskId")) || "PAUSED".equals(m.getString("status"))),
          seen.toString());
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i, seen.get(i).getLong("seq"), "one sequence without gaps: " + seen);
      }
    }
  }

  private static void complete(LiveHttp http, String type, String workflowId, String ref) {
    Await.await("task " + ref + " of " + workflowId + " polled and completed", WAIT, () -> {
      for (JsonObject t : http.poll(type, "w", 10)) {
        if (workflowId.equals(t.getString("workflowInstanceId")) && ref.equals(t.getString("referenceTaskName"))) {
          http.complete(t, "COMPLETED", new JsonObject().put("ref", ref));
          return true;
        }
      }
      return false;
    });
  }

  /** The subscription's next message, recorded in {@code seen}. */
  private static JsonObject next(LiveClient client, String sub, List<JsonObject> seen) {
    JsonObject m = client.until(x -> sub.equals(x.getString("id")), WAIT);
    seen.add(m);
    return m;
  }

  private static JsonObject nextMatching(LiveClient client, String sub, List<JsonObject> seen,
      java.util.function.Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject m = next(client, sub, seen);
      if (match.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no matching message; seen " + seen);
  }
}
