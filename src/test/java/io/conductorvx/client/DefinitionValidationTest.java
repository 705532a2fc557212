package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.exception.ConductorClientException;
import com.netflix.conductor.client.http.ConductorClientRequest.Method;
import com.netflix.conductor.common.config.ObjectMapperProvider;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.SubWorkflowParams;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import com.netflix.conductor.common.validation.ValidationError;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Definition validation through the official client: every rule refuses its bad definition with a
 * 400, Conductor's error body and one validationErrors entry per problem (all at once), at the
 * path of the field at fault; and the valid counterpart of every rule is accepted, as are the
 * official Java SDK's own example definitions. Create, update, validate and starts with an inline
 * definition apply the same rules.
 */
class DefinitionValidationTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(20);

  // ---------------------------------------------------------------- builders

  private static WorkflowTask node(String type, String ref, Consumer<WorkflowTask> setup) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref + "_task");
    t.setTaskReferenceName(ref);
    t.setType(type);
    t.setInputParameters(new LinkedHashMap<>());
    if (setup != null) {
      setup.accept(t);
    }
    return t;
  }

  private static WorkflowTask simple(String ref, Map<String, Object> input) {
    return simpleTask(ref + "_task", ref, input);
  }

  private static WorkflowTask join(String ref) {
    return node("JOIN", ref, null);
  }

  private static WorkflowTask switchOn(String ref, String evaluator, String expression, Map<String, List<WorkflowTask>> cases,
      Map<String, Object> input) {
    return node("SWITCH", ref, t -> {
      t.setEvaluatorType(evaluator);
      t.setExpression(expression);
      t.setDecisionCases(new LinkedHashMap<>(cases));
      t.setInputParameters(new LinkedHashMap<>(input));
    });
  }

  private static WorkflowTask fork(String ref, List<List<WorkflowTask>> branches) {
    return node("FORK_JOIN", ref, t -> t.setForkTasks(new ArrayList<>(branches)));
  }

  private static WorkflowTask loop(String ref, String condition, List<WorkflowTask> body) {
    return node("DO_WHILE", ref, t -> {
      t.setLoopCondition(condition);
      t.setLoopOver(new ArrayList<>(body));
    });
  }

  private WorkflowDef def(WorkflowTask... tasks) {
    return workflowDef(uniq("valid"), 1, List.of(tasks));
  }

  /** Registers; must be refused with an error at each path whose message contains its text. */
  private ConductorClientException refused(WorkflowDef def, String... pathsAndMessages) {
    ConductorClientException e = expectStatus(400, () -> metadataClient.registerWorkflowDef(def));
    assertEquals("Validation failed, check below errors for detail.", e.getMessage());
    for (int i = 0; i < pathsAndMessages.length; i += 2) {
      assertValidationError(e, pathsAndMessages[i], pathsAndMessages[i + 1]);
    }
    assertEquals(pathsAndMessages.length / 2, e.getValidationErrors().size(), () -> "exactly one error per problem: " + e.getValidationErrors());
    assertEquals(404, readBack(def.getName()), "a refused definition is not stored");
    return e;
  }

  /** Registers; must be accepted and read back. */
  private void accepted(WorkflowDef def) {
    metadataClient.registerWorkflowDef(def);
    assertEquals(def.getName(), metadataClient.getWorkflowDef(def.getName(), 1).getName());
  }

  private int readBack(String name) {
    try {
      metadataClient.getWorkflowDef(name, 1);
      return 200;
    } catch (ConductorClientException e) {
      return e.getStatus();
    }
  }

  // ---------------------------------------------------------------- references

  @Test
  void referencesToTasksTheWorkflowDoesNotHaveAreRefusedWhereverTheyAreAllAtOnce() {
    WorkflowTask first = simple("first", map("a", expr("workflow.input.a")));
    WorkflowTask typo = simple("typo", map("x", expr("frist.output.x")));
    WorkflowTask inFork = simple("in_fork", map("deep", map("list", List.of("text ${nope1.output.y} more"))));
    WorkflowTask switchTask = switchOn("sw", "value-param", "kind", Map.of("a", List.of(simple("case_a", map()))),
        map("kind", expr("nope2.output.kind")));
    WorkflowTask loopTask = loop("lp", "$.lp['iteration'] < 2", List.of(simple("body", map())));
    loopTask.setInputParameters(new LinkedHashMap<>(map("limit", expr("nope3.input.limit"))));
    WorkflowDef def = def(first, typo, fork("fk", List.of(List.of(inFork))), join("jn"), switchTask, loopTask);
    def.setOutputParameters(new LinkedHashMap<>(map("result", expr("nope4.output"))));

    ConductorClientException e = refused(def,
        "tasks[1].inputParameters.x", "refers to 'frist', which is neither 'workflow' nor a task reference name",
        "tasks[2].forkTasks[0][0].inputParameters.deep.list[0]", "'nope1'",
        "tasks[4].inputParameters.kind", "'nope2'",
        "tasks[5].inputParameters.limit", "'nope3'",
        "outputParameters.result", "'nope4'");
    assertTrue(e.getValidationErrors().stream().allMatch(v -> v.getMessage().contains("${")), "each message quotes the expression");
  }

  @Test
  void referencesToTasksAnywhereInTheTreeToWorkflowAndToSystemParametersAreAccepted() {
    WorkflowTask caseTask = simple("case_a", map());
    WorkflowTask body = simple("body", map("prev", expr("body.output.n")));
    WorkflowTask branch = simple("branch", map());
    WorkflowTask reader = simple("reader", map(
        "fromCase", expr("case_a.output.v"),
        "fromLoop", expr("body.output.v"),
        "fromLoopIteration", expr("body__1.output.v"),
        "fromBranch", expr("branch.output"),
        "withDollar", "${$.workflow.input.a}",
        "bracket", "${$['branch'].output}",
        "taskId", expr("CPEWF_TASK_ID"),
        "env", expr("workflow.env.REGION"),
        "secret", "Bearer ${workflow.secrets.TOKEN}",
        "escaped", "$${not_a_task.output}",
        "nested", "${workflow.input.${workflow.input.key}}",
        "inList", List.of(Map.of("v", expr("workflow.variables.x")))));
    WorkflowDef def = def(
        switchOn("sw", "value-param", "kind", Map.of("a", List.of(caseTask)), map("kind", expr("workflow.input.kind"))),
        loop("lp", "$.lp['iteration'] < 2", List.of(body)),
        fork("fk", List.of(List.of(branch))), join("jn"),
        reader);
    def.setOutputParameters(new LinkedHashMap<>(map("out", expr("reader.output"), "wf", expr("workflow.output.x"))));
    accepted(def);
  }

  @Test
  void anInvalidExpressionIsRefused() {
    refused(def(simple("a", map("bad", expr("workflow.input.my key")))), "tasks[0].inputParameters.bad", "is not a valid expression");
    refused(def(simple("a", map("bad", expr("workflow.input['key")))), "tasks[0].inputParameters.bad", "is not a valid expression");
  }

  @Test
  void referenceNamesMustBeUniqueAcrossTheWholeTree() {
    refused(def(
            simple("same", map()),
            switchOn("sw", "value-param", "k", Map.of("a", List.of(simple("same", map()))), map("k", "a")),
            loop("lp", "false", List.of(simple("inner", map()), simple("same", map())))),
        "tasks[1].decisionCases.a[0].taskReferenceName", "'same' is used more than once",
        "tasks[2].loopOver[1].taskReferenceName", "'same' is used more than once");
    accepted(def(simple("one", map()), switchOn("sw", "value-param", "k", Map.of("a", List.of(simple("two", map()))),
        map("k", "a"))));
  }

  // ---------------------------------------------------------------- per type

  @Test
  void switchNeedsEvaluatorTypeExpressionCasesAndItsValueParamInput() {
    Map<String, List<WorkflowTask>> cases = Map.of("a", List.of(simple("c1", map())));
    refused(def(switchOn("sw", null, null, cases, map())),
        "tasks[0].evaluatorType", "evaluatorType is required for SWITCH task 'sw'",
        "tasks[0].expression", "expression is required for SWITCH task 'sw'");
    refused(def(switchOn("sw", "value-param", "kind", cases, map("other", 1))),
        "tasks[0].expression", "reads the case from input parameter 'kind' (value-param), but it has no such input parameter");
    refused(def(switchOn("sw", "value-param", "kind", Map.of(), map("kind", "a"))),
        "tasks[0].decisionCases", "must have at least one case");
    refused(def(switchOn("sw", "javascript", "$.kind == 'a' ? 'a' : ", cases, map("kind", "a"))),
        "tasks[0].expression", "is not valid JavaScript");

    accepted(def(switchOn("sw", "value-param", "kind", cases, map("kind", expr("workflow.input.kind")))));
    accepted(def(switchOn("sw2", "javascript", "$.kind == 'a' ? 'a' : 'b'", Map.of("a", List.of(simple("c2", map()))),
        map("kind", "a"))));
  }

  @Test
  void decisionNeedsACaseValueParamOrExpressionAndCases() {
    refused(def(node("DECISION", "dc", t -> t.setDecisionCases(new LinkedHashMap<>(Map.of("a", List.of(simple("c", map()))))))),
        "tasks[0].caseValueParam", "caseValueParam or caseExpression is required for DECISION task 'dc'");
    refused(def(node("DECISION", "dc", t -> t.setCaseValueParam("k"))), "tasks[0].decisionCases", "at least one case");
    accepted(def(node("DECISION", "dc", t -> {
      t.setCaseValueParam("k");
      t.setInputParameters(new LinkedHashMap<>(map("k", "a")));
      t.setDecisionCases(new LinkedHashMap<>(Map.of("a", List.of(simple("c", map())))));
    })));
  }

  @Test
  void dynamicNeedsItsTaskNameParam() {
    refused(def(node("DYNAMIC", "dyn", null)), "tasks[0].dynamicTaskNameParam", "dynamicTaskNameParam is required for DYNAMIC task 'dyn'");
    accepted(def(node("DYNAMIC", "dyn", t -> {
      t.setDynamicTaskNameParam("taskName");
      t.setInputParameters(new LinkedHashMap<>(map("taskName", expr("workflow.input.next"))));
    })));
  }

  @Test
  void dynamicForkNeedsItsParametersInEitherFormAndAJoinAfterIt() {
    refused(def(node("FORK_JOIN_DYNAMIC", "df", null), join("jn")),
        "tasks[0].dynamicForkTasksParam", "dynamicForkTasksParam is required",
        "tasks[0].dynamicForkTasksInputParamName", "dynamicForkTasksInputParamName is required");
    refused(def(node("FORK_JOIN_DYNAMIC", "df", t -> {
      t.setDynamicForkJoinTasksParam("legacy");
      t.setDynamicForkTasksParam("tasks");
    }), join("jn")), "tasks[0].dynamicForkJoinTasksParam", "not both");
    refused(def(node("FORK_JOIN_DYNAMIC", "df", t -> t.setInputParameters(new LinkedHashMap<>(map("forkTaskName", "w",
        "forkTaskInputs", List.of())))), simple("after", map())),
        "tasks[0]", "FORK_JOIN_DYNAMIC task 'df' must be followed by a JOIN task, but SIMPLE task 'after' follows it");

    accepted(def(node("FORK_JOIN_DYNAMIC", "df", t -> {
      t.setDynamicForkTasksParam("tasks");
      t.setDynamicForkTasksInputParamName("inputs");
      t.setInputParameters(new LinkedHashMap<>(map("tasks", expr("workflow.input.tasks"), "inputs", expr("workflow.input.inputs"))));
    }), join("jn")));
    accepted(def(node("FORK_JOIN_DYNAMIC", "df2", t -> t.setInputParameters(new LinkedHashMap<>(map(
        "forkTaskName", "work", "forkTaskInputs", expr("workflow.input.items"))))), join("jn2")));

    // branches are named at run time: as in Conductor, they are read through the JOIN's output
    WorkflowTask dynamicFork = node("FORK_JOIN_DYNAMIC", "df3", t -> t.setInputParameters(new LinkedHashMap<>(map(
        "forkTaskName", "work", "forkTaskInputs", expr("workflow.input.items")))));
    refused(def(dynamicFork, join("jn3"), simple("reads_branch", map("v", expr("branch0.output.v")))),
        "tasks[2].inputParameters.v", "refers to 'branch0'");
    accepted(def(dynamicFork, join("jn3"), simple("reads_join", map("v", expr("jn3.output.branch0.v")))));
  }

  @Test
  void forkNeedsBranchesWithTasksAndAJoinAfterIt() {
    refused(def(fork("fk", List.of()), join("jn")), "tasks[0].forkTasks", "must have at least one branch");
    refused(def(fork("fk", List.of(List.of(simple("a", map())), List.of())), join("jn")),
        "tasks[0].forkTasks[1]", "branch 1 of FORK_JOIN task 'fk' has no tasks");
    refused(def(fork("fk", List.of(List.of(simple("a", map()))))), "tasks[0]", "must be followed by a JOIN task");

    accepted(def(fork("fk", List.of(List.of(simple("a", map())), List.of(simple("b", map())))), join("jn")));
    // a fork that ends a case is followed by what follows its SWITCH, as the engine runs it
    accepted(def(switchOn("sw", "value-param", "k", Map.of("x", List.of(fork("fk2", List.of(List.of(simple("c", map())))))),
        map("k", "x")), join("jn2")));
  }

  @Test
  void httpNeedsItsRequestInItsInputOrItsTaskDefinition() {
    refused(def(node("HTTP", "call", null)), "tasks[0].inputParameters", "HTTP task 'call' needs inputParameters.http_request");
    accepted(def(node("HTTP", "call", t -> t.setInputParameters(new LinkedHashMap<>(map("http_request",
        map("uri", "http://localhost:1/x", "method", "GET")))))));
    accepted(def(node("HTTP", "call2", t -> t.setInputParameters(new LinkedHashMap<>(map("uri", "http://localhost:1/x",
        "method", "GET"))))));
    String templated = uniq("http_templated");
    registerTaskDef(templated, d -> d.setInputTemplate(new LinkedHashMap<>(map("http_request",
        map("uri", "http://localhost:1/x", "method", "GET")))));
    WorkflowTask viaDef = node("HTTP", "call3", null);
    viaDef.setName(templated);
    accepted(def(viaDef));
  }

  @Test
  void eventNeedsASink() {
    refused(def(node("EVENT", "ev", null)), "tasks[0].sink", "sink is required for EVENT task 'ev'");
    accepted(def(node("EVENT", "ev", t -> t.setSink("conductor:somewhere"))));
  }

  @Test
  void terminateNeedsAKnownStatusAndCannotBeOptional() {
    refused(def(node("TERMINATE", "end", null)), "tasks[0].inputParameters.terminationStatus", "COMPLETED, FAILED or TERMINATED");
    refused(def(node("TERMINATE", "end", t -> {
      t.setOptional(true);
      t.setInputParameters(new LinkedHashMap<>(map("terminationStatus", "FINISHED")));
    })), "tasks[0].optional", "cannot be optional", "tasks[0].inputParameters.terminationStatus", "got 'FINISHED'");
    accepted(def(node("TERMINATE", "end", t -> t.setInputParameters(new LinkedHashMap<>(map("terminationStatus", "COMPLETED"))))));
    accepted(def(node("TERMINATE", "end2", t -> t.setInputParameters(new LinkedHashMap<>(map("terminationStatus",
        expr("workflow.input.status")))))));
  }

  @Test
  void doWhileNeedsAConditionAndABodyAndCannotHoldAnotherLoop() {
    refused(def(loop("lp", null, List.of())),
        "tasks[0].loopCondition", "loopCondition is required for DO_WHILE task 'lp'",
        "tasks[0].loopOver", "must have at least one task");
    WorkflowTask inner = loop("inner", "false", List.of(simple("b", map())));
    refused(def(loop("outer", "false", List.of(switchOn("sw", "value-param", "k", Map.of("x", List.of(inner)), map("k", "x"))))),
        "tasks[0].loopOver[0].decisionCases.x[0]", "DO_WHILE task 'inner' is inside DO_WHILE task 'outer': loops cannot be nested");

    accepted(def(loop("lp", "$.lp['iteration'] < 3", List.of(simple("b", map())))));
    WorkflowTask overItems = loop("items_loop", null, List.of(simple("each", map("item", expr("items_loop.output.loopItem")))));
    overItems.setInputParameters(new LinkedHashMap<>(map("_items", expr("workflow.input.list"))));
    accepted(def(overItems));
  }

  @Test
  void subWorkflowNeedsANameOrAValidInlineDefinition() {
    refused(def(node("SUB_WORKFLOW", "sub", null)), "tasks[0].subWorkflowParam", "subWorkflowParam is required");
    refused(def(node("SUB_WORKFLOW", "sub", t -> t.setSubWorkflowParam(new SubWorkflowParams()))),
        "tasks[0].subWorkflowParam.name", "needs subWorkflowParam.name or an inline workflowDefinition");
    WorkflowDef child = workflowDef(uniq("child"), 1, List.of(node("EVENT", "no_sink", null),
        simple("reads", map("v", expr("missing.output.v")))));
    SubWorkflowParams inline = new SubWorkflowParams();
    inline.setWorkflowDefinition(child);
    refused(def(node("SUB_WORKFLOW", "sub", t -> t.setSubWorkflowParam(inline))),
        "tasks[0].subWorkflowParam.workflowDefinition.tasks[0].sink", "sink is required",
        "tasks[0].subWorkflowParam.workflowDefinition.tasks[1].inputParameters.v", "'missing'");

    SubWorkflowParams byName = new SubWorkflowParams();
    byName.setName("some_child");
    byName.setVersion(1);
    accepted(def(node("SUB_WORKFLOW", "sub", t -> t.setSubWorkflowParam(byName))));
    SubWorkflowParams good = new SubWorkflowParams();
    good.setWorkflowDefinition(workflowDef(uniq("child"), 1, List.of(simple("c1", map()), simple("c2", map("v", expr("c1.output.v"))))));
    accepted(def(node("SUB_WORKFLOW", "sub2", t -> t.setSubWorkflowParam(good))));
  }

  @Test
  void jsonJqTransformNeedsAQueryInItsInputOrItsTaskDefinition() {
    refused(def(node("JSON_JQ_TRANSFORM", "jq", null)), "tasks[0].inputParameters.queryExpression", "queryExpression is required");
    accepted(def(node("JSON_JQ_TRANSFORM", "jq", t -> t.setInputParameters(new LinkedHashMap<>(map("queryExpression", ".a"))))));
    String templated = uniq("jq_templated");
    registerTaskDef(templated, d -> d.setInputTemplate(new LinkedHashMap<>(map("queryExpression", ".a"))));
    WorkflowTask viaDef = node("JSON_JQ_TRANSFORM", "jq2", null);
    viaDef.setName(templated);
    accepted(def(viaDef));
  }

  @Test
  void waitTakesOneParseableDurationOrUntil() {
    refused(def(node("WAIT", "w", t -> t.setInputParameters(new LinkedHashMap<>(map("duration", "5s", "until", "2030-01-01"))))),
        "tasks[0].inputParameters", "both duration and until");
    refused(def(node("WAIT", "w", t -> t.setInputParameters(new LinkedHashMap<>(map("duration", "soon"))))),
        "tasks[0].inputParameters.duration", "Invalid duration 'soon'");
    refused(def(node("WAIT", "w", t -> t.setInputParameters(new LinkedHashMap<>(map("until", "2030-13-45"))))),
        "tasks[0].inputParameters.until", "Invalid 'until' date");
    accepted(def(node("WAIT", "w", null))); // waits for a signal
    accepted(def(node("WAIT", "w1", t -> t.setInputParameters(new LinkedHashMap<>(map("duration", "1 hour 30 mins"))))));
    accepted(def(node("WAIT", "w2", t -> t.setInputParameters(new LinkedHashMap<>(map("until", "2030-01-01 10:00 UTC"))))));
    accepted(def(node("WAIT", "w3", t -> t.setInputParameters(new LinkedHashMap<>(map("duration", expr("workflow.input.wait")))))));
  }

  @Test
  void everyProblemOfOneDefinitionIsReportedAtOnce() {
    WorkflowDef def = def(
        node("EVENT", "ev", null),
        switchOn("sw", null, "k", Map.of(), map("k", "a")),
        simple("ev", map("x", expr("ghost.output"))));
    refused(def,
        "tasks[0].sink", "sink is required",
        "tasks[1].evaluatorType", "evaluatorType is required",
        "tasks[1].decisionCases", "at least one case",
        "tasks[2].taskReferenceName", "'ev' is used more than once",
        "tasks[2].inputParameters.x", "'ghost'");
  }

  // ---------------------------------------------------------------- every way in

  @Test
  void validateUpdateAndInlineStartsApplyTheSameRules() throws IOException {
    WorkflowDef bad = def(node("EVENT", "ev", null));
    WorkflowDef good = def(node("EVENT", "ev", t -> t.setSink("conductor")));

    // POST /metadata/workflow/validate (the client has no method for it)
    ConductorClientException invalid = expectStatus(400, () -> call(request(Method.POST, "/metadata/workflow/validate").body(bad)
        .build(), null));
    assertValidationError(invalid, "tasks[0].sink", "sink is required");
    // the body itself, as any HTTP client reads it
    HttpResponse<String> raw = rawPost("/api/metadata/workflow/validate",
        new ObjectMapperProvider().getObjectMapper().writeValueAsString(bad));
    assertEquals(400, raw.statusCode());
    JsonObject body = new JsonObject(raw.body());
    assertEquals("Validation failed, check below errors for detail.", body.getString("message"));
    assertEquals(400, body.getInteger("status"));
    assertEquals(false, body.getBoolean("retryable"));
    assertNotNull(body.getString("instance"));
    assertEquals(1, body.getJsonArray("validationErrors").size());
    assertEquals(200, rawPost("/api/metadata/workflow/validate", new ObjectMapperProvider().getObjectMapper().writeValueAsString(good))
        .statusCode());
    assertEquals(404, readBack(good.getName()), "validate stores nothing");

    // PUT /metadata/workflow (update): one bad definition, none stored
    WorkflowDef other = def(simple("a", map()));
    ConductorClientException update = expectStatus(400, () -> metadataClient.updateWorkflowDefs(List.of(other, bad)));
    assertValidationError(update, "[1].tasks[0].sink", "sink is required");
    assertEquals(404, readBack(other.getName()));
    metadataClient.updateWorkflowDefs(List.of(other, good));
    assertEquals(200, readBack(good.getName()));

    // a start with an inline definition
    ConductorClientException start = expectStatus(400, () -> workflowClient.startWorkflow(
        new StartWorkflowRequest().withName(bad.getName()).withWorkflowDef(bad).withInput(Map.of())));
    assertValidationError(start, "workflowDef.tasks[0].sink", "sink is required");
    WorkflowDef runnable = def(node("SET_VARIABLE", "set", t -> t.setInputParameters(new LinkedHashMap<>(map("x", 1)))));
    String id = workflowClient.startWorkflow(new StartWorkflowRequest().withName(runnable.getName()).withWorkflowDef(runnable)
        .withInput(Map.of()));
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void aSubWorkflowWhoseInlineDefinitionComesFromItsInputIsValidatedWhenItStarts() throws Exception {
    // the client's model cannot read an expression back as workflowDefinition: sent as JSON
    String name = uniq("parent");
    String parent = new JsonObject().put("name", name).put("version", 1).put("schemaVersion", 2)
        .put("tasks", new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "sub").put("taskReferenceName", "sub")
            .put("type", "SUB_WORKFLOW").put("subWorkflowParam", new JsonObject().put("name", "from_input")
                .put("workflowDefinition", "${workflow.input.childDef}")))).encode();
    assertEquals(200, rawPost("/api/metadata/workflow", parent).statusCode(), "what the expression yields is only known at run time");

    Map<String, Object> badChild = map("name", "from_input", "version", 1, "schemaVersion", 2,
        "tasks", List.of(map("name", "e", "taskReferenceName", "e", "type", "EVENT")));
    Workflow w = awaitStatus(start(name, map("childDef", badChild)), DONE, Workflow.WorkflowStatus.FAILED);
    String reason = w.getTasks().get(0).getReasonForIncompletion();
    assertNotNull(reason);
    assertTrue(reason.contains("Invalid workflow definition: workflowDef.tasks[0].sink: sink is required for EVENT task 'e'"), reason);
  }

  private HttpResponse<String> rawPost(String path, String json) throws IOException {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl().replaceAll("/api$", "") + path))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void theOfficialJavaSdkExampleDefinitionsAreAccepted() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(Path.of("src/test/resources/sdk-examples"))) {
      files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(files.size() >= 9, "examples: " + files);
    var mapper = new ObjectMapperProvider().getObjectMapper();
    for (Path file : files) {
      WorkflowDef def = mapper.readValue(file.toFile(), WorkflowDef.class);
      def.setName(uniq(def.getName()));
      try {
        metadataClient.registerWorkflowDef(def);
      } catch (ConductorClientException e) {
        List<ValidationError> errors = e.getValidationErrors();
        throw new AssertionError(file.getFileName() + " was refused: " + (errors != null ? errors : e.getResponseBody()), e);
      }
    }
  }

  @Test
  void aTaskDefinitionInlineInATaskIsNotCheckedAsConductorDoesNot() {
    TaskDef inline = new TaskDef("inline_def");
    inline.setTimeoutSeconds(120);
    inline.setResponseTimeoutSeconds(3600); // a registered definition may not have this, an inline one may
    WorkflowTask t = simple("t", map());
    t.setTaskDefinition(inline);
    accepted(def(t));
  }
}
