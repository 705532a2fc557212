package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** DO_WHILE through the Java client: iterations, nested SWITCH, keepLastN, item lists, condition errors. */
class DoWhileTest extends ScriptTaskTestBase {

  @Test
  void loopRunsASimpleTaskThreeTimesUntilItsGrowingOutputStopsTheCondition() {
    String work = uniq("grow");
    registerTaskDef(work, null);
    AtomicInteger calls = new AtomicInteger();
    runWorkers(TestWorker.completing(work, t -> map("value", calls.incrementAndGet() * 10,
        "seenIteration", t.getInputData().get("i"))));
    WorkflowTask loop = doWhile("loop", "$.work.value < 30", map("limit", 30),
        List.of(simpleTask(work, "work", map("i", expr("loop.output.iteration")))));
    String id = run(List.of(loop, system("NOOP", "after", null)), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("loop", "work__1", "work__2", "work__3", "after"), refs(w));
    assertEquals(List.of(0, 1, 2, 3, 0), w.getTasks().stream().map(Task::getIteration).toList());
    Task loopTask = task(w, "loop");
    assertEquals(Task.Status.COMPLETED, loopTask.getStatus());
    assertEquals(map("iteration", 3,
        "1", map("work", map("value", 10, "seenIteration", 1)),
        "2", map("work", map("value", 20, "seenIteration", 2)),
        "3", map("work", map("value", 30, "seenIteration", 3))), norm(loopTask.getOutputData()));
    assertEquals(3, calls.get());
  }

  @Test
  void switchNestedInADoWhileRunsTheChosenCaseInEveryIteration() {
    WorkflowTask calc = inline("calc", "$.i % 2 == 0 ? 'even' : 'odd'", map("i", expr("loop.output.iteration")));
    WorkflowTask parity = switchTask("parity", "value-param", "p", map("p", expr("calc.output.result")),
        Map.of("even", List.of(system("NOOP", "even_t", null)), "odd", List.of(system("NOOP", "odd_t", null))), List.of());
    WorkflowTask loop = doWhile("loop", "$.loop['iteration'] < 4", map(), List.of(calc, parity, system("NOOP", "tail", null)));
    String id = run(List.of(loop), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("loop",
        "calc__1", "parity__1", "odd_t__1", "tail__1",
        "calc__2", "parity__2", "even_t__2", "tail__2",
        "calc__3", "parity__3", "odd_t__3", "tail__3",
        "calc__4", "parity__4", "even_t__4", "tail__4"), refs(w));
    Map<String, Object> output = task(w, "loop").getOutputData();
    assertEquals(4, output.get("iteration"));
    @SuppressWarnings("unchecked")
    Map<String, Object> second = (Map<String, Object>) output.get("2");
    assertEquals(List.of("calc", "parity", "even_t", "tail"), List.copyOf(second.keySet()));
    assertEquals(map("evaluationResult", List.of("even"), "selectedCase", "even"), second.get("parity"));
  }

  @Test
  void keepLastNRemovesOlderIterationTasksAndOutputs() {
    WorkflowTask loop = doWhile("loop", "$.loop.iteration < 5", map("keepLastN", 2),
        List.of(inline("step", "$.i * 2", map("i", expr("loop.output.iteration")))));
    String id = run(List.of(loop), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("loop", "step__4", "step__5"), refs(w));
    assertEquals(map("iteration", 5, "4", map("step", map("result", 8)), "5", map("step", map("result", 10))),
        norm(task(w, "loop").getOutputData()));
  }

  @Test
  void itemsRunOneIterationPerElementWithLoopItemAndLoopIndex() {
    WorkflowTask each = inline("each", "$.item + '#' + $.index",
        map("item", expr("loop.output.loopItem"), "index", expr("loop.output.loopIndex")));
    WorkflowTask loop = doWhile("loop", null, map("_items", expr("workflow.input.list")), List.of(each));
    String id = run(List.of(loop), map("list", List.of("a", "b", "c")));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("loop", "each__1", "each__2", "each__3"), refs(w));
    assertEquals(List.of("a#0", "b#1", "c#2"), w.getTasks().subList(1, 4).stream()
        .map(t -> t.getOutputData().get("result")).toList());

    String empty = run(List.of(doWhile("loop", null, map("_items", List.of()), List.of(system("NOOP", "body", null)))), map());
    Workflow e = awaitStatus(empty, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(List.of("loop"), refs(e), "an empty list runs no iteration");
    assertEquals(map("iteration", 0), norm(task(e, "loop").getOutputData()));
  }

  @Test
  void aLoopConditionThatThrowsFailsTheLoopTerminally() {
    WorkflowTask loop = doWhile("loop", "$.nothing.here > 1", map(), List.of(system("NOOP", "body", null)));
    String id = run(List.of(loop), map());
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.FAILED);

    assertEquals(List.of("loop", "body__1"), refs(w), "the body ran once before the condition");
    Task loopTask = task(w, "loop");
    assertEquals(Task.Status.FAILED_WITH_TERMINAL_ERROR, loopTask.getStatus());
    assertTrue(loopTask.getReasonForIncompletion().contains("TypeError"), loopTask.getReasonForIncompletion());
  }
}
