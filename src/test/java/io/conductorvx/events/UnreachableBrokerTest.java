package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.Backends;
import io.conductorvx.client.Await;
import io.conductorvx.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Brokers that cannot be reached do not stop the server: each reports itself down with the reason,
 * handlers on it show in its status, and an EVENT task publishing to it fails once the publish
 * timeout passed, saying why.
 */
class UnreachableBrokerTest extends EventTestBase {
  @Override
  protected JsonObject serverSettings() {
    return new JsonObject()
        .put("amqpUrl", "amqp://guest:guest@127.0.0.1:1")
        .put("natsUrl", "nats://127.0.0.1:1")
        .put("brokerReconnectMs", 200)
        .put("brokerPublishTimeoutMs", 1_500)
        .put("eventQueueRefreshMs", 300);
  }

  @Test
  void theServerStartsAndEachBrokerReportsWhyItIsDown() {
    BrokerStatus amqp = Await.await("the amqp broker's reason", WAIT, () -> broker("amqp"),
        s -> s.error() != null && !s.error().startsWith("not connected yet"));
    assertFalse(amqp.up());
    assertEquals("127.0.0.1:1 vhost /", amqp.address(), "no credentials in the status");
    assertEquals(List.of("amqp_queue", "amqp_exchange"), amqp.types());
    assertTrue(amqp.error().contains("Connection refused"), amqp.toString());
    BrokerStatus nats = Await.await("the nats broker's reason", WAIT, () -> broker("nats"),
        s -> s.error() != null && !s.error().startsWith("not connected yet"));
    assertFalse(nats.up());
    assertEquals("127.0.0.1:1", nats.address());
    assertFalse(nats.error().isBlank(), nats.toString());
  }

  @Test
  void handlersOnAnUnreachableBrokerShowInItsStatus() {
    String queue = uniq("cvx_nowhere");
    startOn("amqp_queue:" + queue, uniq("nothing"));
    startOn("jsm:" + queue, uniq("nothing"));
    Await.await("the handlers' queues in the status", WAIT, () -> broker("amqp").queues(), q -> q.contains("amqp_queue:" + queue));
    Await.await("the handlers' queues in the status", WAIT, () -> broker("nats").queues(), q -> q.contains("jsm:" + queue));
  }

  @Test
  void anEventTaskFailsWhenItsBrokerCannotTakeTheMessageOrItsQueueNameIsInvalid() {
    String wf = uniq("unreachable_publisher");
    registerWorkflow(wf, List.of(eventTask("send", "amqp_queue:" + uniq("cvx_nowhere"), map())), null);
    String id = start(wf, map());
    Task failed = Await.await("the EVENT task failed", WAIT, () -> workflowClient.getWorkflow(id, true).getTasks().get(0),
        t -> t.getStatus() == Task.Status.FAILED);
    assertTrue(failed.getReasonForIncompletion().startsWith("Failed to publish the event to amqp_queue:"), failed.getReasonForIncompletion());
    assertTrue(failed.getReasonForIncompletion().contains("RabbitMQ did not confirm"), failed.getReasonForIncompletion());

    String bad = uniq("bad_uri_publisher");
    registerWorkflow(bad, List.of(eventTask("send", "amqp_queue:q?deliveryMode=7", map())), null);
    String badId = start(bad, map());
    Workflow ended = awaitStatus(badId, WAIT, Workflow.WorkflowStatus.FAILED, Workflow.WorkflowStatus.RUNNING);
    Task refused = Await.await("the EVENT task failed", WAIT, () -> workflowClient.getWorkflow(ended.getWorkflowId(), true).getTasks().get(0),
        t -> t.getStatus() == Task.Status.FAILED);
    assertTrue(refused.getReasonForIncompletion().contains("Delivery mode must be 1 or 2"), refused.getReasonForIncompletion());
  }

  @Test
  void anInvalidBrokerUrlStopsTheStartWithOneLine() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ExecutionException e = assertThrows(ExecutionException.class, () -> Backends.create(vertx,
              ServerConfig.fromJson(new JsonObject().put("amqpUrl", "rabbit at home")))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals("Invalid amqpUrl (expected amqp://user:password@host:port/vhost)", e.getCause().getMessage());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
