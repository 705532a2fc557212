package io.conductorvx.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.TestServer;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.Fence;
import io.conductorvx.store.FencedWriteException;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several instances (each on a Vert.x of its own) over one PostgreSQL schema, with PostgreSQL
 * queues: partitions spread over them, any instance serves any request, and an owner whose lease
 * moved under it has its next write refused while the new owner's state stands.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterTest {
  private static final int PARTITIONS = 16;

  private String schema;
  private final List<TestServer> servers = new ArrayList<>();
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    schema = TestBackends.uniqueSchema();
    TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    for (TestServer s : servers) {
      s.close();
    }
    TestServer.await(TestBackends.dropSchema(schema), 30);
  }

  private TestServer member(long leaseMs) {
    TestServer s = TestServer.start(new JsonObject()
        .put("store", "postgres").put("queue", "postgres").put("postgresUrl", TestBackends.postgresUrl(schema))
        .put("cluster", true).put("clusterPartitions", PARTITIONS).put("clusterLeaseMs", leaseMs)
        .put("clusterHeartbeatMs", 100).put("deciderPartitions", 2).put("httpInstances", 1).put("maxPollTimeoutMs", 20_000));
    servers.add(s);
    return s;
  }

  private static ClusterNode node(TestServer s) {
    return (ClusterNode) s.server().engine().ownership();
  }

  @Test
  void threeInstancesShareThePartitionsAndAnyInstanceServesAnyWorkflow() throws Exception {
    TestServer a = member(3_000);
    TestServer b = member(3_000);
    TestServer c = member(3_000);
    List<TestServer> all = List.of(a, b, c);
    awaitCondition("partitions spread over three members", () -> all.stream().allMatch(s -> owned(s) > 0)
        && all.stream().mapToInt(ClusterTest::owned).sum() == PARTITIONS);

    JsonObject view = call(a, HttpMethod.GET, "/api/admin/cluster", null).bodyAsJsonObject();
    assertEquals(3, view.getJsonArray("members").size(), view.encodePrettily());
    assertEquals(PARTITIONS, view.getJsonArray("partitionTable").size());

    register(a, "spread", 2);
    int workflows = 30;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < workflows; i++) {
      HttpResponse<Buffer> started = call(all.get(i % 3), HttpMethod.POST, "/api/workflow/spread", new JsonObject().toBuffer());
      assertEquals(200, started.statusCode(), started.bodyAsString());
      ids.add(started.bodyAsString());
    }
    // workers poll one instance and report to another: every claim and update reaches the owner
    Set<String> executed = new HashSet<>();
    int round = 0;
    while (executed.size() < workflows * 2) {
      TestServer poller = all.get(round % 3);
      TestServer reporter = all.get((round + 1) % 3);
      round++;
      HttpResponse<Buffer> polled = call(poller, HttpMethod.GET, "/api/tasks/poll/batch/spread_task?workerid=w&count=10&timeout=200", null);
      assertEquals(200, polled.statusCode(), polled.bodyAsString());
      for (Object o : polled.bodyAsJsonArray()) {
        JsonObject task = (JsonObject) o;
        assertTrue(executed.add(task.getString("taskId")), "task handed out twice: " + task.getString("taskId"));
        HttpResponse<Buffer> done = call(reporter, HttpMethod.POST, "/api/tasks", new JsonObject()
            .put("workflowInstanceId", task.getString("workflowInstanceId")).put("taskId", task.getString("taskId"))
            .put("status", "COMPLETED").put("outputData", new JsonObject().put("by", "w")).toBuffer());
        assertEquals(200, done.statusCode(), done.bodyAsString());
      }
      assertTrue(round < 500, "tasks did not all come: " + executed.size());
    }
    // every instance reports the same final state for every workflow
    for (String id : ids) {
      for (TestServer s : all) {
        awaitCondition("workflow " + id + " COMPLETED as seen by every instance",
            () -> "COMPLETED".equals(call(s, HttpMethod.GET, "/api/workflow/" + id + "?includeTasks=false", null)
                .bodyAsJsonObject().getString("status")));
      }
    }
    // ownership and forwarding are in Prometheus: the partitions held add up, each member took some
    double ownedInAll = 0;
    double forwardedInAll = 0;
    for (TestServer s : all) {
      String metrics = call(s, HttpMethod.GET, "/metrics", null).bodyAsString();
      ownedInAll += sample(metrics, "conductorvx_cluster_partitions_owned ");
      assertTrue(sample(metrics, "conductorvx_cluster_ownership_changes_total{change=\"acquired\"") > 0, metrics);
      forwardedInAll += sample(metrics, "conductorvx_cluster_forwarded_commands_total ");
    }
    assertEquals(PARTITIONS, ownedInAll);
    assertTrue(forwardedInAll > 0, "starts and updates sent to other members' partitions are counted");
  }

  /** The value of the first Prometheus sample line starting with {@code prefix}. */
  private static double sample(String metrics, String prefix) {
    return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + metrics));
  }

  @Test
  void aStaleOwnersWriteIsRefusedAndTheNewOwnersStateWins() throws Exception {
    // long leases: the paused member keeps trusting its own for the whole test
    TestServer a = member(60_000);
    TestServer b = member(60_000);
    awaitCondition("both members hold partitions", () -> owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) == PARTITIONS);
    register(a, "fence", 2);

    // a workflow owned by a, its first task claimed through a
    ClusterNode nodeA = node(a);
    String id;
    do {
      id = UUID.randomUUID().toString();
    } while (nodeA.epochIfOwned(nodeA.partitionOf(id)) < 0);
    int partition = nodeA.partitionOf(id);
    long staleEpoch = nodeA.epochIfOwned(partition);
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = "fence";
    request.input = Map.of();
    String workflowId = id;
    TestServer.await(a.server().engine().startWorkflow(request, workflowId, null, null, null), 10);
    JsonObject task = call(a, HttpMethod.GET, "/api/tasks/poll/fence_task?workerid=w", null).bodyAsJsonObject();
    assertEquals(workflowId, task.getString("workflowInstanceId"));

    // a's lease loop stalls; its lease runs out and b takes the partition (a new epoch)
    TestServer.await(nodeA.pauseRounds(), 10);
    TestServer.await(TestBackends.admin("UPDATE " + schema + ".cluster_member SET heartbeat_at = now() - interval '1 hour'"
        + " WHERE member_id = '" + nodeA.memberId() + "'"), 10);
    TestServer.await(TestBackends.admin("UPDATE " + schema + ".cluster_partition SET lease_until = now() - interval '1 second'"
        + " WHERE owner = '" + nodeA.memberId() + "'"), 10);
    ClusterNode nodeB = node(b);
    awaitCondition("b owns the partition", () -> nodeB.epochIfOwned(partition) > staleEpoch);
    assertEquals(staleEpoch, nodeA.epochIfOwned(partition), "a still believes it owns the partition");

    // a write under the old epoch is refused by the store, in its transaction
    Workflow stored = TestServer.await(a.server().backends().executions().getWorkflow(workflowId, true), 10);
    stored.variables = new java.util.HashMap<>(Map.of("stale", true));
    Throwable refused = TestServer.await(a.server().backends().executions()
        .save(stored, List.of(), List.of(), new Fence(partition, staleEpoch))
        .transform(ar -> Future.succeededFuture(ar.cause())), 10);
    assertTrue(refused instanceof FencedWriteException, "stale write: " + refused);
    // so is a removal under the old epoch: the workflow stays for its new owner
    Throwable removal = TestServer.await(a.server().backends().executions()
        .removeWorkflow(workflowId, new Fence(partition, staleEpoch))
        .transform(ar -> Future.succeededFuture(ar.cause())), 10);
    assertTrue(removal instanceof FencedWriteException, "stale removal: " + removal);
    assertEquals(workflowId, TestServer.await(b.server().backends().executions().getWorkflow(workflowId, false), 10).workflowId);

    // the worker reports to a, which still thinks it owns the workflow: its save is refused, it
    // lets go of the partition and the update reaches b, whose state wins
    HttpResponse<Buffer> done = call(a, HttpMethod.POST, "/api/tasks", new JsonObject()
        .put("workflowInstanceId", workflowId).put("taskId", task.getString("taskId"))
        .put("status", "COMPLETED").toBuffer());
    assertEquals(200, done.statusCode(), done.bodyAsString());
    assertEquals(-1, nodeA.epochIfOwned(partition), "a dropped the partition after the refused write");

    JsonObject second = pollUntil(b, "fence_task");
    assertEquals(workflowId, second.getString("workflowInstanceId"));
    assertEquals(200, call(a, HttpMethod.POST, "/api/tasks", new JsonObject()
        .put("workflowInstanceId", workflowId).put("taskId", second.getString("taskId"))
        .put("status", "COMPLETED").toBuffer()).statusCode());
    awaitCondition("the workflow completes under b", () -> {
      Workflow wf = TestServer.await(b.server().backends().executions().getWorkflow(workflowId, true), 10);
      return wf.status.name().equals("COMPLETED") && wf.variables.get("stale") == null;
    });
    JsonObject view = call(b, HttpMethod.GET, "/api/admin/cluster", null).bodyAsJsonObject();
    assertEquals(staleEpoch + 1, view.getJsonArray("partitionTable").getJsonObject(partition).getLong("epoch"));
    assertEquals(nodeB.memberId().toString(), view.getJsonArray("partitionTable").getJsonObject(partition).getString("owner"));
  }

  @Test
  void aPushOnOneMemberWakesALongPollParkedOnAnother() throws Exception {
    TestServer a = member(3_000);
    TestServer b = member(3_000);
    awaitCondition("both members hold partitions", () -> owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) == PARTITIONS);
    register(a, "wake", 1);
    ClusterNode nodeB = node(b);
    String id;
    do {
      id = UUID.randomUUID().toString();
    } while (nodeB.epochIfOwned(nodeB.partitionOf(id)) < 0);
    // parked on a for up to 15 s; the task is pushed by b, the owner
    long parkedAt = System.nanoTime();
    Future<HttpResponse<Buffer>> poll = http.request(HttpMethod.GET, a.port(), "127.0.0.1", "/api/tasks/poll/batch/wake_task?workerid=w&count=1&timeout=15000")
        .timeout(30_000).send();
    awaitCondition("the poll reached a", () -> !a.server().engine().activeWorkers().forType("wake_task").isEmpty());
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = "wake";
    request.input = Map.of();
    TestServer.await(b.server().engine().startWorkflow(request, id, null, null, null), 10);
    HttpResponse<Buffer> polled = TestServer.await(poll, 30);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - parkedAt);
    assertEquals(200, polled.statusCode(), "after " + waitedMs + " ms: " + polled.bodyAsString());
    assertEquals(id, polled.bodyAsJsonArray().getJsonObject(0).getString("workflowInstanceId"));
    assertTrue(waitedMs < 10_000, "the poll was woken by b's push, not by its 15 s timeout: " + waitedMs + " ms");
  }

  private static int owned(TestServer s) {
    ClusterNode n = node(s);
    int count = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      if (n.epochIfOwned(p) >= 0) {
        count++;
      }
    }
    return count;
  }

  private void register(TestServer s, String name, int tasks) {
    assertEquals(200, call(s, HttpMethod.POST, "/api/metadata/taskdefs", new JsonArray().add(new JsonObject()
        .put("name", name + "_task").put("retryCount", 0).put("responseTimeoutSeconds", 60).put("timeoutSeconds", 0)
        .put("ownerEmail", "cluster@conductor-vx.io")).toBuffer()).statusCode());
    JsonArray nodes = new JsonArray();
    for (int i = 0; i < tasks; i++) {
      nodes.add(new JsonObject().put("name", name + "_task").put("taskReferenceName", "t" + i).put("type", "SIMPLE"));
    }
    assertEquals(200, call(s, HttpMethod.POST, "/api/metadata/workflow", new JsonObject().put("name", name).put("version", 1)
        .put("schemaVersion", 2).put("ownerEmail", "cluster@conductor-vx.io").put("tasks", nodes).toBuffer()).statusCode());
  }

  private JsonObject pollUntil(TestServer s, String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      HttpResponse<Buffer> r = call(s, HttpMethod.GET, "/api/tasks/poll/" + type + "?workerid=w", null);
      if (r.statusCode() == 200 && r.body() != null && r.body().length() > 0) {
        return r.bodyAsJsonObject();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + type + " task within 10 s");
  }

  private HttpResponse<Buffer> call(TestServer s, HttpMethod method, String path, Buffer body) {
    var req = http.request(method, s.port(), "127.0.0.1", path).putHeader("content-type", "application/json").timeout(20_000);
    return TestServer.await(body == null ? req.send() : req.sendBuffer(body), 30);
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitCondition(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
