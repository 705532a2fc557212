package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.client.Await;
import io.conductorvx.model.Json;
import io.conductorvx.testing.TestBrokers;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NATS as an event broker, through the official client (definitions, handlers, workflows) and
 * jnats (the messages): EVENT tasks publish to core NATS and to JetStream, handlers on
 * {@code nats:} and {@code jsm:} start workflows, and JetStream messages are acknowledged once
 * handled. {@code jsm:} subjects carry Conductor's default prefix.
 */
class NatsEventQueueTest extends EventTestBase {
  private static final String PREFIX = "conductor_jsm_notify_test_";
  private TestBrokers.NatsClient nats;

  @Override
  protected JsonObject serverSettings() {
    return new JsonObject().put("natsUrl", TestBrokers.NATS_URL).put("eventQueueRefreshMs", 500);
  }

  @BeforeEach
  void connectNats() {
    nats = new TestBrokers.NatsClient();
  }

  @AfterEach
  void closeNats() {
    nats.close();
  }

  /** The stream the server creates for a jsm: queue, deleted after the test. */
  private String streamFor(String subject) {
    String stream = (PREFIX + subject).toUpperCase();
    nats.deleteStreamLater(stream);
    return stream;
  }

  @Test
  void eventTasksPublishToCoreNatsAndToJetStream() throws Exception {
    String core = uniq("cvx.core");
    String js = uniq("cvx_js");
    String stream = streamFor(js);
    Subscription subscription = nats.connection.subscribe(core);
    nats.connection.flush(Duration.ofSeconds(5));
    String wf = uniq("nats_publisher");
    registerWorkflow(wf, List.of(
        eventTask("to_core", "nats:" + core, map("kind", "core")),
        eventTask("to_js", "jsm:" + js, map("kind", "jetstream"))), null);
    Await.await("the nats broker up", WAIT, () -> broker("nats").up(), up -> up);

    String id = start(wf, map());
    Workflow done = awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task toCore = done.getTasks().get(0);
    Task toJs = done.getTasks().get(1);

    Message message = subscription.nextMessage(Duration.ofSeconds(10));
    assertNotNull(message, "the core NATS message");
    assertEquals(toCore.getTaskId(), message.getHeaders().getFirst("Nats-Msg-Id"));
    JsonObject body = new JsonObject(new String(message.getData(), StandardCharsets.UTF_8));
    assertEquals("core", body.getString("kind"));
    assertEquals(id, body.getString("workflowInstanceId"));
    assertEquals("nats:" + core, body.getString("event_produced"));

    MessageInfo stored = nats.jsm().getLastMessage(stream, PREFIX + js);
    assertEquals(toJs.getTaskId(), stored.getHeaders().getFirst("Nats-Msg-Id"));
    JsonObject jsBody = new JsonObject(new String(stored.getData(), StandardCharsets.UTF_8));
    assertEquals("jetstream", jsBody.getString("kind"));
    assertEquals("jsm:" + js, jsBody.getString("sink"));
  }

  @Test
  void natsAndJetStreamMessagesStartWorkflowsAndJetStreamOnesAreAcknowledged() throws Exception {
    String wf = uniq("nats_target");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), null);
    String core = uniq("cvx.in");
    String js = uniq("cvx_in");
    String stream = streamFor(js);
    startOn("nats:" + core + ":workers", wf);
    startOn("jsm:" + js, wf);
    Await.await("the server's JetStream consumer", WAIT, () -> {
      try {
        return nats.jsm().getConsumerNames(stream);
      } catch (Exception e) {
        return List.<String>of();
      }
    }, names -> names.stream().anyMatch(n -> n.startsWith("conductor-vx_")));

    String viaCore = uniq("core");
    Headers headers = new Headers().put("Nats-Msg-Id", "msg-" + viaCore);
    byte[] coreBody = Json.toString(map("n", viaCore)).getBytes(StandardCharsets.UTF_8);
    // core NATS keeps nothing for a subscription not in place yet: send (with one id) until it is
    Workflow fromCore = Await.await("a workflow from core NATS", WAIT, () -> {
      nats.connection.publish(core, headers, coreBody);
      return started(wf, viaCore);
    }, l -> !l.isEmpty()).get(0);
    assertEquals("nats:" + core + ":workers", fromCore.getInput().get("conductor.event.name"));
    assertEquals("msg-" + viaCore, fromCore.getInput().get("conductor.event.messageId"));

    String viaJs = uniq("js");
    nats.connection.jetStream().publish(PREFIX + js, Json.toString(map("n", viaJs)).getBytes(StandardCharsets.UTF_8));
    Workflow fromJs = awaitOneStarted(wf, viaJs);
    assertTrue(String.valueOf(fromJs.getInput().get("conductor.event.messageId")).startsWith(stream + "-"),
        "no Nats-Msg-Id: <stream>-<sequence>: " + fromJs.getInput());
    String consumer = nats.jsm().getConsumerNames(stream).get(0);
    ConsumerInfo info = Await.await("the JetStream message acknowledged", WAIT, () -> {
      try {
        return nats.jsm().getConsumerInfo(stream, consumer);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, i -> i.getNumAckPending() == 0 && i.getNumPending() == 0);
    assertEquals(0, info.getNumAckPending());
  }
}
