package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.rabbitmq.client.GetResponse;
import io.conductorvx.client.Await;
import io.conductorvx.testing.TestBrokers;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workflow and task status listeners publishing to brokers: a workflow whose definition enables
 * the listener is announced on the success (COMPLETED), failure (TERMINATED…) and finalize queues
 * with Conductor's WorkflowSummary, and on its own {@code workflowStatusListenerSink}; task
 * status changes go to the task status queue as Conductor's TaskNotification.
 */
class StatusListenerTest extends EventTestBase {
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String success = "cvx_wf_success_" + suffix;
  private final String failure = "cvx_wf_failure_" + suffix;
  private final String finalized = "cvx.wf.final." + suffix;
  private final String tasks = "cvx_task_status_" + suffix;
  private TestBrokers.Rabbit rabbit;
  private TestBrokers.NatsClient nats;

  @Override
  protected JsonObject serverSettings() {
    return new JsonObject()
        .put("amqpUrl", TestBrokers.AMQP_URL)
        .put("natsUrl", TestBrokers.NATS_URL)
        .put("workflowStatusSuccessQueue", "amqp_queue:" + success)
        .put("workflowStatusFailureQueue", "amqp_queue:" + failure)
        .put("workflowStatusFinalizeQueue", "nats:" + finalized)
        .put("taskStatusQueue", "amqp_queue:" + tasks);
  }

  @BeforeEach
  void connect() {
    rabbit = new TestBrokers.Rabbit();
    nats = new TestBrokers.NatsClient();
  }

  @AfterEach
  void disconnect() {
    rabbit.close();
    nats.close();
  }

  @AfterAll
  void deleteQueues() {
    try (TestBrokers.Rabbit r = new TestBrokers.Rabbit()) {
      List.of(success, failure, tasks).forEach(r::forgetLater);
    }
  }

  private JsonObject awaitNotice(String queue, String workflowId) {
    GetResponse m = Await.await("a notice of " + workflowId + " on " + queue, WAIT, () -> {
      GetResponse next = rabbit.exists(queue) ? rabbit.get(queue) : null;
      while (next != null && !new String(next.getBody(), StandardCharsets.UTF_8).contains(workflowId)) {
        next = rabbit.get(queue); // another test's notice
      }
      return next;
    }, r -> r != null);
    assertTrue(m.getProps().getMessageId().startsWith(workflowId + ":"), m.getProps().getMessageId());
    return new JsonObject(new String(m.getBody(), StandardCharsets.UTF_8));
  }

  @Test
  void aCompletedWorkflowIsAnnouncedOnTheSuccessAndFinalizeQueuesWithItsSummary() throws Exception {
    Subscription finals = nats.connection.subscribe(finalized);
    nats.connection.flush(Duration.ofSeconds(5));
    String silent = uniq("unlistened");
    registerWorkflow(silent, List.of(systemTask("SET_VARIABLE", "set", map("x", 1))), null);
    String wf = uniq("listened");
    registerWorkflow(wf, List.of(systemTask("SET_VARIABLE", "set", map("x", 1))), d -> {
      d.setWorkflowStatusListenerEnabled(true);
      d.setOutputParameters(map("result", "done"));
    });
    String quiet = start(silent, map());
    String id = start(wf, map("orderId", "o-1"));

    JsonObject summary = awaitNotice(success, id);
    assertEquals(id, summary.getString("workflowId"));
    assertEquals(wf, summary.getString("workflowType"));
    assertEquals(1, summary.getInteger("version"));
    assertEquals("COMPLETED", summary.getString("status"));
    assertTrue(summary.getString("input").contains("o-1"), "input as JSON text: " + summary);
    assertTrue(summary.getString("output").contains("done"), summary.toString());
    assertNotNull(summary.getString("endTime"));

    Message fin = Await.await("the finalize notice", WAIT, () -> {
      try {
        Message m = finals.nextMessage(Duration.ofMillis(200));
        while (m != null && !new String(m.getData(), StandardCharsets.UTF_8).contains(id)) {
          m = finals.nextMessage(Duration.ofMillis(200));
        }
        return m;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, m -> m != null);
    assertEquals("COMPLETED", new JsonObject(new String(fin.getData(), StandardCharsets.UTF_8)).getString("status"));
    awaitStatus(quiet, WAIT, com.netflix.conductor.common.run.Workflow.WorkflowStatus.COMPLETED);
    Await.holdsFor("no notice for a definition without the listener", Duration.ofMillis(500), () -> {
      List<String> bodies = new ArrayList<>();
      for (GetResponse m = rabbit.get(success); m != null; m = rabbit.get(success)) {
        bodies.add(new String(m.getBody(), StandardCharsets.UTF_8));
      }
      return bodies;
    }, bodies -> bodies.stream().noneMatch(b -> b.contains(quiet)));
  }

  @Test
  void aTerminatedWorkflowIsAnnouncedOnTheFailureQueueAndOnItsOwnSink() {
    String own = rabbit.queue(uniq("cvx_own_sink"));
    String wf = uniq("terminated");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), d -> {
      d.setWorkflowStatusListenerEnabled(true);
      d.setWorkflowStatusListenerSink("amqp_queue:" + own);
    });
    String id = start(wf, map());
    workflowClient.terminateWorkflow(id, "stopped by the test");
    JsonObject summary = awaitNotice(failure, id);
    assertEquals("TERMINATED", summary.getString("status"));
    assertEquals("stopped by the test", summary.getString("reasonForIncompletion"));
    JsonObject viaSink = awaitNotice(own, id);
    assertEquals("TERMINATED", viaSink.getString("status"));
  }

  @Test
  void taskStatusChangesAreAnnouncedAsTaskNotifications() {
    String type = uniq("listened_task");
    registerTaskDef(type, null);
    String wf = uniq("task_listened");
    registerWorkflow(wf, List.of(simpleTask(type, "work", map("in", 1))), null);
    String id = start(wf, map());
    Task polled = awaitPoll(type, "worker-1", null, WAIT);
    complete(polled, map("out", 2));

    List<String> statuses = new ArrayList<>();
    JsonObject[] last = {null};
    Await.await("the task's notices up to COMPLETED", WAIT, () -> {
      for (GetResponse m = rabbit.exists(tasks) ? rabbit.get(tasks) : null; m != null; m = rabbit.get(tasks)) {
        JsonObject notice = new JsonObject(new String(m.getBody(), StandardCharsets.UTF_8));
        if (polled.getTaskId().equals(notice.getString("taskId"))) {
          statuses.add(notice.getString("status"));
          last[0] = notice;
        }
      }
      return statuses;
    }, s -> s.contains("COMPLETED"));
    assertEquals(List.of("SCHEDULED", "IN_PROGRESS", "COMPLETED"), statuses);
    JsonObject done = last[0];
    assertEquals(id, done.getString("workflowId"));
    assertEquals("work", done.getString("referenceTaskName"));
    assertEquals(type, done.getString("taskDefName"));
    assertEquals(0, done.getInteger("retryCount"));
    assertTrue(done.getString("output").contains("\"out\":2"), done.toString());
    assertNull(done.getValue("taskDescription"));
  }
}
