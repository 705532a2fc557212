package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SIMPLE tasks run by SDK workers; workflow output; {@code ${}} input resolution. */
class SimpleWorkflowTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  private static int num(Object o) {
    assertInstanceOf(Number.class, o, "expected a JSON number, got " + o);
    return ((Number) o).intValue();
  }

  @Test
  void threeTaskWorkflowCompletesWithOutputParameters() {
    String add = uniq("add");
    String dbl = uniq("double");
    String fmt = uniq("format");
    registerTaskDef(add, null);
    registerTaskDef(dbl, null);
    registerTaskDef(fmt, null);
    String wf = uniq("three_tasks");
    registerWorkflow(wf, List.of(
        simpleTask(add, "add_ref", map("a", expr("workflow.input.a"), "b", expr("workflow.input.b"))),
        simpleTask(dbl, "double_ref", map("value", expr("add_ref.output.sum"))),
        simpleTask(fmt, "format_ref", map("value", expr("double_ref.output.doubled"), "label", expr("workflow.input.label")))),
        d -> d.setOutputParameters(map(
            "message", expr("format_ref.output.message"),
            "doubled", expr("double_ref.output.doubled"),
            "sumText", "sum is " + expr("add_ref.output.sum"),
            "inputA", expr("workflow.input.a"))));

    TestWorker addW = TestWorker.completing(add, t -> map("sum", num(t.getInputData().get("a")) + num(t.getInputData().get("b"))));
    TestWorker dblW = TestWorker.completing(dbl, t -> map("doubled", num(t.getInputData().get("value")) * 2));
    TestWorker fmtW = TestWorker.completing(fmt, t -> map("message",
        t.getInputData().get("label") + "=" + num(t.getInputData().get("value"))));
    runWorkers(addW, dblW, fmtW);

    String id = start(wf, map("a", 2, "b", 5, "label", "total"));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(map("message", "total=14", "doubled", 14, "sumText", "sum is 7", "inputA", 2),
        normalizeNumbers(w.getOutput()));
    assertEquals(wf, w.getWorkflowName());
    assertEquals(1, w.getWorkflowVersion());
    assertTrue(w.getEndTime() >= w.getStartTime() && w.getStartTime() > 0, "start/end times set");

    List<Task> tasks = w.getTasks();
    assertEquals(3, tasks.size(), Describe.workflow(w));
    assertEquals(List.of("add_ref", "double_ref", "format_ref"), tasks.stream().map(Task::getReferenceTaskName).toList());
    assertEquals(List.of(add, dbl, fmt), tasks.stream().map(Task::getTaskType).toList(), "taskType = task def name");
    assertEquals(List.of(1, 2, 3), tasks.stream().map(Task::getSeq).toList(), "seq is 1-based in order");
    for (Task t : tasks) {
      assertEquals(Task.Status.COMPLETED, t.getStatus(), Describe.task(t));
      assertEquals(id, t.getWorkflowInstanceId());
      assertEquals(wf, t.getWorkflowType());
      assertEquals(1, t.getPollCount(), "polled once: " + Describe.task(t));
      assertEquals(0, t.getRetryCount());
      assertEquals("w-" + t.getTaskType(), t.getWorkerId(), "workerId comes from the worker identity");
      assertTrue(t.getStartTime() >= t.getScheduledTime() && t.getEndTime() >= t.getStartTime(),
          "scheduled <= start <= end: " + Describe.task(t));
    }
    assertEquals(map("a", 2, "b", 5), normalizeNumbers(tasks.get(0).getInputData()));
    assertEquals(map("sum", 7), normalizeNumbers(tasks.get(0).getOutputData()));
    assertEquals(map("value", 7), normalizeNumbers(tasks.get(1).getInputData()));
    assertEquals(map("value", 14, "label", "total"), normalizeNumbers(tasks.get(2).getInputData()));
    assertEquals(1, addW.executions().size());
    assertEquals(1, dblW.executions().size());
    assertEquals(1, fmtW.executions().size());
  }

  @Test
  void withoutOutputParametersTheOutputIsTheLastTasksOutput() {
    String first = uniq("first");
    String last = uniq("last");
    String wf = uniq("last_output");
    registerWorkflow(wf, List.of(simpleTask(first, "first_ref", Map.of()), simpleTask(last, "last_ref", Map.of())), null);
    runWorkers(
        TestWorker.completing(first, t -> map("from", "first", "n", 1)),
        TestWorker.completing(last, t -> map("from", "last", "nested", map("k", List.of(1, 2)))));

    String id = start(wf, map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("from", "last", "nested", map("k", List.of(1, 2))), normalizeNumbers(w.getOutput()));
  }

  @Test
  void unregisteredTaskDefsRunWithDefaults() {
    // semantics.md §2: a SIMPLE task without a TaskDef runs with a synthesized default def
    String type = uniq("unregistered");
    String wf = uniq("unregistered_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "only", Map.of())), null);
    String id = start(wf, map());
    Task polled = awaitPoll(type, "manual", null, DONE);
    assertEquals(0, polled.getRetryCount());
    assertEquals(3600, polled.getResponseTimeoutSeconds(), "default responseTimeoutSeconds");
    complete(polled, map("ok", true));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("ok", true), w.getOutput());
  }

  @Test
  void inputExpressionsResolveTypedInterpolatedAndMissingValues() {
    String t1 = uniq("expr_one");
    String t2 = uniq("expr_two");
    String wf = uniq("expressions");
    Map<String, Object> t1Params = new HashMap<>();
    t1Params.put("id", expr("workflow.input.orderId"));
    t1Params.put("price", expr("workflow.input.price"));
    t1Params.put("flag", expr("workflow.input.nested.flag"));
    t1Params.put("list", expr("workflow.input.nested.list"));
    t1Params.put("firstOfList", expr("workflow.input.nested.list[0]"));
    t1Params.put("obj", expr("workflow.input.nested"));
    t1Params.put("msg", "order " + expr("workflow.input.orderId") + " for " + expr("workflow.input.name"));
    t1Params.put("missing", expr("workflow.input.doesNotExist"));
    t1Params.put("missingInText", "x=" + expr("workflow.input.doesNotExist"));
    t1Params.put("constant", 3);
    t1Params.put("constantBool", false);
    t1Params.put("literal", "no expression here");
    t1Params.put("inner", map("name", expr("workflow.input.name"), "deeper", map("id", expr("workflow.input.orderId"))));
    t1Params.put("listOfExpr", List.of(expr("workflow.input.orderId"), "lit", expr("workflow.input.name")));
    t1Params.put("wfId", expr("workflow.workflowId"));
    t1Params.put("corr", expr("workflow.correlationId"));

    Map<String, Object> t2Params = new HashMap<>();
    t2Params.put("prevOutput", expr("one.output"));
    t2Params.put("prevValue", expr("one.output.result.value"));
    t2Params.put("prevItems", expr("one.output.result.items"));
    t2Params.put("prevStatus", expr("one.status"));
    t2Params.put("prevInputId", expr("one.input.id"));
    t2Params.put("prevText", "value=" + expr("one.output.result.value") + ";");
    t2Params.put("prevMissing", expr("one.output.nothing.here"));

    registerWorkflow(wf, List.of(simpleTask(t1, "one", t1Params), simpleTask(t2, "two", t2Params)), null);
    runWorkers(
        TestWorker.completing(t1, t -> map("result", map("value", 99, "items", List.of("a", "b")))),
        TestWorker.completing(t2, t -> map("done", true)));

    Map<String, Object> input = map("orderId", 42, "name", "bob", "price", 9.5,
        "nested", map("flag", true, "list", List.of(1, 2, 3)));
    String id = start(new com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest()
        .withName(wf).withVersion(1).withCorrelationId("corr-42").withInput(input));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    Map<String, Object> in1 = w.getTaskByRefName("one").getInputData();
    assertEquals(42, num(in1.get("id")), "whole-string expression keeps the number type");
    assertInstanceOf(Number.class, in1.get("price"));
    assertEquals(9.5, ((Number) in1.get("price")).doubleValue());
    assertEquals(Boolean.TRUE, in1.get("flag"), "boolean stays boolean");
    assertEquals(List.of(1, 2, 3), normalizeNumbers(in1.get("list")), "list stays a list");
    assertEquals(1, num(in1.get("firstOfList")), "JSONPath index");
    assertEquals(map("flag", true, "list", List.of(1, 2, 3)), normalizeNumbers(in1.get("obj")), "object stays an object");
    assertEquals("order 42 for bob", in1.get("msg"), "embedded expressions are interpolated");
    assertNull(in1.get("missing"), "missing path resolves to null");
    assertEquals("x=null", in1.get("missingInText"), "missing value inside text renders as null");
    assertEquals(3, num(in1.get("constant")), "non-string values are copied");
    assertEquals(Boolean.FALSE, in1.get("constantBool"));
    assertEquals("no expression here", in1.get("literal"));
    assertEquals(map("name", "bob", "deeper", map("id", 42)), normalizeNumbers(in1.get("inner")), "nested maps are walked");
    assertEquals(List.of(42, "lit", "bob"), normalizeNumbers(in1.get("listOfExpr")), "lists are walked");
    assertEquals(id, in1.get("wfId"));
    assertEquals("corr-42", in1.get("corr"));

    Map<String, Object> in2 = w.getTaskByRefName("two").getInputData();
    assertEquals(map("result", map("value", 99, "items", List.of("a", "b"))), normalizeNumbers(in2.get("prevOutput")));
    assertEquals(99, num(in2.get("prevValue")));
    assertEquals(List.of("a", "b"), in2.get("prevItems"));
    assertEquals("COMPLETED", in2.get("prevStatus"));
    assertEquals(42, num(in2.get("prevInputId")), "<ref>.input is available");
    assertEquals("value=99;", in2.get("prevText"));
    assertNull(in2.get("prevMissing"));
    assertNotEquals(null, w.getTaskByRefName("two"));
  }

  @Test
  void taskDefInputTemplateFillsMissingAndNullInputs() {
    String type = uniq("templated");
    registerTaskDef(type, d -> d.setInputTemplate(map("fromTemplate", "tmpl", "overridden", "tmpl", "nullFallback", "tmpl")));
    String wf = uniq("templated_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", map(
        "overridden", expr("workflow.input.x"),
        "nullFallback", expr("workflow.input.missing")))), null);
    String id = start(wf, map("x", "given"));
    Task t = awaitPoll(type, "tmpl-worker", null, DONE);
    assertEquals("tmpl", t.getInputData().get("fromTemplate"), "template keys absent from inputParameters are added");
    assertEquals("given", t.getInputData().get("overridden"), "inputParameters win over the template");
    assertEquals("tmpl", t.getInputData().get("nullFallback"), "a null-resolving expression falls back to the template value");
    complete(t, map());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void workflowInputTemplateFillsMissingInputKeys() {
    String type = uniq("wf_templated");
    String wf = uniq("wf_templated_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", map("a", expr("workflow.input.a"), "b", expr("workflow.input.b")))),
        d -> d.setInputTemplate(map("a", "default-a", "b", "default-b")));
    String id = start(wf, map("b", "given-b"));
    Workflow w = workflow(id);
    assertEquals(map("a", "default-a", "b", "given-b"), w.getInput());
    Task t = awaitPoll(type, "tmpl-worker", null, DONE);
    assertEquals(map("a", "default-a", "b", "given-b"), t.getInputData());
    workflowClient.terminateWorkflow(id, "done");
  }

  @Test
  void startDelayDefersTheFirstDelivery() {
    String type = uniq("delayed");
    String wf = uniq("delayed_wf");
    com.netflix.conductor.common.metadata.workflow.WorkflowTask delayed = simpleTask(type, "d", Map.of());
    delayed.setStartDelay(1);
    registerWorkflow(wf, List.of(delayed), null);
    long t0 = System.currentTimeMillis();
    String id = start(wf, map());
    Task scheduled = workflow(id).getTasks().get(0);
    assertEquals(1, scheduled.getCallbackAfterSeconds(), Describe.task(scheduled));
    assertEquals(1, scheduled.getStartDelayInSeconds());
    assertNull(taskClient.pollTask(type, "delay-worker", null), "not deliverable before startDelay");
    Task t = awaitPoll(type, "delay-worker", null, Duration.ofSeconds(5));
    long waited = System.currentTimeMillis() - t0;
    assertTrue(waited >= 900, "delivered after " + waited + " ms despite startDelay 1 s");
    complete(t, map());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void nonAsciiTextSurvivesTheRoundTrip() {
    String type = uniq("unicode");
    String wf = uniq("unicode_wf");
    String text = "héllo wörld – 日本語 – emoji \uD83C\uDF0D – quote \" backslash \\ ";
    registerWorkflow(wf, List.of(simpleTask(type, "u", map("text", expr("workflow.input.text"),
        "mixed", "<" + expr("workflow.input.text") + ">"))), null);
    runWorkers(TestWorker.completing(type, t -> map("echo", t.getInputData().get("text"), "mixed", t.getInputData().get("mixed"))));
    String id = start(wf, map("text", text));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(text, w.getInput().get("text"));
    assertEquals(text, w.getOutput().get("echo"));
    assertEquals("<" + text + ">", w.getOutput().get("mixed"));
  }

  /** Turns every integral Number into Integer so maps compare with literals regardless of Long/Integer. */
  @SuppressWarnings("unchecked")
  static <T> T normalizeNumbers(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, normalizeNumbers(v)));
      return (T) out;
    }
    if (value instanceof List<?> l) {
      return (T) l.stream().map(SimpleWorkflowTest::normalizeNumbers).toList();
    }
    if (value instanceof Long || value instanceof Short || value instanceof Byte) {
      long n = ((Number) value).longValue();
      if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
        return (T) Integer.valueOf((int) n);
      }
    }
    return value;
  }
}
