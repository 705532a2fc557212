package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** INLINE, LAMBDA, SWITCH, DECISION, SET_VARIABLE, NOOP, TERMINATE and JSON_JQ_TRANSFORM through the Java client. */
class ScriptTaskTypesTest extends ScriptTaskTestBase {

  @Test
  void inlineReturnsObjectsArraysAndNumbersAsJson() {
    String id = run(List.of(
        inline("obj", "(function(){ return {sum: $.a + 1, half: $.a / 2, list: [1, 'x', true, null], big: 4000000000,"
            + " nested: {k: [1.5]}}; })()", map("a", expr("workflow.input.a"))),
        inline("arr", "$.items.map(i => i * 10)", map("items", expr("workflow.input.items"))),
        inline("num", "$.a * 2", map("a", expr("workflow.input.a"))),
        system("INLINE", "param", map("evaluatorType", "value-param", "expression", "pick", "pick", expr("workflow.input.a")))),
        map("a", 3, "items", List.of(1, 2)));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("obj", "arr", "num", "param"), refs(w));
    w.getTasks().forEach(t -> assertEquals(Task.Status.COMPLETED, t.getStatus(), Describe.task(t)));
    assertEquals("INLINE", task(w, "obj").getTaskType());
    assertEquals(map("result", map("sum", 4, "half", 1.5, "list", Arrays.asList(1, "x", true, null), "big", 4000000000L,
        "nested", map("k", List.of(1.5)))), task(w, "obj").getOutputData());
    assertEquals(map("result", List.of(10, 20)), norm(task(w, "arr").getOutputData()));
    assertEquals(map("result", 6), norm(task(w, "num").getOutputData()));
    assertEquals(map("result", 3), norm(task(w, "param").getOutputData()));
  }

  @Test
  void inlineScriptErrorFailsTheTaskTerminallyWithTheErrorInItsOutput() {
    String id = run(List.of(inline("bad", "if ($.x < 0) { throw new Error('negative x'); } $.x", map("x", -1))), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    Task bad = task(w, "bad");
    assertEquals(Task.Status.FAILED_WITH_TERMINAL_ERROR, bad.getStatus());
    assertEquals("Error: negative x", bad.getOutputData().get("error"));
    assertEquals("Error: negative x", bad.getReasonForIncompletion());
    assertTrue(w.getReasonForIncompletion().contains("negative x"), w.getReasonForIncompletion());
  }

  @Test
  void lambdaRunsScriptExpressionAsAFunctionBody() {
    WorkflowTask lambda = system("LAMBDA", "lambda", map("n", expr("workflow.input.n"),
        "scriptExpression", "if ($.n > 2) { return {big: true, n: $.n}; } return {big: false};"));
    String id = run(List.of(lambda), map("n", 5));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("result", map("big", true, "n", 5)), norm(task(w, "lambda").getOutputData()));
  }

  @Test
  void switchPicksTheCaseByJavascriptOrValueParamAndContinuesAfterIt() {
    WorkflowTask js = switchTask("size", "javascript", "$.amount > 100 ? 'big' : 'small'",
        map("amount", expr("workflow.input.amount")),
        Map.of("big", List.of(system("NOOP", "big_path", null)), "small", List.of(system("NOOP", "small_path", null))),
        List.of());
    WorkflowTask byParam = switchTask("kind", "value-param", "kind", map("kind", expr("workflow.input.kind")),
        Map.of("a", List.of(system("NOOP", "a_path", null))), List.of(system("NOOP", "default_path", null)));
    String id = run(List.of(js, byParam, system("NOOP", "after", null)), map("amount", 150, "kind", "zzz"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("size", "big_path", "kind", "default_path", "after"), refs(w));
    Task size = task(w, "size");
    assertEquals("SWITCH", size.getTaskType());
    assertEquals(map("evaluationResult", List.of("big"), "selectedCase", "big"), size.getOutputData());
    assertEquals("big", size.getInputData().get("case"));
    assertEquals(map("evaluationResult", List.of("zzz"), "selectedCase", "zzz"), task(w, "kind").getOutputData());
  }

  @Test
  void switchResultsAreStringifiedAndAnEmptyChoiceContinuesWithTheSuccessor() {
    WorkflowTask bool = switchTask("bool", "graaljs", "$.n > 0", map("n", 1),
        Map.of("true", List.of(system("NOOP", "was_true", null))), List.of());
    WorkflowTask number = switchTask("number", "javascript", "$.n * 1.5", map("n", 1),
        Map.of("1", List.of(system("NOOP", "was_one", null))), List.of());
    String id = run(List.of(bool, number, system("NOOP", "end", null)), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("bool", "was_true", "number", "end"), refs(w), "no case 1.5 and no default: straight on");
    assertEquals("1.5", task(w, "number").getOutputData().get("selectedCase"));
  }

  @Test
  void nestedSwitchesContinueAfterTheOuterSwitch() {
    WorkflowTask inner = switchTask("inner", "javascript", "$.v", map("v", expr("workflow.input.inner")),
        Map.of("x", List.of(system("NOOP", "x1", null), system("NOOP", "x2", null))), List.of());
    WorkflowTask outer = switchTask("outer", "value-param", "v", map("v", expr("workflow.input.outer")),
        Map.of("a", List.of(inner, system("NOOP", "a2", null))), List.of());
    String id = run(List.of(outer, system("NOOP", "end", null)), map("outer", "a", "inner", "x"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(List.of("outer", "inner", "x1", "x2", "a2", "end"), refs(w));
  }

  @Test
  void decisionUsesCaseValueParamOrCaseExpression() {
    WorkflowTask byParam = system("DECISION", "by_param", map("kind", expr("workflow.input.kind")));
    byParam.setCaseValueParam("kind");
    byParam.setDecisionCases(Map.of("gold", List.of(system("NOOP", "gold_path", null))));
    WorkflowTask byScript = system("DECISION", "by_script", map("n", expr("workflow.input.n")));
    byScript.setCaseExpression("$.n > 1 ? 'many' : 'one'");
    byScript.setDecisionCases(Map.of("many", List.of(system("NOOP", "many_path", null))));
    byScript.setDefaultCase(List.of(system("NOOP", "one_path", null)));
    String id = run(List.of(byParam, byScript), map("kind", "gold", "n", 1));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("by_param", "gold_path", "by_script", "one_path"), refs(w));
    assertEquals(map("caseOutput", List.of("gold")), task(w, "by_param").getOutputData());
    assertEquals(map("caseOutput", List.of("one")), task(w, "by_script").getOutputData());
  }

  @Test
  void setVariableWritesVariablesThatLaterTasksResolve() {
    String id = run(List.of(
        system("SET_VARIABLE", "set", map("x", expr("workflow.input.x"), "obj", map("a", 1))),
        inline("use", "$.v * 2 + $.o.a", map("v", expr("workflow.variables.x"), "o", expr("workflow.variables.obj")))),
        map("x", 20));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(map("x", 20, "obj", map("a", 1)), norm(w.getVariables()));
    assertEquals(Task.Status.COMPLETED, task(w, "set").getStatus());
    assertEquals(map("result", 41), norm(task(w, "use").getOutputData()));
  }

  @Test
  void setVariableOver256KbFailsTerminallyAndLeavesTheVariablesAsTheyWere() {
    String big = "x".repeat(300 * 1024);
    String id = run(List.of(
        system("SET_VARIABLE", "small", map("keep", "yes")),
        system("SET_VARIABLE", "too_big", map("big", expr("workflow.input.big")))),
        map("big", big));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    Task tooBig = task(w, "too_big");
    assertEquals(Task.Status.FAILED_WITH_TERMINAL_ERROR, tooBig.getStatus());
    assertTrue(tooBig.getReasonForIncompletion().contains("permissible limit"), tooBig.getReasonForIncompletion());
    assertEquals(map("keep", "yes"), w.getVariables());
  }

  @Test
  void noopCompletesAtOnceWithoutOutput() {
    String id = run(List.of(system("NOOP", "noop", null)), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(Task.Status.COMPLETED, task(w, "noop").getStatus());
    assertEquals(Map.of(), task(w, "noop").getOutputData());
  }

  @Test
  void terminateInASwitchBranchEndsTheWorkflowWithItsOutputAndNothingAfterRuns() {
    String worker = uniq("never");
    registerTaskDef(worker, null);
    WorkflowTask sw = switchTask("route", "value-param", "action", map("action", expr("workflow.input.action")),
        Map.of("stop", List.of(terminate("stop", "COMPLETED", "stopped early", map("why", expr("workflow.input.why"))))),
        List.of());
    String id = run(List.of(sw, simpleTask(worker, "after", map())), map("action", "stop", "why", "enough"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("route", "stop"), refs(w));
    assertEquals(map("why", "enough"), w.getOutput());
    assertEquals(map("why", "enough"), task(w, "stop").getOutputData());
    assertEquals(Task.Status.COMPLETED, task(w, "stop").getStatus());
  }

  @Test
  void terminateWithFailedStatusFailsTheWorkflowAndCancelsTheUnfinishedLoop() {
    WorkflowTask sw = switchTask("check", "javascript", "$.loop.iteration >= 2 ? 'stop' : 'go'",
        map("loop", expr("loop.output")),
        Map.of("stop", List.of(terminate("abort", "FAILED", "gave up at 2", null))), List.of());
    String id = run(List.of(doWhile("loop", "true", map(), List.of(sw))), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    assertEquals("gave up at 2", w.getReasonForIncompletion());
    assertEquals(List.of("loop", "check__1", "check__2", "abort__2"), refs(w));
    assertEquals(Task.Status.CANCELED, task(w, "loop").getStatus());
    assertEquals(Task.Status.COMPLETED, task(w, "abort__2").getStatus());
  }

  @Test
  void terminateWithAnInvalidStatusIsRefusedOrFailsTheTask() {
    // written in the definition: refused when registered
    expectInvalid(workflowDef(uniq("wf"), 1, List.of(terminate("bad", "DONE", null, null))),
        "tasks[0].inputParameters.terminationStatus", "COMPLETED, FAILED or TERMINATED, got 'DONE'");
    // read from the input: known only at run time, where it fails the task
    String id = run(List.of(terminate("bad", expr("workflow.input.status"), null, null)), map("status", "DONE"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Task bad = task(w, "bad");
    assertEquals(Task.Status.FAILED, bad.getStatus());
    assertTrue(bad.getReasonForIncompletion().contains("terminationStatus"), bad.getReasonForIncompletion());
  }

  @Test
  void jsonJqTransformGivesTheFirstResultAndAllResults() {
    WorkflowTask names = system("JSON_JQ_TRANSFORM", "names",
        map("items", expr("workflow.input.items"), "queryExpression", ".items[] | .name"));
    WorkflowTask total = system("JSON_JQ_TRANSFORM", "total",
        map("items", expr("workflow.input.items"), "queryExpression", "{total: (.items | map(.price * .qty) | add)}"));
    String id = run(List.of(names, total), map("items", List.of(
        map("name", "pen", "price", 2, "qty", 3), map("name", "ink", "price", 5, "qty", 1))));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(map("result", "pen", "resultList", List.of("pen", "ink")), task(w, "names").getOutputData());
    assertEquals(map("result", map("total", 11), "resultList", List.of(map("total", 11))), norm(task(w, "total").getOutputData()));
  }

  @Test
  void jsonJqTransformErrorFailsTheTaskWithTheMessage() {
    String id = run(List.of(system("JSON_JQ_TRANSFORM", "bad", map("queryExpression", ".a | error(\"no a here\")"))), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);
    Task bad = task(w, "bad");
    assertEquals(Task.Status.FAILED, bad.getStatus());
    assertTrue(String.valueOf(bad.getOutputData().get("error")).contains("no a here"), Describe.task(bad));
    assertFalse(bad.getReasonForIncompletion().isBlank());
  }
}
