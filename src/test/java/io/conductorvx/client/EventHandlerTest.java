package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.netflix.conductor.client.exception.ConductorClientException;
import com.netflix.conductor.client.http.ConductorClientRequest;
import com.netflix.conductor.client.http.EventClient;
import com.netflix.conductor.common.metadata.events.EventHandler;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EVENT tasks publishing to the built-in {@code conductor} queue, and the event handlers (CRUD
 * through the SDK's EventClient) that act on those messages: start_workflow, complete_task,
 * fail_task, conditions, the active flag, and handler changes taking effect at once.
 *
 * <p>WAIT and HUMAN are not on main yet, so the task an event completes or fails is a SIMPLE
 * task that no worker polls: it stays SCHEDULED until the handler updates it by reference or id.
 *
 * <p>"Nothing happens" is shown with a barrier: a second, active handler on the same event starts
 * a marker workflow, so once the marker exists the message was processed; the test then checks
 * that the other handler's workflow stays absent for a while.
 */
class EventHandlerTest extends ClientTestBase {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private EventClient events() {
    return new EventClient(server.conductorClient());
  }

  // ---------------------------------------------------------------- builders

  private static WorkflowTask eventTask(String ref, String sink, Map<String, Object> input) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType("EVENT");
    t.setSink(sink);
    t.setInputParameters(new LinkedHashMap<>(input));
    return t;
  }

  private static EventHandler.Action startAction(String workflow, String correlationId, Map<String, Object> input) {
    EventHandler.StartWorkflow start = new EventHandler.StartWorkflow();
    start.setName(workflow);
    start.setVersion(1);
    start.setCorrelationId(correlationId);
    start.setInput(new LinkedHashMap<>(input));
    EventHandler.Action a = new EventHandler.Action();
    a.setAction(EventHandler.Action.Type.start_workflow);
    a.setStart_workflow(start);
    return a;
  }

  private static EventHandler.Action taskAction(EventHandler.Action.Type type, String workflowId, String ref, String taskId,
      Map<String, Object> output) {
    EventHandler.TaskDetails details = new EventHandler.TaskDetails();
    details.setWorkflowId(workflowId);
    details.setTaskRefName(ref);
    details.setTaskId(taskId);
    details.setOutput(new LinkedHashMap<>(output));
    EventHandler.Action a = new EventHandler.Action();
    a.setAction(type);
    if (type == EventHandler.Action.Type.complete_task) {
      a.setComplete_task(details);
    } else {
      a.setFail_task(details);
    }
    return a;
  }

  private static EventHandler handler(String name, String event, boolean active, String condition, EventHandler.Action... actions) {
    EventHandler h = new EventHandler();
    h.setName(name);
    h.setEvent(event);
    h.setActive(active);
    h.setCondition(condition);
    h.setActions(new ArrayList<>(List.of(actions)));
    return h;
  }

  /** A workflow that stays RUNNING (its SIMPLE task is never polled): what handlers start. */
  private String registerTarget(String prefix) {
    String name = uniq(prefix);
    registerWorkflow(name, List.of(simpleTask(uniq("never_polled"), "hold", Map.of())), null);
    return name;
  }

  /** The workflows of that name and correlation id (open and closed). */
  private List<Workflow> started(String workflowName, String correlationId) {
    return workflowClient.getWorkflows(workflowName, correlationId, true, false);
  }

  private Workflow awaitStarted(String workflowName, String correlationId) {
    return Await.await("a " + workflowName + " workflow with correlationId " + correlationId, WAIT,
        () -> started(workflowName, correlationId), l -> l.size() == 1).get(0);
  }

  private void assertNeverStarted(String workflowName, String correlationId) {
    Await.holdsFor("no " + workflowName + " workflow for " + correlationId, Duration.ofMillis(500),
        () -> started(workflowName, correlationId), List::isEmpty);
  }

  private static Task task(Workflow w, String ref) {
    return w.getTasks().stream().filter(t -> ref.equals(t.getReferenceTaskName())).findFirst()
        .orElseThrow(() -> new AssertionError("no task " + ref + " in " + w.getTasks()));
  }

  // ---------------------------------------------------------------- CRUD

  @Test
  void handlerCrudRoundTripWithConflictNotFoundAndValidation() {
    String name = uniq("crud_handler");
    String event = "conductor:" + uniq("crud_wf") + ":ref";
    EventHandler h = handler(name, event, false, "$.x > 1",
        startAction("some_wf", "${id}", Map.of("id", "${id}")));
    h.setEvaluatorType("javascript");
    events().registerEventHandler(h);

    EventHandler got = events().getEventHandlers(event, false).stream().filter(x -> name.equals(x.getName()))
        .findFirst().orElseThrow();
    assertEquals(event, got.getEvent());
    assertEquals("$.x > 1", got.getCondition());
    assertEquals("javascript", got.getEvaluatorType());
    assertFalse(got.isActive());
    assertEquals(EventHandler.Action.Type.start_workflow, got.getActions().get(0).getAction());
    assertEquals("some_wf", got.getActions().get(0).getStart_workflow().getName());
    assertEquals(Map.of("id", "${id}"), got.getActions().get(0).getStart_workflow().getInput());
    assertTrue(events().getEventHandlers(event, true).isEmpty(), "activeOnly hides the inactive handler");

    ConductorClientException dup = expectStatus(409, () -> events().registerEventHandler(h));
    assertTrue(dup.getMessage().contains("EventHandler with name " + name + " already exists!"), dup.getMessage());

    h.setActive(true);
    h.setCondition(null);
    events().updateEventHandler(h);
    List<EventHandler> active = events().getEventHandlers(event, true);
    assertEquals(1, active.size());
    assertTrue(active.get(0).isActive());
    assertEquals(null, active.get(0).getCondition());

    List<EventHandler> all = call(request(ConductorClientRequest.Method.GET, "/event").build(),
        new TypeReference<List<EventHandler>>() {}).getData();
    assertTrue(all.stream().anyMatch(x -> name.equals(x.getName())), "GET /event lists it");

    EventHandler unknown = handler(uniq("nobody"), event, true, null, startAction("x", null, Map.of()));
    ConductorClientException missing = expectStatus(404, () -> events().updateEventHandler(unknown));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());

    events().unregisterEventHandler(name);
    assertTrue(events().getEventHandlers(event, false).isEmpty());
    expectStatus(404, () -> events().unregisterEventHandler(name));

    EventHandler invalid = new EventHandler();
    invalid.setActions(new ArrayList<>());
    ConductorClientException bad = expectStatus(400, () -> events().registerEventHandler(invalid));
    assertNotNull(bad.getValidationErrors(), "validationErrors present");
    Map<String, String> problems = new LinkedHashMap<>();
    bad.getValidationErrors().forEach(v -> problems.put(v.getPath(), v.getMessage()));
    assertEquals(Map.of(
        "name", "Missing event handler name",
        "event", "Missing event location",
        "actions", "No actions specified. Please specify at-least one action"), problems);
  }

  // ---------------------------------------------------------------- actions

  @Test
  void eventTaskStartsWorkflowWithInputResolvedFromThePayload() {
    String source = uniq("ev_source");
    registerWorkflow(source, List.of(eventTask("notify", "conductor",
        Map.of("orderId", expr("workflow.input.orderId"), "items", List.of("a", "b")))), null);
    String target = registerTarget("ev_target");
    String event = "conductor:" + source + ":notify";
    events().registerEventHandler(handler(uniq("starter"), event, true, null,
        startAction(target, "${workflowInstanceId}", Map.of(
            "order", "${orderId}", "firstItem", "${items[0]}", "from", "${workflowType} v${workflowVersion}", "fixed", 7))));

    String sourceId = start(source, Map.of("orderId", 42));
    Workflow done = awaitStatus(sourceId, WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task ev = task(done, "notify");
    assertEquals(Task.Status.COMPLETED, ev.getStatus());
    assertEquals("EVENT", ev.getTaskType());
    Map<String, Object> out = ev.getOutputData();
    assertEquals(event, out.get("event_produced"));
    assertEquals(sourceId, out.get("workflowInstanceId"));
    assertEquals(source, out.get("workflowType"));
    assertEquals(1, out.get("workflowVersion"));
    assertEquals(42, out.get("orderId"), "output = input + the workflow fields");
    assertEquals("conductor", out.get("sink"));

    Workflow started = awaitStarted(target, sourceId);
    assertEquals(Workflow.WorkflowStatus.RUNNING, started.getStatus());
    assertEquals(event, started.getEvent(), "started with the event name");
    Map<String, Object> input = started.getInput();
    assertEquals(42, input.get("order"));
    assertEquals("a", input.get("firstItem"));
    assertEquals(source + " v1", input.get("from"));
    assertEquals(7, input.get("fixed"));
    assertEquals(ev.getTaskId(), input.get("conductor.event.messageId"), "message id = the EVENT task's id");
    assertEquals(event, input.get("conductor.event.name"));
  }

  @Test
  void eventCompleteTaskCompletesAPendingTaskOfAnotherWorkflowByReference() {
    String waiterName = uniq("ev_waiter");
    registerWorkflow(waiterName, List.of(simpleTask(uniq("approval"), "approval", Map.of())), null);
    String signaller = uniq("ev_signaller");
    registerWorkflow(signaller, List.of(eventTask("signal", "conductor:approvals",
        Map.of("target", expr("workflow.input.target"), "approver", expr("workflow.input.approver")))), null);
    events().registerEventHandler(handler(uniq("completer"), "conductor:" + signaller + ":approvals", true, null,
        taskAction(EventHandler.Action.Type.complete_task, "${target}", "approval", null,
            Map.of("approvedBy", "${approver}", "note", "via ${event_produced}"))));

    String waiterId = start(waiterName, Map.of());
    assertEquals(Task.Status.SCHEDULED, task(workflow(waiterId), "approval").getStatus());
    String signallerId = start(signaller, Map.of("target", waiterId, "approver", "ann"));

    Workflow waiter = awaitStatus(waiterId, WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task approval = task(waiter, "approval");
    assertEquals(Task.Status.COMPLETED, approval.getStatus());
    Workflow sig = awaitStatus(signallerId, WAIT, Workflow.WorkflowStatus.COMPLETED);
    String expectedEvent = "conductor:" + signaller + ":approvals";
    assertEquals(Map.of(
        "approvedBy", "ann",
        "note", "via " + expectedEvent,
        "conductor.event.messageId", task(sig, "signal").getTaskId(),
        "conductor.event.name", expectedEvent), approval.getOutputData());
  }

  @Test
  void eventFailTaskFailsThePendingTaskNamedById() {
    String waiterName = uniq("ev_failwaiter");
    String checkType = uniq("check");
    registerTaskDef(checkType, null); // no retries: the failure ends the workflow
    registerWorkflow(waiterName, List.of(simpleTask(checkType, "check", Map.of())), null);
    String waiterId = start(waiterName, Map.of());
    String taskId = task(workflow(waiterId), "check").getTaskId();

    String signaller = uniq("ev_failsignal");
    registerWorkflow(signaller, List.of(eventTask("reject", "conductor", Map.of("victim", expr("workflow.input.victim")))), null);
    events().registerEventHandler(handler(uniq("failer"), "conductor:" + signaller + ":reject", true, null,
        taskAction(EventHandler.Action.Type.fail_task, null, null, "${victim}", Map.of("why", "rejected"))));
    start(signaller, Map.of("victim", taskId));

    Workflow waiter = awaitStatus(waiterId, WAIT, Workflow.WorkflowStatus.FAILED);
    Task check = task(waiter, "check");
    assertEquals(Task.Status.FAILED, check.getStatus());
    assertEquals("rejected", check.getOutputData().get("why"));
    assertEquals("conductor:" + signaller + ":reject", check.getOutputData().get("conductor.event.name"));
  }

  // ---------------------------------------------------------------- when handlers do not fire

  @Test
  void inactiveHandlerDoesNothing() {
    String source = uniq("ev_inactive");
    registerWorkflow(source, List.of(eventTask("emit", "conductor", Map.of())), null);
    String event = "conductor:" + source + ":emit";
    String target = registerTarget("ev_not_started");
    String marker = registerTarget("ev_marker");
    events().registerEventHandler(handler(uniq("a_inactive"), event, false, null,
        startAction(target, "${workflowInstanceId}", Map.of())));
    events().registerEventHandler(handler(uniq("z_marker"), event, true, null,
        startAction(marker, "${workflowInstanceId}", Map.of())));

    String id = start(source, Map.of());
    awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    awaitStarted(marker, id);
    assertNeverStarted(target, id);
  }

  @Test
  void falseConditionDoesNothingAndTrueConditionFires() {
    String source = uniq("ev_cond");
    registerWorkflow(source, List.of(eventTask("emit", "conductor",
        Map.of("amount", expr("workflow.input.amount"), "status", "done"))), null);
    String event = "conductor:" + source + ":emit";
    String big = registerTarget("ev_big");
    String done = registerTarget("ev_done");
    String flagged = registerTarget("ev_flagged");
    events().registerEventHandler(handler(uniq("big"), event, true, "$.amount > 100",
        startAction(big, "${workflowInstanceId}", Map.of())));
    events().registerEventHandler(handler(uniq("done"), event, true, "$.status == 'done' && $.amount >= 5",
        startAction(done, "${workflowInstanceId}", Map.of())));
    EventHandler valueParam = handler(uniq("flagged"), event, true, "flag",
        startAction(flagged, "${workflowInstanceId}", Map.of()));
    valueParam.setEvaluatorType("value-param"); // payload has no "flag": falsy
    events().registerEventHandler(valueParam);

    String id = start(source, Map.of("amount", 5));
    awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    awaitStarted(done, id);
    assertNeverStarted(big, id);
    assertNeverStarted(flagged, id);
  }

  // ---------------------------------------------------------------- handler changes take effect at once

  @Test
  void handlerCreatedAfterTheWorkflowStartedStillFires() {
    String gateType = uniq("ev_gate");
    String source = uniq("ev_late");
    registerWorkflow(source, List.of(simpleTask(gateType, "gate", Map.of()), eventTask("emit", "conductor:late", Map.of())), null);
    String target = registerTarget("ev_late_target");

    String id = start(source, Map.of());
    // the handler appears while the workflow is already running, before its EVENT task publishes
    events().registerEventHandler(handler(uniq("late"), "conductor:" + source + ":late", true, null,
        startAction(target, "${workflowInstanceId}", Map.of("late", true))));
    complete(awaitPoll(gateType, "w1", null, WAIT), Map.of());

    awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(true, awaitStarted(target, id).getInput().get("late"));
  }

  @Test
  void activatingAnInactiveHandlerTakesEffectForTheNextMessage() {
    String source = uniq("ev_toggle");
    registerWorkflow(source, List.of(eventTask("emit", "conductor", Map.of())), null);
    String event = "conductor:" + source + ":emit";
    String target = registerTarget("ev_toggle_target");
    String marker = registerTarget("ev_toggle_marker");
    EventHandler toggled = handler(uniq("toggled"), event, false, null, startAction(target, "${workflowInstanceId}", Map.of()));
    events().registerEventHandler(toggled);
    events().registerEventHandler(handler(uniq("marker"), event, true, null, startAction(marker, "${workflowInstanceId}", Map.of())));

    String first = start(source, Map.of());
    awaitStarted(marker, first);
    assertNeverStarted(target, first);

    toggled.setActive(true);
    events().updateEventHandler(toggled);
    String second = start(source, Map.of());
    awaitStarted(target, second);
  }

  // ---------------------------------------------------------------- EVENT task edge cases

  @Test
  void unsupportedSinkFailsTheEventTask() {
    String source = uniq("ev_sqs");
    registerWorkflow(source, List.of(eventTask("emit", "sqs:orders", Map.of())), null);
    String id = start(source, Map.of());
    Workflow failed = awaitStatus(id, WAIT, Workflow.WorkflowStatus.FAILED);
    Task emit = task(failed, "emit");
    assertEquals(Task.Status.FAILED, emit.getStatus());
    assertTrue(emit.getReasonForIncompletion().contains("'sqs' is not supported"), emit.getReasonForIncompletion());

    String bad = uniq("ev_badsink");
    registerWorkflow(bad, List.of(eventTask("emit", "nocolon", Map.of())), null);
    Task badEmit = task(awaitStatus(start(bad, Map.of()), WAIT, Workflow.WorkflowStatus.FAILED), "emit");
    assertTrue(badEmit.getReasonForIncompletion().contains("Invalid / Unsupported sink specified: nocolon"),
        badEmit.getReasonForIncompletion());
  }

  @Test
  void asyncCompleteEventTaskWaitsForAnExternalUpdate() {
    String source = uniq("ev_async");
    WorkflowTask emit = eventTask("emit", "conductor", Map.of());
    emit.setAsyncComplete(true);
    registerWorkflow(source, List.of(emit), null);
    String id = start(source, Map.of());
    Workflow running = awaitWorkflow("EVENT IN_PROGRESS", id, WAIT,
        w -> w.getTasks().size() == 1 && w.getTasks().get(0).getStatus() == Task.Status.IN_PROGRESS);
    assertEquals("conductor:" + source + ":emit", running.getTasks().get(0).getOutputData().get("event_produced"));

    complete(running.getTasks().get(0), Map.of("ack", true));
    Workflow done = awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(true, task(done, "emit").getOutputData().get("ack"));
  }

  // ---------------------------------------------------------------- queue admin

  @Test
  void queueAdminUpdateCompletesAPendingTaskByReference() {
    String name = uniq("ev_queue_admin");
    registerWorkflow(name, List.of(simpleTask(uniq("held"), "held", Map.of())), null);
    String id = start(name, Map.of());

    Map<String, String> queues = call(request(ConductorClientRequest.Method.GET, "/queue/").build(),
        new TypeReference<Map<String, String>>() {}).getData();
    assertEquals(Map.of("COMPLETED", "conductor_COMPLETED", "FAILED", "conductor_FAILED"), queues);
    Map<String, Long> sizes = call(request(ConductorClientRequest.Method.GET, "/queue/size").build(),
        new TypeReference<Map<String, Long>>() {}).getData();
    assertEquals(queues.values().stream().sorted().toList(), sizes.keySet().stream().sorted().toList());

    call(request(ConductorClientRequest.Method.POST, "/queue/update/{workflowId}/{taskRefName}/{status}")
        .addPathParam("workflowId", id).addPathParam("taskRefName", "held").addPathParam("status", "COMPLETED")
        .body(Map.of("result", "ok")).build(), new TypeReference<Object>() {});

    Workflow done = awaitStatus(id, WAIT, Workflow.WorkflowStatus.COMPLETED);
    Task held = task(done, "held");
    assertEquals("ok", held.getOutputData().get("result"));
    assertTrue(String.valueOf(held.getOutputData().get("externalId")).contains(id), "the message's externalId is merged too");

    expectStatus(400, () -> call(request(ConductorClientRequest.Method.POST, "/queue/update/{workflowId}/{taskRefName}/{status}")
        .addPathParam("workflowId", id).addPathParam("taskRefName", "held").addPathParam("status", "IN_PROGRESS")
        .body(Map.of()).build(), new TypeReference<Object>() {}));
  }
}
