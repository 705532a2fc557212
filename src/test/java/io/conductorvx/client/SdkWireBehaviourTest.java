package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins down what the official 4.0.10 client puts on the wire, against a recording stub (not the
 * conductor-vx server): the requests the server must be ready for. Passes independently of the
 * server's progress; the recorded exchanges are printed for reference.
 */
class SdkWireBehaviourTest {
  record Seen(String method, String path, MultiMap params, MultiMap headers, String body) {
    @Override
    public String toString() {
      return method + " " + path + " " + params.entries() + " content-type=" + headers.get("Content-Type")
          + " accept=" + headers.get("Accept") + " body=" + body;
    }
  }

  static {
    java.util.logging.Logger.getLogger("com.netflix.conductor").setLevel(java.util.logging.Level.WARNING);
  }

  private Vertx vertx;
  private HttpServer stub;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicBoolean taskHandedOut = new AtomicBoolean();
  private volatile long responseTimeoutSeconds = 60;
  private ConductorClient client;
  private TaskClient taskClient;

  @BeforeEach
  void startStub() {
    vertx = Vertx.vertx();
    stub = TestServer.await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      Seen s = new Seen(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.params()),
          MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), buf.toString());
      seen.add(s);
      var res = req.response();
      if (s.path().startsWith("/api/tasks/poll/batch/")) {
        JsonArray tasks = new JsonArray();
        if (taskHandedOut.compareAndSet(false, true)) {
          tasks.add(new JsonObject().put("taskId", "task-1").put("workflowInstanceId", "wf-1")
              .put("taskType", "wire_task").put("taskDefName", "wire_task").put("referenceTaskName", "r")
              .put("status", "IN_PROGRESS").put("pollCount", 1).put("inputData", new JsonObject().put("x", 1))
              .put("responseTimeoutSeconds", responseTimeoutSeconds).put("startTime", System.currentTimeMillis()));
        }
        res.putHeader("Content-Type", "application/json").end(tasks.encode());
      } else if (s.method().equals("POST") && s.path().equals("/api/tasks")) {
        res.putHeader("Content-Type", "text/plain").end("task-1");
      } else if (s.path().equals("/api/tasks/update-v2")) {
        res.setStatusCode(204).end();
      } else if (s.path().endsWith("/log")) {
        res.end();
      } else if (s.path().equals("/api/tasks/queue/size")) {
        res.putHeader("Content-Type", "application/json").end("7");
      } else if (s.path().equals("/api/tasks/queue/polldata")) {
        res.putHeader("Content-Type", "application/json").end("[]");
      } else {
        res.setStatusCode(404).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", 404).put("message", "stub: no route").encode());
      }
    })).listen(0), 10);
    client = ConductorClient.builder().basePath("http://localhost:" + stub.actualPort() + "/api").build();
    taskClient = new TaskClient(client);
  }

  @AfterEach
  void stopStub() {
    client.shutdown();
    TestServer.await(vertx.close(), 10);
  }

  private List<Seen> requests(String method, String pathPrefix) {
    return seen.stream().filter(s -> s.method().equals(method) && s.path().startsWith(pathPrefix)).toList();
  }

  private TaskRunnerConfigurer runner(TestWorker worker, int threads, Map<String, String> domains) {
    TaskRunnerConfigurer c = new TaskRunnerConfigurer.Builder(taskClient, List.of(worker))
        .withThreadCount(threads).withTaskToDomain(domains).withShutdownGracePeriodSeconds(1).build();
    c.init();
    return c;
  }

  @Test
  void taskRunnerBatchPollsWithFreeSlotsAndUpdatesViaPostTasks() {
    TestWorker worker = TestWorker.completing("wire_task", t -> Map.of("y", 2));
    TaskRunnerConfigurer c = runner(worker, 3, Map.of());
    try {
      Await.await("the result POST", Duration.ofSeconds(10), () -> !requests("POST", "/api/tasks").isEmpty());
    } finally {
      c.shutdown();
    }
    Seen poll = requests("GET", "/api/tasks/poll/batch/").get(0);
    System.out.println("[sdk-wire] first poll: " + poll);
    assertEquals("/api/tasks/poll/batch/wire_task", poll.path());
    assertEquals("w-wire_task", poll.params().get("workerid"), "workerid = Worker.getIdentity()");
    assertEquals("3", poll.params().get("count"), "count = free worker threads");
    assertEquals("100", poll.params().get("timeout"), "default taskPollTimeout 100 ms");
    assertFalse(poll.params().contains("domain"), "no domain param without a domain");

    Seen update = requests("POST", "/api/tasks").get(0);
    System.out.println("[sdk-wire] update: " + update);
    assertEquals("/api/tasks", update.path(), "the default TaskRunner uses POST /api/tasks, not update-v2");
    JsonObject body = new JsonObject(update.body());
    assertEquals("task-1", body.getString("taskId"));
    assertEquals("wf-1", body.getString("workflowInstanceId"));
    assertEquals("COMPLETED", body.getString("status"));
    assertEquals("w-wire_task", body.getString("workerId"));
    assertEquals(2, body.getJsonObject("outputData").getInteger("y"));
    assertTrue(update.headers().get("Content-Type").startsWith("application/json"));
    System.out.println("[sdk-wire] all: " + seen.stream().map(Seen::toString).collect(Collectors.joining("\n  ")));
  }

  @Test
  void taskRunnerSendsTheDomainQueryParameter() {
    TestWorker worker = TestWorker.completing("wire_task", t -> Map.of());
    TaskRunnerConfigurer c = runner(worker, 1, Map.of("wire_task", "blue"));
    try {
      Await.await("a poll", Duration.ofSeconds(10), () -> !requests("GET", "/api/tasks/poll/batch/").isEmpty());
    } finally {
      c.shutdown();
    }
    assertEquals("blue", requests("GET", "/api/tasks/poll/batch/").get(0).params().get("domain"));
  }

  @Test
  void leaseExtensionIsAPostTasksWithExtendLeaseTrue() {
    responseTimeoutSeconds = 1; // extension period = round(0.8 × 1) = 1 s
    TestWorker worker = new TestWorker("wire_task", "lease-worker", 20, task -> {
      Await.sleep(2_300);
      return TestWorker.result(task, TaskResult.Status.COMPLETED, null, Map.of());
    }) {
      @Override
      public boolean leaseExtendEnabled() {
        return true;
      }
    };
    TaskRunnerConfigurer c = runner(worker, 1, Map.of());
    try {
      Await.await("the final update", Duration.ofSeconds(10), () -> requests("POST", "/api/tasks").stream()
          .anyMatch(s -> new JsonObject(s.body()).getString("status").equals("COMPLETED")));
    } finally {
      c.shutdown();
    }
    List<Seen> posts = requests("POST", "/api/tasks").stream().filter(s -> s.path().equals("/api/tasks")).toList();
    posts.forEach(p -> System.out.println("[sdk-wire] lease/update: " + p));
    List<JsonObject> leases = posts.stream().map(p -> new JsonObject(p.body()))
        .filter(b -> b.getBoolean("extendLease", false)).toList();
    assertFalse(leases.isEmpty(), "lease extension POSTs seen");
    assertEquals("IN_PROGRESS", leases.get(0).getString("status"), "lease extension carries the polled status");
  }

  @Test
  void logMessagesAreSentAsRawTextLabelledJson() {
    taskClient.logMessageForTask("task-1", "plain words, not JSON");
    Seen log = requests("POST", "/api/tasks/task-1/log").get(0);
    System.out.println("[sdk-wire] log: " + log);
    assertEquals("plain words, not JSON", log.body(), "the SDK does not JSON-encode the string");
    assertTrue(log.headers().get("Content-Type").startsWith("application/json"));
  }

  @Test
  void queueSizeAndAllPollDataEndpoints() {
    assertEquals(7, taskClient.getQueueSizeForTask("qt"));
    Seen size = requests("GET", "/api/tasks/queue/size").get(0);
    assertEquals("qt", size.params().get("taskType"), "getQueueSizeForTask uses /tasks/queue/size?taskType=");
    taskClient.getAllPollData();
    Seen all = requests("GET", "/api/tasks/queue/polldata").get(0);
    assertTrue(all.params().isEmpty(), "getAllPollData sends no taskType: " + all);
    TaskResult r = new TaskResult();
    r.setTaskId("task-1");
    r.setWorkflowInstanceId("wf-1");
    r.setStatus(TaskResult.Status.COMPLETED);
    assertNull(taskClient.updateTaskV2(r), "update-v2 204 -> null");
  }
}
