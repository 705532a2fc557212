package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.netflix.conductor.client.http.EventClient;
import com.netflix.conductor.common.metadata.events.EventHandler;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.client.Await;
import io.conductorvx.client.TestServer;
import io.conductorvx.model.Json;
import io.conductorvx.testing.TcpProxy;
import io.conductorvx.testing.TestBackends;
import io.conductorvx.testing.TestBrokers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A message is acknowledged only once its actions are committed: while the server's PostgreSQL is
 * unreachable (a {@link TcpProxy} cut) the message it received stays unacknowledged, and when that
 * server goes away it is back in RabbitMQ for the next server, which starts its workflow once.
 */
class AmqpAcknowledgementTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  private final String schema = TestBackends.uniqueSchema();
  private final List<TestServer> servers = new ArrayList<>();
  private TcpProxy pgProxy;
  private TestBrokers.Rabbit rabbit;

  @BeforeEach
  void setUp() throws Exception {
    await(TestBackends.admin("CREATE SCHEMA " + schema));
    PgConnectOptions pg = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    pgProxy = await(TcpProxy.start(vertx, pg.getHost(), pg.getPort()));
    rabbit = new TestBrokers.Rabbit();
  }

  @AfterEach
  void tearDown() throws Exception {
    pgProxy.restore();
    for (TestServer s : servers) {
      try {
        s.close();
      } catch (RuntimeException e) {
        // already closed by the test
      }
    }
    rabbit.close();
    await(TestBackends.dropSchema(schema));
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private TestServer server() {
    TestServer s = TestServer.start(new JsonObject()
        .put("store", "postgres")
        .put("queue", "postgres")
        .put("postgresUrl", TestBackends.postgresUrl("127.0.0.1", pgProxy.port(), schema))
        .put("amqpUrl", TestBrokers.AMQP_URL)
        .put("eventQueueRefreshMs", 500));
    servers.add(s);
    return s;
  }

  @Test
  void aMessageWhoseWorkflowCannotBeStoredIsNotAcknowledgedAndTheNextServerStartsItOnce() throws Exception {
    TestServer first = server();
    String workflow = "ack_target_" + UUID.randomUUID().toString().substring(0, 8);
    WorkflowTask hold = new WorkflowTask();
    hold.setName("hold");
    hold.setTaskReferenceName("hold");
    hold.setType("WAIT");
    WorkflowDef def = new WorkflowDef();
    def.setName(workflow);
    def.setVersion(1);
    def.setOwnerEmail("tests@conductor-vx.io");
    def.setTasks(List.of(hold));
    first.metadataClient().registerWorkflowDef(def);
    String queue = rabbit.queue("cvx_ack_" + UUID.randomUUID().toString().substring(0, 8));
    EventHandler.StartWorkflow start = new EventHandler.StartWorkflow();
    start.setName(workflow);
    start.setVersion(1);
    start.setCorrelationId("${n}");
    EventHandler.Action action = new EventHandler.Action();
    action.setAction(EventHandler.Action.Type.start_workflow);
    action.setStart_workflow(start);
    EventHandler handler = new EventHandler();
    handler.setName("ack_handler_" + UUID.randomUUID().toString().substring(0, 8));
    handler.setEvent("amqp_queue:" + queue);
    handler.setActive(true);
    handler.setActions(List.of(action));
    new EventClient(first.conductorClient()).registerEventHandler(handler);
    Await.await("the first server consuming", WAIT, () -> rabbit.consumers(queue), c -> c == 1);

    await(pgProxy.cut());
    Map<String, Object> payload = new LinkedHashMap<>(Map.of("n", "order-1"));
    rabbit.publish(queue, "order-1", Json.toString(payload));
    Await.holdsFor("the message stays unacknowledged while PostgreSQL is away", Duration.ofMillis(2_500),
        () -> rabbit.ready(queue), ready -> ready <= 1);
    first.close(); // the server goes away holding the message
    Await.await("the message back in the queue", WAIT, () -> rabbit.ready(queue), ready -> ready == 1);

    pgProxy.restore();
    TestServer second = server();
    List<Workflow> started = Await.await("the next server starting the workflow", WAIT,
        () -> second.workflowClient().getWorkflows(workflow, "order-1", true, false), l -> !l.isEmpty());
    Await.await("the message acknowledged", WAIT, () -> rabbit.ready(queue), ready -> ready == 0);
    Await.holdsFor("one workflow for the message", Duration.ofMillis(700),
        () -> second.workflowClient().getWorkflows(workflow, "order-1", true, false), l -> l.size() == 1);
    assertEquals("order-1", started.get(0).getInput().get("conductor.event.messageId"));
    new EventClient(second.conductorClient()).unregisterEventHandler(handler.getName());
  }
}
