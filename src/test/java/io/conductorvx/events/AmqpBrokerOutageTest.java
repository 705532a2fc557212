package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import com.rabbitmq.client.GetResponse;
import io.conductorvx.client.Await;
import io.conductorvx.model.Json;
import io.conductorvx.testing.TcpProxy;
import io.conductorvx.testing.TestBrokers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ going away while the server runs, without touching the machine's RabbitMQ: the server
 * reaches it through a {@link TcpProxy} that the test cuts and restores (every connection dropped,
 * new ones refused), or RabbitMQ closes the server's connection itself ({@code rabbitmqctl
 * close_connection}). The test publishes straight to RabbitMQ all along.
 */
class AmqpBrokerOutageTest extends EventTestBase {
  private final Vertx proxyVertx = Vertx.vertx();
  private TcpProxy proxy;
  private TestBrokers.Rabbit rabbit;

  @Override
  protected JsonObject serverSettings() {
    try {
      proxy = TcpProxy.start(proxyVertx, TestBrokers.amqpHost(), TestBrokers.amqpPort()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new JsonObject()
        .put("amqpUrl", TestBrokers.amqpUrlVia(proxy.port()))
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
  void connectRabbit() {
    rabbit = new TestBrokers.Rabbit();
  }

  @AfterEach
  void cleanRabbit() {
    proxy.restore();
    rabbit.close();
  }

  private void publishNumbers(String queue, String run, int from, int to) {
    for (int i = from; i <= to; i++) {
      rabbit.publish(queue, run + "-" + i, Json.toString(map("n", run + "-" + i)));
    }
  }

  private void awaitEachStartedOnce(String workflow, String run, int count) {
    for (int i = 1; i <= count; i++) {
      awaitOneStarted(workflow, run + "-" + i);
    }
    Await.holdsFor("no message handled twice", Duration.ofMillis(700), () -> {
      List<Integer> counts = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        counts.add(started(workflow, run + "-" + i).size());
      }
      return counts;
    }, counts -> counts.stream().allMatch(c -> c == 1));
  }

  @Test
  void messagesPublishedWhileRabbitMqIsAwayAreConsumedOnceTheServerReconnectsByItself() throws Exception {
    String wf = uniq("outage_target");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), null);
    String queue = rabbit.queue(uniq("cvx_outage"));
    String out = rabbit.queue(uniq("cvx_outage_out"));
    String publisher = uniq("outage_publisher");
    registerWorkflow(publisher, List.of(eventTask("send", "amqp_queue:" + out, map("x", 1))), null);
    startOn("amqp_queue:" + queue, wf);
    Await.await("the server consuming " + queue, WAIT, () -> rabbit.consumers(queue), c -> c == 1);
    Await.await("the broker up", WAIT, () -> broker("amqp").up(), up -> up);

    String run = uniq("run");
    publishNumbers(queue, run, 1, 10);
    proxy.cut().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); // mid-run: some in flight
    publishNumbers(queue, run, 11, 20); // while the server cannot reach RabbitMQ
    BrokerStatus down = Await.await("the broker reported down", WAIT, () -> broker("amqp"), s -> !s.up());
    assertTrue(down.error() != null && !down.error().isBlank(), down.toString());
    String eventWorkflow = start(publisher, map());
    Await.holdsFor("the EVENT task waits for RabbitMQ instead of failing", Duration.ofMillis(1_000),
        () -> workflowClient.getWorkflow(eventWorkflow, true), w -> w.getStatus() == Workflow.WorkflowStatus.RUNNING);

    proxy.restore();
    Await.await("the broker up again", WAIT, () -> broker("amqp").up(), up -> up);
    awaitEachStartedOnce(wf, run, 20);
    Workflow sent = awaitStatus(eventWorkflow, WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task send = sent.getTasks().get(0);
    GetResponse message = Await.await("the EVENT task's message", WAIT, () -> rabbit.get(out), m -> m != null);
    assertEquals(send.getTaskId(), message.getProps().getMessageId());
    assertTrue(new String(message.getBody(), StandardCharsets.UTF_8).contains(eventWorkflow));
    assertEquals(0, rabbit.ready(queue), "every message acknowledged");
    assertEquals(1, rabbit.consumers(queue), "consuming again, once");
  }

  @Test
  void aConnectionRabbitMqClosesIsOpenedAgain() throws Exception {
    String wf = uniq("closed_target");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), null);
    String queue = rabbit.queue(uniq("cvx_closed"));
    startOn("amqp_queue:" + queue, wf);
    Await.await("the server consuming " + queue, WAIT, () -> rabbit.consumers(queue), c -> c == 1);
    String run = uniq("polite");
    publishNumbers(queue, run, 1, 3);
    awaitEachStartedOnce(wf, run, 3);

    int closed = closeConnectionsNamed("conductor-vx consumer amqp_queue:" + queue);
    assertEquals(1, closed, "the server's consumer connection");
    publishNumbers(queue, run, 4, 6);
    awaitEachStartedOnce(wf, run, 6);
    Await.await("consuming again", WAIT, () -> rabbit.consumers(queue), c -> c == 1);
    assertFalse(broker("amqp").queues().isEmpty());
  }

  /** Asks RabbitMQ to close the connections with that client-given name; how many it closed. */
  private static int closeConnectionsNamed(String name) throws IOException, InterruptedException {
    int closed = 0;
    // the name a client gives its connection is among its client properties
    for (String line : rabbitmqctl("list_connections", "-s", "pid", "client_properties")) {
      int tab = line.indexOf('\t');
      if (tab > 0 && line.substring(tab + 1).contains("\"" + name + "\"")) {
        rabbitmqctl("close_connection", line.substring(0, tab).trim(), "closed by a conductor-vx test");
        closed++;
      }
    }
    return closed;
  }

  private static List<String> rabbitmqctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
    }
    return output.lines().toList();
  }
}
