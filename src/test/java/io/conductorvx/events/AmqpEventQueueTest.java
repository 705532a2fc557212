package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.events.EventHandler;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import com.rabbitmq.client.GetResponse;
import io.conductorvx.client.Await;
import io.conductorvx.model.Json;
import io.conductorvx.testing.TestBrokers;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ as an event broker, driven through the official client (definitions, handlers,
 * workflows) and RabbitMQ's own Java client (the messages): handlers on {@code amqp_queue:}
 * start workflows and complete WAIT tasks, EVENT tasks publish with confirms to queues and
 * exchanges, a message delivered twice acts once, and every run is readable as an event execution.
 */
class AmqpEventQueueTest extends EventTestBase {
  private TestBrokers.Rabbit rabbit;

  @Override
  protected JsonObject serverSettings() {
    return new JsonObject().put("amqpUrl", TestBrokers.AMQP_URL).put("eventQueueRefreshMs", 500);
  }

  @BeforeEach
  void connectRabbit() {
    rabbit = new TestBrokers.Rabbit();
  }

  @AfterEach
  void cleanRabbit() {
    rabbit.close();
  }

  private void awaitConsumed(String... queues) {
    for (String q : queues) {
      Await.await("the server consuming " + q, WAIT, () -> rabbit.consumers(q), n -> n >= 1);
    }
  }

  private static String json(Object... keyValues) {
    return Json.toString(map(keyValues));
  }

  @Test
  void anAmqpMessageStartsAWorkflowAndAnotherCompletesItsWaitTask() {
    String wf = uniq("amqp_target");
    registerWorkflow(wf, List.of(systemTask("WAIT", "approval", map())), null);
    String startQueue = rabbit.queue(uniq("cvx_start"));
    String doneQueue = rabbit.queue(uniq("cvx_done"));
    EventHandler starter = startOn("amqp_queue:" + startQueue, wf);
    EventHandler completer = completeOn("amqp_queue:" + doneQueue, "approval");
    awaitConsumed(startQueue, doneQueue);
    BrokerStatus status = Await.await("the amqp broker up with both queues", WAIT, () -> broker("amqp"), BrokerStatus::up);
    assertEquals(List.of("amqp_queue:" + doneQueue, "amqp_queue:" + startQueue), status.queues().stream()
        .filter(q -> q.contains(doneQueue) || q.contains(startQueue)).sorted().toList());

    String n = uniq("order");
    rabbit.publish(startQueue, "start-" + n, json("n", n));
    Workflow running = awaitOneStarted(wf, n);
    assertEquals(n, running.getInput().get("n"));
    assertEquals("start-" + n, running.getInput().get("conductor.event.messageId"));
    assertEquals("amqp_queue:" + startQueue, running.getInput().get("conductor.event.name"));
    Await.await("the WAIT task to be waiting", WAIT, () -> workflowClient.getWorkflow(running.getWorkflowId(), true),
        w -> w.getTasks().size() == 1 && w.getTasks().get(0).getStatus() == Task.Status.IN_PROGRESS);

    rabbit.publish(doneQueue, "done-" + n, json("workflowId", running.getWorkflowId(), "answer", "approved"));
    Workflow done = awaitStatus(running.getWorkflowId(), WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task approval = done.getTasks().get(0);
    assertEquals(Task.Status.COMPLETED, approval.getStatus());
    assertEquals("approved", approval.getOutputData().get("answer"));
    assertEquals("done-" + n, approval.getOutputData().get("conductor.event.messageId"));

    List<Map<String, Object>> started = executions(starter.getName());
    assertEquals(1, started.size(), started.toString());
    Map<String, Object> run = started.get(0);
    assertEquals("start-" + n + "_0", run.get("id"));
    assertEquals("start-" + n, run.get("messageId"));
    assertEquals("amqp_queue:" + startQueue, run.get("event"));
    assertEquals("COMPLETED", run.get("status"));
    assertEquals("start_workflow", run.get("action"));
    assertEquals(running.getWorkflowId(), ((Map<?, ?>) run.get("output")).get("workflowId"));
    assertEquals(Map.of("n", n), run.get("payload"));
    List<Map<String, Object>> completed = executions(completer.getName());
    assertEquals("COMPLETED", completed.get(0).get("status"));
    assertEquals("complete_task", completed.get(0).get("action"));

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) handlersWithCounts().get("results");
    Map<String, Object> counts = rows.stream().filter(r -> starter.getName().equals(r.get("name"))).findFirst().orElseThrow();
    assertEquals(1, ((Number) counts.get("numberOfMessages")).intValue());
    assertEquals(1, ((Number) counts.get("numberOfActions")).intValue());
    assertEquals(true, counts.get("active"));

    // acknowledged: nothing comes back, not even once the server lets go of its consumers
    events().unregisterEventHandler(starter.getName());
    events().unregisterEventHandler(completer.getName());
    Await.await("the server to stop consuming", WAIT, () -> rabbit.consumers(startQueue) + rabbit.consumers(doneQueue), c -> c == 0);
    assertEquals(0, rabbit.ready(startQueue));
    assertEquals(0, rabbit.ready(doneQueue));
  }

  @Test
  void aMessageRoutedThroughAnExchangeReachesTheHandlerOnItsBoundQueue() {
    String wf = uniq("amqp_exchange_target");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), null);
    String exchange = uniq("cvx_in_x");
    String bound = uniq("cvx_in_bound");
    rabbit.forgetExchangeLater(exchange);
    rabbit.forgetLater(bound);
    EventHandler starter = startOn("amqp_exchange:" + exchange + "?exchangeType=direct&routingKey=go&bindQueueName=" + bound, wf);
    awaitConsumed(bound); // the server declared the exchange and the queue, and bound them

    String n = uniq("routed");
    rabbit.publishToExchange(exchange, "elsewhere", "other-" + n, json("n", n + "-other"));
    rabbit.publishToExchange(exchange, "go", "go-" + n, json("n", n));
    Workflow started = awaitOneStarted(wf, n);
    assertEquals("amqp_exchange:" + exchange + "?exchangeType=direct&routingKey=go&bindQueueName=" + bound,
        started.getInput().get("conductor.event.name"));
    assertEquals(List.of(), started(wf, n + "-other"), "only the routing key bound");
    Await.await("the message acknowledged", WAIT, () -> rabbit.ready(bound), c -> c == 0);
    assertEquals(1, executions(starter.getName()).size());
  }

  @Test
  void aMessageDeliveredTwiceRunsItsActionsOnce() {
    String wf = uniq("amqp_once");
    registerWorkflow(wf, List.of(systemTask("WAIT", "hold", map())), null);
    String queue = rabbit.queue(uniq("cvx_twice"));
    EventHandler starter = startOn("amqp_queue:" + queue, wf);
    awaitConsumed(queue);

    String n = uniq("dup");
    rabbit.publish(queue, "same-id", json("n", n));
    rabbit.publish(queue, "same-id", json("n", n));
    awaitOneStarted(wf, n);
    Await.await("both copies taken off the queue", WAIT, () -> rabbit.ready(queue), c -> c == 0);
    Await.holdsFor("still one workflow for " + n, Duration.ofMillis(700), () -> started(wf, n), l -> l.size() == 1);
    List<Map<String, Object>> runs = executions(starter.getName());
    assertEquals(1, runs.size(), "the second delivery found the first one's record: " + runs);
  }

  @Test
  void aFalseConditionIsRecordedAsSkippedAndAFailingActionAsFailed() {
    String queue = rabbit.queue(uniq("cvx_cond"));
    EventHandler.StartWorkflow start = new EventHandler.StartWorkflow();
    start.setName(uniq("no_such_workflow"));
    start.setVersion(1);
    EventHandler.Action a = new EventHandler.Action();
    a.setAction(EventHandler.Action.Type.start_workflow);
    a.setStart_workflow(start);
    EventHandler h = new EventHandler();
    h.setName(uniq("cond_handler"));
    h.setEvent("amqp_queue:" + queue);
    h.setActive(true);
    h.setCondition("$.go == true");
    h.setActions(List.of(a));
    events().registerEventHandler(h);
    try {
      awaitConsumed(queue);
      rabbit.publish(queue, "skip-me", json("go", false));
      rabbit.publish(queue, "run-me", json("go", true));
      List<Map<String, Object>> runs = Await.await("two executions", WAIT, () -> executions(h.getName()), l -> l.size() == 2);
      Map<String, Object> skipped = runs.stream().filter(r -> "skip-me".equals(r.get("messageId"))).findFirst().orElseThrow();
      assertEquals("SKIPPED", skipped.get("status"));
      assertEquals("skip-me_0", skipped.get("id"));
      assertNull(skipped.get("action"));
      assertEquals("$.go == true", ((Map<?, ?>) skipped.get("output")).get("condition"));
      Map<String, Object> failed = runs.stream().filter(r -> "run-me".equals(r.get("messageId"))).findFirst().orElseThrow();
      assertEquals("FAILED", failed.get("status"));
      assertEquals("start_workflow", failed.get("action"));
      assertNotNull(((Map<?, ?>) failed.get("output")).get("exception"));
      assertTrue(String.valueOf(failed.get("statusDescription")).contains(start.getName()), failed.toString());
      // a permanent failure is handled: the message is acknowledged, not redelivered forever
      Await.await("both messages taken off the queue", WAIT, () -> rabbit.ready(queue), c -> c == 0);
      Await.holdsFor("no more executions", Duration.ofMillis(1_500), () -> executions(h.getName()), l -> l.size() == 2);
    } finally {
      events().unregisterEventHandler(h.getName());
    }
  }

  @Test
  void eventTasksPublishToAQueueAndToAnExchangeOnceRabbitMqConfirmed() {
    String queue = rabbit.queue(uniq("cvx_sink"));
    String exchange = uniq("cvx_x");
    rabbit.exchange(exchange, "direct");
    String bound = rabbit.queue(uniq("cvx_bound"));
    rabbit.bind(bound, exchange, "orders");
    String wf = uniq("amqp_publisher");
    registerWorkflow(wf, List.of(
        eventTask("to_queue", "amqp_queue:" + queue, map("orderId", expr("workflow.input.orderId"))),
        eventTask("to_exchange", "amqp_exchange:" + exchange + "?exchangeType=direct&routingKey=orders", map("kind", "x"))), null);

    String id = start(wf, map("orderId", "o-17"));
    Workflow done = awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task toQueue = done.getTasks().get(0);
    Task toExchange = done.getTasks().get(1);

    GetResponse first = Await.await("the message in " + queue, WAIT, () -> rabbit.get(queue), m -> m != null);
    assertEquals(toQueue.getTaskId(), first.getProps().getMessageId(), "message id = task id, as Conductor sends it");
    assertEquals("application/json", first.getProps().getContentType());
    assertEquals(2, first.getProps().getDeliveryMode());
    Map<?, ?> body = Json.MAPPER.convertValue(new JsonObject(new String(first.getBody(), StandardCharsets.UTF_8)).getMap(), Map.class);
    assertEquals("o-17", body.get("orderId"));
    assertEquals(id, body.get("workflowInstanceId"));
    assertEquals(wf, body.get("workflowType"));
    assertEquals("amqp_queue:" + queue, body.get("sink"));
    assertEquals("amqp_queue:" + queue, body.get("event_produced"));

    GetResponse second = Await.await("the message routed to " + bound, WAIT, () -> rabbit.get(bound), m -> m != null);
    assertEquals(toExchange.getTaskId(), second.getProps().getMessageId());
    assertTrue(new String(second.getBody(), StandardCharsets.UTF_8).contains("\"kind\":\"x\""));
    assertNull(rabbit.get(queue), "published once");
  }
}
