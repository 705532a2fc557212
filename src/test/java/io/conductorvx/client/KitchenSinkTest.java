package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.http.ConductorClientRequest;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.run.Workflow;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One workflow that uses every task type together: a fork inside a loop, a sub workflow whose
 * SWITCH leads to SET_VARIABLE, DECISION and LAMBDA, a dynamic fork of HTTP tasks against a local
 * server, EVENT, WAIT, HUMAN, START_WORKFLOW, DYNAMIC, JSON_JQ_TRANSFORM, NOOP, and a TERMINATE that
 * builds the output. A variant fails at its last worker task and is retried to completion.
 */
class KitchenSinkTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(60);

  private final Vertx endpointVertx = Vertx.vertx();
  private HttpServer endpoint;
  private String parent;
  private String prepare;
  private String branch;
  private String finish;

  @BeforeAll
  void startEndpoint() {
    Router router = Router.router(endpointVertx);
    router.get("/item/:k").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("item", Integer.parseInt(ctx.pathParam("k"))).encode()));
    endpoint = TestServer.await(endpointVertx.createHttpServer().requestHandler(router).listen(0), 10);
  }

  /** Fresh names per test: SDK runners of an earlier test, still stopping, must not poll this one's tasks. */
  private void defineWorkflows() {
    prepare = uniq("ks_prepare");
    branch = uniq("ks_branch");
    finish = uniq("ks_finish");
    for (String type : List.of(prepare, branch, finish)) {
      registerTaskDef(type, null);
    }
    String child = uniq("ks_child");
    register(childDefinition(child));
    parent = uniq("ks_parent");
    register(parentDefinition(parent, child));
  }

  @AfterAll
  void stopEndpoint() {
    TestServer.await(endpointVertx.close(), 10);
  }

  /** Plain maps and lists all the way down, as the client's JSON mapper expects. */
  private void register(JsonObject def) {
    Map<?, ?> body = io.vertx.core.json.Json.decodeValue(def.encode(), Map.class);
    call(request(ConductorClientRequest.Method.POST, "/metadata/workflow").body(body).build(), null);
  }

  private static JsonObject node(String type, String ref) {
    return new JsonObject().put("name", ref).put("taskReferenceName", ref).put("type", type);
  }

  private static JsonObject worker(String taskType, String ref) {
    return new JsonObject().put("name", taskType).put("taskReferenceName", ref).put("type", "SIMPLE");
  }

  /** amount > 10 → SET_VARIABLE label=big → DECISION on the label → LAMBDA doubling the amount. */
  private static JsonObject childDefinition(String name) {
    JsonObject lambda = node("LAMBDA", "lam").put("inputParameters", new JsonObject()
        .put("amount", "${workflow.input.amount}")
        .put("scriptExpression", "return {doubled: $.amount * 2};"));
    JsonObject decision = node("DECISION", "by_label").put("caseValueParam", "kind")
        .put("inputParameters", new JsonObject().put("kind", "${workflow.variables.label}"))
        .put("decisionCases", new JsonObject().put("big", new JsonArray().add(lambda)));
    JsonObject sizeSwitch = node("SWITCH", "size").put("evaluatorType", "javascript")
        .put("expression", "$.amount > 10 ? 'big' : 'small'")
        .put("inputParameters", new JsonObject().put("amount", "${workflow.input.amount}"))
        .put("decisionCases", new JsonObject()
            .put("big", new JsonArray().add(node("SET_VARIABLE", "set_big").put("inputParameters", new JsonObject().put("label", "big"))))
            .put("small", new JsonArray().add(node("SET_VARIABLE", "set_small").put("inputParameters", new JsonObject().put("label", "small")))));
    return new JsonObject().put("name", name).put("version", 1).put("schemaVersion", 2)
        .put("tasks", new JsonArray().add(sizeSwitch).add(decision).add(node("NOOP", "child_noop")))
        .put("outputParameters", new JsonObject()
            .put("label", "${workflow.variables.label}")
            .put("doubled", "${lam.output.result.doubled}"));
  }

  private JsonObject parentDefinition(String name, String child) {
    JsonObject fork = node("FORK_JOIN", "fork").put("forkTasks", new JsonArray()
        .add(new JsonArray().add(worker(branch, "branch_a")))
        .add(new JsonArray().add(node("JSON_JQ_TRANSFORM", "jq").put("inputParameters", new JsonObject()
            .put("n", "${prepare.output.n}").put("queryExpression", ".n * 2")))));
    JsonObject loop = node("DO_WHILE", "loop").put("loopCondition", "$.loop['iteration'] < 2")
        .put("loopOver", new JsonArray().add(fork)
            .add(node("JOIN", "join").put("joinOn", new JsonArray().add("branch_a").add("jq"))));
    JsonObject subWorkflow = node("SUB_WORKFLOW", "child")
        .put("subWorkflowParam", new JsonObject().put("name", child).put("version", 1))
        .put("inputParameters", new JsonObject().put("amount", "${prepare.output.amount}"));
    String buildHttp = "(function(){ var t = []; var i = {};"
        + " for (var k = 0; k < 3; k++) { t.push({name: 'http_call', taskReferenceName: 'h' + k, type: 'HTTP'});"
        + " i['h' + k] = {http_request: {uri: $.base + '/item/' + k, method: 'GET'}}; }"
        + " return {tasks: t, inputs: i}; })()";
    JsonObject terminate = node("TERMINATE", "end").put("inputParameters", new JsonObject()
        .put("terminationStatus", "COMPLETED")
        .put("workflowOutput", new JsonObject()
            .put("label", "${child.output.label}")
            .put("doubled", "${child.output.doubled}")
            .put("loops", "${loop.output.iteration}")
            .put("jq", "${jq.output.result}")
            .put("items", new JsonArray().add("${http_join.output.h0.response.body.item}")
                .add("${http_join.output.h1.response.body.item}").add("${http_join.output.h2.response.body.item}"))
            .put("approved", "${human.output.approved}")
            .put("spawned", "${spawn.output.workflowId}")
            .put("done", "${dyn.output.done}")));
    JsonArray tasks = new JsonArray()
        .add(worker(prepare, "prepare"))
        .add(loop)
        .add(subWorkflow)
        .add(node("INLINE", "build_http").put("inputParameters", new JsonObject()
            .put("base", "${workflow.input.base}").put("evaluatorType", "javascript").put("expression", buildHttp)))
        .add(node("FORK_JOIN_DYNAMIC", "http_fan").put("dynamicForkTasksParam", "tasks")
            .put("dynamicForkTasksInputParamName", "inputs")
            .put("inputParameters", new JsonObject()
                .put("tasks", "${build_http.output.result.tasks}").put("inputs", "${build_http.output.result.inputs}")))
        .add(node("JOIN", "http_join"))
        .add(node("EVENT", "notify").put("sink", "conductor"))
        .add(node("WAIT", "nap").put("inputParameters", new JsonObject().put("duration", "1 seconds")))
        .add(node("HUMAN", "human"))
        .add(node("START_WORKFLOW", "spawn").put("inputParameters", new JsonObject().put("startWorkflow",
            new JsonObject().put("name", child).put("version", 1).put("input", new JsonObject().put("amount", 1)))))
        .add(node("DYNAMIC", "dyn").put("dynamicTaskNameParam", "taskName")
            .put("inputParameters", new JsonObject().put("taskName", "${prepare.output.next}")
                .put("failOnce", "${workflow.input.failOnce}")))
        .add(terminate);
    return new JsonObject().put("name", name).put("version", 1).put("schemaVersion", 2).put("tasks", tasks);
  }

  private void runTheWorkers() {
    defineWorkflows();
    runWorkers(
        TestWorker.completing(prepare, t -> map("n", 5, "amount", 20, "next", finish)),
        TestWorker.completing(branch, t -> map("branch", "a", "iteration", t.getIteration())),
        TestWorker.of(finish, t -> Boolean.TRUE.equals(t.getInputData().get("failOnce")) && t.getRetryCount() == 0
            ? TestWorker.result(t, TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, "chosen failure", Map.of())
            : TestWorker.result(t, TaskResult.Status.COMPLETED, null, map("done", true))));
  }

  private String startParent(boolean failOnce) {
    return start(parent, map("base", "http://localhost:" + endpoint.actualPort(), "failOnce", failOnce));
  }

  /** The HUMAN task waits for a person: the test approves it by reference once it is reached. */
  private void approveWhenAsked(String id) {
    awaitWorkflow("human task reached", id, DONE, w -> w.getTasks().stream()
        .anyMatch(t -> "human".equals(t.getReferenceTaskName()) && t.getStatus() == Task.Status.IN_PROGRESS));
    call(request(ConductorClientRequest.Method.POST, "/tasks/" + id + "/human/COMPLETED").body(map("approved", true)).build(), null);
  }

  private static void assertExpectedOutput(Workflow done) {
    Map<String, Object> out = done.getOutput();
    assertEquals("big", out.get("label"), Describe.workflow(done));
    assertEquals(40, ((Number) out.get("doubled")).intValue());
    assertEquals(2, ((Number) out.get("loops")).intValue());
    assertEquals(10, ((Number) out.get("jq")).intValue());
    assertEquals(List.of(0, 1, 2), ((List<?>) out.get("items")).stream().map(v -> ((Number) v).intValue()).toList());
    assertEquals(Boolean.TRUE, out.get("approved"));
    assertEquals(Boolean.TRUE, out.get("done"));
    assertNotNull(out.get("spawned"), "START_WORKFLOW gave the new workflow's id");
  }

  @Test
  void everyTaskTypeTogetherCompletesWithTheExpectedOutput() {
    runTheWorkers();
    String id = startParent(false);
    approveWhenAsked(id);
    Workflow done = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertExpectedOutput(done);

    Set<String> refs = done.getTasks().stream().map(Task::getReferenceTaskName).collect(Collectors.toSet());
    assertTrue(refs.containsAll(Set.of("fork__1", "branch_a__1", "jq__1", "join__1", "fork__2", "branch_a__2", "jq__2",
        "join__2", "child", "http_fan", "h0", "h1", "h2", "http_join", "notify", "nap", "human", "spawn", "dyn", "end")),
        "every step ran, loop iterations suffixed: " + refs);
    Task dyn = done.getTaskByRefName("dyn");
    assertEquals(finish, dyn.getTaskType(), "DYNAMIC ran the worker task its input named");
    Workflow child = workflow((String) done.getTaskByRefName("child").getOutputData().get("subWorkflowId"));
    assertEquals(Workflow.WorkflowStatus.COMPLETED, child.getStatus());
    assertEquals(id, child.getParentWorkflowId());
  }

  @Test
  void aVariantThatFailsAtAChosenTaskIsRetriedToCompletion() {
    runTheWorkers();
    String id = startParent(true);
    approveWhenAsked(id);
    Workflow failed = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    assertTrue(failed.getReasonForIncompletion().contains("chosen failure"), failed.getReasonForIncompletion());
    assertEquals(Task.Status.FAILED_WITH_TERMINAL_ERROR, failed.getTaskByRefName("dyn").getStatus());

    workflowClient.retryLastFailedTask(id);
    Workflow done = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertExpectedOutput(done);
    assertEquals(2, attempts(done, "dyn").size(), "the failed task ran again, nothing before it did");
    assertEquals(1, attempts(done, "human").size());
  }
}
