package io.conductorvx.events;

import com.fasterxml.jackson.core.type.TypeReference;
import com.netflix.conductor.client.http.ConductorClientRequest;
import com.netflix.conductor.client.http.EventClient;
import com.netflix.conductor.common.metadata.events.EventHandler;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.conductorvx.client.Await;
import io.conductorvx.client.ClientTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared by the broker tests: handlers registered through the official client's EventClient (and
 * removed after each test), EVENT and WAIT tasks, the event execution API, broker status.
 */
abstract class EventTestBase extends ClientTestBase {
  protected static final Duration WAIT = Duration.ofSeconds(20);
  private final List<String> handlers = new ArrayList<>();

  @AfterEach
  void removeHandlers() {
    for (String name : handlers) {
      try {
        events().unregisterEventHandler(name);
      } catch (RuntimeException e) {
        // removed by the test
      }
    }
    handlers.clear();
  }

  protected EventClient events() {
    return new EventClient(server.conductorClient());
  }

  protected static WorkflowTask systemTask(String type, String ref, Map<String, Object> input) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType(type);
    t.setInputParameters(input == null ? new HashMap<>() : new LinkedHashMap<>(input));
    return t;
  }

  protected static WorkflowTask eventTask(String ref, String sink, Map<String, Object> input) {
    WorkflowTask t = systemTask("EVENT", ref, input);
    t.setSink(sink);
    return t;
  }

  /** A handler that starts {@code workflow} with the payload's {@code n} as correlation id and input. */
  protected EventHandler startOn(String event, String workflow) {
    EventHandler.StartWorkflow start = new EventHandler.StartWorkflow();
    start.setName(workflow);
    start.setVersion(1);
    start.setCorrelationId("${n}");
    start.setInput(new LinkedHashMap<>(Map.of("n", "${n}", "source", event)));
    EventHandler.Action a = new EventHandler.Action();
    a.setAction(EventHandler.Action.Type.start_workflow);
    a.setStart_workflow(start);
    return register(uniq("start_handler"), event, a);
  }

  /** A handler that completes the payload's workflow's task {@code ref}, with the payload's {@code answer}. */
  protected EventHandler completeOn(String event, String ref) {
    EventHandler.TaskDetails details = new EventHandler.TaskDetails();
    details.setWorkflowId("${workflowId}");
    details.setTaskRefName(ref);
    details.setOutput(new LinkedHashMap<>(Map.of("answer", "${answer}")));
    EventHandler.Action a = new EventHandler.Action();
    a.setAction(EventHandler.Action.Type.complete_task);
    a.setComplete_task(details);
    return register(uniq("complete_handler"), event, a);
  }

  protected EventHandler register(String name, String event, EventHandler.Action... actions) {
    EventHandler h = new EventHandler();
    h.setName(name);
    h.setEvent(event);
    h.setActive(true);
    h.setActions(new ArrayList<>(List.of(actions)));
    events().registerEventHandler(h);
    handlers.add(name);
    return h;
  }

  /** The workflows of that name with that correlation id. */
  protected List<Workflow> started(String workflow, String correlationId) {
    return workflowClient.getWorkflows(workflow, correlationId, true, false);
  }

  protected Workflow awaitOneStarted(String workflow, String correlationId) {
    return Await.await("one " + workflow + " for " + correlationId, WAIT, () -> started(workflow, correlationId),
        l -> l.size() == 1).get(0);
  }

  /** GET /api/event/execution/{handler}: the handler's executions, newest first. */
  protected List<Map<String, Object>> executions(String handler) {
    return call(request(ConductorClientRequest.Method.GET, "/event/execution/{name}").addPathParam("name", handler).build(),
        new TypeReference<List<Map<String, Object>>>() {}).getData();
  }

  /** GET /api/event/execution: every handler with its counts. */
  protected Map<String, Object> handlersWithCounts() {
    return call(request(ConductorClientRequest.Method.GET, "/event/execution").build(),
        new TypeReference<Map<String, Object>>() {}).getData();
  }

  /** The server's status of a broker. */
  protected BrokerStatus broker(String name) {
    return server.server().backends().eventQueues().brokers().stream().filter(b -> b.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no broker " + name));
  }
}
