package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.client.Await;
import io.conductorvx.model.Json;
import io.conductorvx.testing.TcpProxy;
import io.conductorvx.testing.TestBrokers;
import io.nats.client.api.MessageInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NATS going away while the server runs (a {@link TcpProxy} between them, cut and restored): the
 * server reconnects by itself, JetStream messages published meanwhile are consumed afterwards,
 * and an EVENT task publishing to JetStream meanwhile completes once the message is stored.
 */
class NatsOutageTest extends EventTestBase {
  private static final String PREFIX = "cvxtest_";
  private final Vertx proxyVertx = Vertx.vertx();
  private TcpProxy proxy;
  private TestBrokers.NatsClient nats;

  @Override
  protected JsonObject serverSettings() {
    try {
      proxy = TcpProxy.start(proxyVertx, TestBrokers.natsHost(), TestBrokers.natsPort()).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new JsonObject()
        .put("natsUrl", "nats://127.0.0.1:" + proxy.port())
        .put("jetStreamSubjectPrefix", PREFIX)
        // a message the server hands to the cut connection's pull request before it notices the cut
        // comes back after the ack wait: short here, so the test need not wait a minute for it
        .put("jetStreamAckWaitMs", 3_000)
        .put("eventQueueRefreshMs", 500)
        .put("brokerReconnectMs", 100)
        .put("brokerReconnectMaxMs", 1_000)
        .put("brokerPublishTimeoutMs", 60_000);
  }

  @AfterAll
  void stopProxy() throws Exception {
    proxyVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void connectNats() {
    nats = new TestBrokers.NatsClient();
  }

  @AfterEach
  void closeNats() {
    proxy.restore();
    nats.close();
  }

  @Test
  void jetStreamMessagesPublishedWhileNatsIsAwayAreConsumedOnceTheServerReconnects() throws Exception {
    String wf = uniq("nats_outage_target");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), null);
    String subject = uniq("cvx_outage");
    String stream = (PREFIX + subject).toUpperCase();
    nats.deleteStreamLater(stream);
    String out = uniq("cvx_outage_out");
    String outStream = (PREFIX + out).toUpperCase();
    nats.deleteStreamLater(outStream);
    String publisher = uniq("nats_outage_publisher");
    registerWorkflow(publisher, List.of(eventTask("send", "jsm:" + out, map("x", 1))), null);
    startOn("jsm:" + subject, wf);
    Await.await("the server's JetStream consumer", WAIT, () -> {
      try {
        return nats.jsm().getConsumerNames(stream);
      } catch (Exception e) {
        return List.<String>of();
      }
    }, names -> !names.isEmpty());
    // the stream of the EVENT task exists before the outage, so the test can read it back
    nats.jsm().addStream(io.nats.client.api.StreamConfiguration.builder().name(outStream).subjects(PREFIX + out).build());

    String run = uniq("js_run");
    var js = nats.connection.jetStream();
    for (int i = 1; i <= 3; i++) {
      js.publish(PREFIX + subject, Json.toString(map("n", run + "-" + i)).getBytes(StandardCharsets.UTF_8));
    }
    // (a message delivered but not acknowledged when the connection drops comes back after the
    // consumer's ack wait: the test lets the first ones finish rather than wait for that)
    for (int i = 1; i <= 3; i++) {
      awaitOneStarted(wf, run + "-" + i);
    }
    proxy.cut().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int i = 4; i <= 8; i++) {
      js.publish(PREFIX + subject, Json.toString(map("n", run + "-" + i)).getBytes(StandardCharsets.UTF_8));
    }
    Await.await("the nats broker reported down", WAIT, () -> broker("nats"), s -> !s.up());
    String eventWorkflow = start(publisher, map());
    Await.holdsFor("the EVENT task waits for NATS instead of failing", Duration.ofMillis(1_000),
        () -> workflowClient.getWorkflow(eventWorkflow, false), w -> w.getStatus() == Workflow.WorkflowStatus.RUNNING);

    proxy.restore();
    Await.await("the nats broker up again", WAIT, () -> broker("nats").up(), up -> up);
    for (int i = 1; i <= 8; i++) {
      awaitOneStarted(wf, run + "-" + i);
    }
    Workflow sent = awaitStatus(eventWorkflow, WAIT, Workflow.WorkflowStatus.COMPLETED);
    MessageInfo stored = nats.jsm().getLastMessage(outStream, PREFIX + out);
    assertEquals(sent.getTasks().get(0).getTaskId(), stored.getHeaders().getFirst("Nats-Msg-Id"));
    Await.holdsFor("each message handled once", Duration.ofMillis(700), () -> {
      int total = 0;
      for (int i = 1; i <= 8; i++) {
        total += started(wf, run + "-" + i).size();
      }
      return total;
    }, total -> total == 8);
  }
}
