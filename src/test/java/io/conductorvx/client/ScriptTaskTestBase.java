package io.conductorvx.client;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for system task nodes, shared by the script, SWITCH and DO_WHILE client tests. */
abstract class ScriptTaskTestBase extends ClientTestBase {
  static final Duration DONE = Duration.ofSeconds(15);

  static WorkflowTask system(String type, String ref, Map<String, Object> input) {
    WorkflowTask t = new WorkflowTask();
    t.setName(ref);
    t.setTaskReferenceName(ref);
    t.setType(type);
    t.setInputParameters(input == null ? new HashMap<>() : new LinkedHashMap<>(input));
    return t;
  }

  static WorkflowTask inline(String ref, String script, Map<String, Object> more) {
    Map<String, Object> input = new LinkedHashMap<>(more == null ? Map.of() : more);
    input.put("evaluatorType", "javascript");
    input.put("expression", script);
    return system("INLINE", ref, input);
  }

  static WorkflowTask switchTask(String ref, String evaluatorType, String expression, Map<String, Object> input,
      Map<String, List<WorkflowTask>> cases, List<WorkflowTask> defaultCase) {
    WorkflowTask t = system("SWITCH", ref, input);
    t.setEvaluatorType(evaluatorType);
    t.setExpression(expression);
    t.setDecisionCases(new LinkedHashMap<>(cases));
    t.setDefaultCase(new ArrayList<>(defaultCase));
    return t;
  }

  static WorkflowTask doWhile(String ref, String condition, Map<String, Object> input, List<WorkflowTask> body) {
    WorkflowTask t = system("DO_WHILE", ref, input);
    t.setLoopCondition(condition);
    t.setLoopOver(new ArrayList<>(body));
    return t;
  }

  static WorkflowTask terminate(String ref, String status, String reason, Object workflowOutput) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("terminationStatus", status);
    if (reason != null) {
      input.put("terminationReason", reason);
    }
    if (workflowOutput != null) {
      input.put("workflowOutput", workflowOutput);
    }
    return system("TERMINATE", ref, input);
  }

  /** Registers a one-version workflow of these nodes and starts it. */
  String run(List<WorkflowTask> tasks, Map<String, Object> input) {
    String name = uniq("wf");
    registerWorkflow(name, tasks, null);
    return start(name, input);
  }

  static List<String> refs(Workflow w) {
    return w.getTasks().stream().map(Task::getReferenceTaskName).toList();
  }

  static Task task(Workflow w, String ref) {
    return w.getTasks().stream().filter(t -> ref.equals(t.getReferenceTaskName())).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no task " + ref + " in " + refs(w)));
  }

  static <T> T norm(T value) {
    return SimpleWorkflowTest.normalizeNumbers(value);
  }
}
