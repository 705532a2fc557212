package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.http.ConductorClientRequest;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.SubWorkflowParams;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** SUB_WORKFLOW and START_WORKFLOW through the official client. */
class SubWorkflowTaskTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  static WorkflowTask systemTask(String type, String ref, Map<String, Object> input) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType(type);
    t.setInputParameters(input == null ? new HashMap<>() : new HashMap<>(input));
    return t;
  }

  static WorkflowTask subWorkflow(String ref, Consumer<SubWorkflowParams> params, Map<String, Object> input) {
    WorkflowTask t = systemTask("SUB_WORKFLOW", ref, input);
    SubWorkflowParams p = new SubWorkflowParams();
    params.accept(p);
    t.setSubWorkflowParam(p);
    return t;
  }

  /** A child workflow of one SIMPLE task that doubles {@code workflow.input.n}. */
  private String registerChild(String taskName, int version) {
    String name = uniq("child");
    WorkflowDef def = workflowDef(name, version, List.of(simpleTask(taskName, "work", map("n", expr("workflow.input.n")))));
    def.setOutputParameters(map("doubled", expr("work.output.doubled"), "version", version));
    metadataClient.registerWorkflowDef(def);
    return name;
  }

  private Task awaitChildStarted(String parentId, String ref) {
    Workflow w = awaitWorkflow("sub workflow task " + ref + " IN_PROGRESS with a child", parentId, DONE, wf -> {
      Task t = wf.getTaskByRefName(ref);
      return t != null && t.getStatus() == Task.Status.IN_PROGRESS && t.getSubWorkflowId() != null;
    });
    return w.getTaskByRefName(ref);
  }

  private static int num(Object o) {
    return ((Number) o).intValue();
  }

  @Test
  void subWorkflowByNameAndVersionRunsTheChildAndMirrorsItsOutput() {
    String work = uniq("double");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    metadataClient.registerWorkflowDef(workflowDef(child, 2, List.of(simpleTask(work, "work", map()))));
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", expr("workflow.input.n")))), null);
    runWorkers(TestWorker.completing(work, t -> map("doubled", num(t.getInputData().get("n")) * 2)));

    String id = start(new StartWorkflowRequest().withName(parent).withVersion(1).withCorrelationId("corr-sub")
        .withInput(new HashMap<>(map("n", 21))));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(1, w.getTasks().size(), Describe.workflow(w));
    Task sub = w.getTaskByRefName("sub");
    assertEquals("SUB_WORKFLOW", sub.getTaskType());
    assertEquals(Task.Status.COMPLETED, sub.getStatus());
    String childId = sub.getSubWorkflowId();
    assertNotNull(childId);
    assertEquals(map("doubled", 42, "version", 1, "subWorkflowId", childId), SimpleWorkflowTest.normalizeNumbers(sub.getOutputData()));
    assertEquals(child, sub.getInputData().get("subWorkflowName"));
    assertEquals(1, num(sub.getInputData().get("subWorkflowVersion")));
    assertEquals(map("n", 21), SimpleWorkflowTest.normalizeNumbers(sub.getInputData().get("workflowInput")));
    assertEquals(map("doubled", 42, "version", 1, "subWorkflowId", childId), SimpleWorkflowTest.normalizeNumbers(w.getOutput()));

    Workflow c = workflow(childId);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, c.getStatus());
    assertEquals(child, c.getWorkflowName());
    assertEquals(1, c.getWorkflowVersion());
    assertEquals(id, c.getParentWorkflowId(), "child knows its parent");
    assertEquals(sub.getTaskId(), c.getParentWorkflowTaskId(), "child knows the parent's task");
    assertEquals("corr-sub", c.getCorrelationId(), "child inherits the parent's correlationId");
    assertEquals(map("n", 21), SimpleWorkflowTest.normalizeNumbers(c.getInput()));
  }

  @Test
  void subWorkflowWithoutVersionRunsTheLatestAndRecordsIt() {
    String work = uniq("double");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    WorkflowDef v2 = workflowDef(child, 2, List.of(simpleTask(work, "work", map("n", expr("workflow.input.n")))));
    v2.setOutputParameters(map("version", 2));
    metadataClient.registerWorkflowDef(v2);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> p.setName(child), map("n", 1))), null);
    runWorkers(TestWorker.completing(work, t -> map()));

    String id = start(parent, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task sub = w.getTaskByRefName("sub");
    assertEquals(2, num(sub.getInputData().get("subWorkflowVersion")), "latest version pinned in the task input");
    assertEquals(2, workflow(sub.getSubWorkflowId()).getWorkflowVersion());
    assertEquals(2, num(sub.getOutputData().get("version")));
  }

  @Test
  void inlineWorkflowDefinitionRunsAsTheChildWithItsOwnExpressions() {
    String work = uniq("greet");
    registerTaskDef(work, null);
    String inlineName = uniq("inline_child");
    WorkflowDef inline = workflowDef(inlineName, 1, List.of(simpleTask(work, "greet", map("who", expr("workflow.input.who")))));
    inline.setOutputParameters(map("greeting", expr("greet.output.greeting")));
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(inlineName);
      p.setWorkflowDefinition(inline);
    }, map("who", expr("workflow.input.name")))), null);
    runWorkers(TestWorker.completing(work, t -> map("greeting", "hello " + t.getInputData().get("who"))));

    String id = start(parent, map("name", "ada"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task sub = w.getTaskByRefName("sub");
    assertEquals("hello ada", sub.getOutputData().get("greeting"));
    Workflow c = workflow(sub.getSubWorkflowId());
    assertEquals(inlineName, c.getWorkflowName());
    assertEquals("ada", c.getInput().get("who"));
    assertEquals(Map.of("dynamic", true), c.getInput().get("_systemMetadata"), "inline children are marked dynamic");
    assertEquals(id, c.getParentWorkflowId());
    assertEquals("ada", c.getTaskByRefName("greet").getInputData().get("who"), "the child's ${} resolved against the child");
  }

  @Test
  void workflowDefinitionGivenAsAnExpressionIsResolvedFromTheParent() {
    String inlineName = uniq("expr_child");
    Map<String, Object> childDef = map("name", inlineName, "version", 1, "schemaVersion", 2,
        "tasks", List.of(map("name", "pause", "taskReferenceName", "pause", "type", "WAIT",
            "inputParameters", map("until", "2000-01-01 00:00"))),
        "outputParameters", map("echo", expr("workflow.input.value")));
    // the client's SubWorkflowParams cannot serialize an expression as workflowDefinition: send the JSON as is
    String parent = uniq("parent");
    Map<String, Object> parentDef = map("name", parent, "version", 1, "schemaVersion", 2, "ownerEmail", "tests@conductor-vx.io",
        "tasks", List.of(map("name", "sub", "taskReferenceName", "sub", "type", "SUB_WORKFLOW",
            "inputParameters", map("value", expr("workflow.input.value")),
            "subWorkflowParam", map("name", inlineName, "workflowDefinition", expr("workflow.input.def")))));
    call(request(ConductorClientRequest.Method.POST, "/metadata/workflow").body(parentDef).build(), null);

    String id = start(parent, map("def", childDef, "value", "v1"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task sub = w.getTaskByRefName("sub");
    assertEquals(Task.Status.COMPLETED, sub.getStatus());
    assertEquals("v1", sub.getOutputData().get("echo"), "a child that ends in its first decision still reaches the parent");
    assertEquals(inlineName, workflow(sub.getSubWorkflowId()).getWorkflowName());
  }

  @Test
  void childFailureFailsTheParentTaskAndWorkflow() {
    String work = uniq("breaks");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", 1))), null);
    runWorkers(TestWorker.of(work, t -> TestWorker.result(t, TaskResult.Status.FAILED, "boom", Map.of())));

    String id = start(parent, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Task sub = w.getTaskByRefName("sub");
    assertEquals(Task.Status.FAILED, sub.getStatus());
    Workflow c = workflow(sub.getSubWorkflowId());
    assertEquals(Workflow.WorkflowStatus.FAILED, c.getStatus());
    assertEquals("Sub workflow " + c.getWorkflowId() + " failure reason: " + c.getReasonForIncompletion(),
        sub.getReasonForIncompletion());
    assertEquals(sub.getSubWorkflowId(), sub.getOutputData().get("subWorkflowId"));
    assertTrue(w.getReasonForIncompletion().contains(sub.getTaskId()), w.getReasonForIncompletion());
    assertEquals(java.util.Set.of("sub"), w.getFailedReferenceTaskNames());
  }

  @Test
  void retryWithResumeSubworkflowTasksResumesTheFailedChildInsteadOfStartingANewOne() {
    String work = uniq("fails_once");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", 1))), null);
    runWorkers(TestWorker.of(work, t -> t.getRetryCount() == 0
        ? TestWorker.result(t, TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "first try breaks", Map.of())
        : TestWorker.result(t, TaskResult.Status.COMPLETED, null, map("ok", true))));

    String id = start(parent, map());
    Workflow failed = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    String childId = failed.getTaskByRefName("sub").getSubWorkflowId();

    call(request(com.netflix.conductor.client.http.ConductorClientRequest.Method.POST,
        "/workflow/" + id + "/retry?resumeSubworkflowTasks=true").build(), null);
    Workflow done = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(1, attempts(done, "sub").size(), "the SUB_WORKFLOW task resumed; no new attempt");
    assertEquals(childId, done.getTaskByRefName("sub").getSubWorkflowId(), "the same child ran on");
    Workflow c = workflow(childId);
    assertEquals(Workflow.WorkflowStatus.COMPLETED, c.getStatus());
    assertEquals(2, c.getTasks().size(), "the child retried its failed task: " + Describe.workflow(c));
  }

  @Test
  void terminatingTheParentTerminatesTheChild() {
    String work = uniq("never_polled");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", 1))), null);

    String id = start(parent, map());
    Task sub = awaitChildStarted(id, "sub");
    assertEquals(map("subWorkflowId", sub.getSubWorkflowId()), sub.getOutputData());
    assertEquals(Workflow.WorkflowStatus.RUNNING, workflow(sub.getSubWorkflowId()).getStatus());

    workflowClient.terminateWorkflow(id, "operator stop");
    Workflow c = awaitStatus(sub.getSubWorkflowId(), DONE, Workflow.WorkflowStatus.TERMINATED);
    assertTrue(c.getReasonForIncompletion().contains(id), c.getReasonForIncompletion());
    assertEquals(Task.Status.CANCELED, c.getTaskByRefName("work").getStatus());
    Workflow p = workflow(id);
    assertEquals(Workflow.WorkflowStatus.TERMINATED, p.getStatus());
    assertEquals(Task.Status.CANCELED, p.getTaskByRefName("sub").getStatus());
  }

  @Test
  void terminatingTheParentWhileTheChildIsStartingLeavesNoChildRunning() {
    String work = uniq("never_polled");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", 1))), null);

    for (int i = 0; i < 5; i++) {
      String correlationId = uniq("race");
      String id = start(new StartWorkflowRequest().withName(parent).withVersion(1).withCorrelationId(correlationId)
          .withInput(new HashMap<>()));
      workflowClient.terminateWorkflow(id, "stop at once"); // races the child's start
      awaitStatus(id, DONE, Workflow.WorkflowStatus.TERMINATED);
      // whichever way the race went, the task learns its child's id and the child ends TERMINATED
      Task sub = awaitWorkflow("the canceled task knows its child", id, DONE,
          w -> w.getTaskByRefName("sub") != null && w.getTaskByRefName("sub").getSubWorkflowId() != null).getTaskByRefName("sub");
      assertEquals(Task.Status.CANCELED, sub.getStatus());
      awaitStatus(sub.getSubWorkflowId(), DONE, Workflow.WorkflowStatus.TERMINATED);
      List<Workflow> children = workflowClient.getWorkflows(child, correlationId, true, false);
      assertEquals(List.of(sub.getSubWorkflowId()), children.stream().map(Workflow::getWorkflowId).toList(), "one child only");
    }
  }

  @Test
  void terminatingTheChildCancelsTheParentTaskAndTerminatesTheParent() {
    String work = uniq("never_polled");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", 1))), null);

    String id = start(parent, map());
    Task sub = awaitChildStarted(id, "sub");
    workflowClient.terminateWorkflow(sub.getSubWorkflowId(), "child stopped");
    Workflow p = awaitStatus(id, DONE, Workflow.WorkflowStatus.TERMINATED);
    Task ended = p.getTaskByRefName("sub");
    assertEquals(Task.Status.CANCELED, ended.getStatus(), "TERMINATED child ⇒ CANCELED task");
    assertEquals("Sub workflow " + sub.getSubWorkflowId() + " failure reason: child stopped", ended.getReasonForIncompletion());
  }

  @Test
  void priorityAndTaskToDomainFromTheParamsReachTheChild() {
    String work = uniq("domained");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
      p.setPriority(expr("workflow.input.prio"));
      p.setTaskToDomain(Map.of(work, "blue"));
    }, map("n", 3))), null);

    String id = start(new StartWorkflowRequest().withName(parent).withVersion(1)
        .withTaskToDomain(Map.of("*", "parent_domain")).withInput(new HashMap<>(map("prio", 7))));
    Task sub = awaitChildStarted(id, "sub");
    assertEquals(7, num(sub.getInputData().get("priority")));
    assertEquals(Map.of(work, "blue"), sub.getInputData().get("subWorkflowTaskToDomain"));
    Workflow c = workflow(sub.getSubWorkflowId());
    assertEquals(7, c.getPriority());
    assertEquals(Map.of(work, "blue"), c.getTaskToDomain(), "params win over the parent's domains");

    assertNull(taskClient.pollTask(work, "w1", null), "not in the default queue");
    Task polled = awaitPoll(work, "w1", "blue", DONE);
    assertEquals("blue", polled.getDomain());
    complete(polled, map("doubled", 6));
    Workflow done = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(6, num(done.getOutput().get("doubled")));
  }

  @Test
  void childInheritsTheParentsTaskToDomainWhenParamsNameNone() {
    String work = uniq("inherits");
    registerTaskDef(work, null);
    String child = registerChild(work, 1);
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(child);
      p.setVersion(1);
    }, map("n", 3))), null);

    String id = start(new StartWorkflowRequest().withName(parent).withVersion(1)
        .withTaskToDomain(Map.of("*", "green")).withInput(new HashMap<>()));
    Task sub = awaitChildStarted(id, "sub");
    Workflow c = workflow(sub.getSubWorkflowId());
    assertEquals(Map.of("*", "green"), c.getTaskToDomain());
    assertEquals(0, c.getPriority(), "priority defaults to 0");
    Task polled = awaitPoll(work, "w1", "green", DONE);
    complete(polled, map("doubled", 6));
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void unknownSubWorkflowFailsTheTask() {
    String parent = uniq("parent");
    registerWorkflow(parent, List.of(subWorkflow("sub", p -> {
      p.setName(uniq("no_such_workflow"));
      p.setVersion(1);
    }, map())), null);
    String id = start(parent, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Task sub = w.getTaskByRefName("sub");
    assertEquals(Task.Status.FAILED, sub.getStatus());
    assertTrue(sub.getReasonForIncompletion().contains("No such workflow found"), sub.getReasonForIncompletion());
    assertNull(sub.getSubWorkflowId());
  }

  // ---- START_WORKFLOW ----

  @Test
  void startWorkflowStartsAnIndependentWorkflowAndCompletesWithItsId() {
    String target = uniq("started");
    registerWorkflow(target, List.of(systemTask("HUMAN", "approve", map())), null);
    String parent = uniq("starter");
    registerWorkflow(parent, List.of(systemTask("START_WORKFLOW", "launch", map("startWorkflow",
        map("name", target, "version", 1, "input", map("order", expr("workflow.input.order")))))), null);

    String id = start(new StartWorkflowRequest().withName(parent).withVersion(1).withCorrelationId("corr-fire")
        .withTaskToDomain(Map.of("*", "d1")).withInput(new HashMap<>(map("order", "o-1"))));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    Task launch = w.getTaskByRefName("launch");
    assertEquals("START_WORKFLOW", launch.getTaskType());
    assertEquals(Task.Status.COMPLETED, launch.getStatus());
    String startedId = (String) launch.getOutputData().get("workflowId");
    assertNotNull(startedId);
    assertEquals(map("workflowId", startedId), launch.getOutputData());
    assertNull(launch.getSubWorkflowId());

    Workflow started = workflow(startedId);
    assertEquals(Workflow.WorkflowStatus.RUNNING, started.getStatus(), "fire and forget: the parent did not wait");
    assertEquals(target, started.getWorkflowName());
    assertNull(started.getParentWorkflowId(), "not a child");
    assertEquals("corr-fire", started.getCorrelationId());
    assertEquals(Map.of("*", "d1"), started.getTaskToDomain());
    assertEquals(map("order", "o-1"), started.getInput());
    assertFalse(started.getTasks().isEmpty());
  }

  @Test
  void startWorkflowWithAnInvalidRequestFails() {
    String parent = uniq("starter");
    registerWorkflow(parent, List.of(systemTask("START_WORKFLOW", "launch", map("startWorkflow",
        map("version", 1, "input", map())))), null);
    String id = start(parent, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    assertEquals(Task.Status.FAILED, w.getTaskByRefName("launch").getStatus());

    String other = uniq("starter");
    registerWorkflow(other, List.of(systemTask("START_WORKFLOW", "launch", map("startWorkflow",
        map("name", uniq("missing"), "input", map())))), null);
    String id2 = start(other, map());
    Workflow w2 = awaitStatus(id2, DONE, Workflow.WorkflowStatus.FAILED);
    Task t = w2.getTaskByRefName("launch");
    assertEquals(Task.Status.FAILED, t.getStatus());
    assertTrue(t.getReasonForIncompletion().contains("No such workflow found"), t.getReasonForIncompletion());
  }
}
