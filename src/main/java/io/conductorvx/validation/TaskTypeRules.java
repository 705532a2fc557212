package io.conductorvx.validation;

import io.conductorvx.model.Json;
import io.conductorvx.model.SubWorkflowParams;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.tasks.WaitTask;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each task type needs in its definition: Conductor's per-type registration rules (a field
 * counts as missing when it is absent, as there), plus what its engine only finds out at run time
 * (a fork not followed by its JOIN or with an empty branch, a loop inside a loop, a SWITCH that
 * reads its case from an input it does not have). Scripts are syntax-checked where Conductor
 * checks them (SWITCH javascript expressions, DECISION case expressions). Each rule adds a
 * violation at the field at fault.
 */
final class TaskTypeRules {
  private static final Set<String> TERMINATION_STATUSES = Set.of("COMPLETED", "FAILED", "TERMINATED");

  private final DefinitionValidator validator;
  private final int depth;

  TaskTypeRules(DefinitionValidator validator, int depth) {
    this.validator = validator;
    this.depth = depth;
  }

  void check(Node n, Violations v) {
    WorkflowTask t = n.task();
    switch (t.type) {
      case "EVENT" -> event(n, v);
      case "DECISION" -> decision(n, v);
      case "SWITCH" -> switchTask(n, v);
      case "DYNAMIC" -> dynamic(n, v);
      case "FORK_JOIN" -> fork(n, v);
      case "FORK_JOIN_DYNAMIC" -> dynamicFork(n, v);
      case "HTTP" -> http(n, v);
      case "TERMINATE" -> terminate(n, v);
      case "KAFKA_PUBLISH" -> kafka(n, v);
      case "DO_WHILE" -> doWhile(n, v);
      case "SUB_WORKFLOW" -> subWorkflow(n, v);
      case "JSON_JQ_TRANSFORM" -> jq(n, v);
      case "WAIT" -> waitTask(n, v);
      default -> { }
    }
    if (!n.enclosingLoops().isEmpty() && "DO_WHILE".equals(t.type)) {
      v.add(n.path(), "DO_WHILE task " + n.label() + " is inside DO_WHILE task '" + n.enclosingLoops().get(n.enclosingLoops().size() - 1)
          + "': loops cannot be nested (run a SUB_WORKFLOW with the inner loop instead)");
    }
  }

  private static void event(Node n, Violations v) {
    if (n.task().sink == null) {
      v.add(n.path() + ".sink", "sink is required for EVENT task " + n.label() + " (e.g. conductor, conductor:<queue>, amqp_queue:<queue>)");
    }
  }

  private static void decision(Node n, Violations v) {
    WorkflowTask t = n.task();
    if (t.caseValueParam == null && t.caseExpression == null) {
      v.add(n.path() + ".caseValueParam", "caseValueParam or caseExpression is required for DECISION task " + n.label());
    }
    cases(n, "DECISION", v);
    if (t.caseExpression != null) {
      script(n.path() + ".caseExpression", "caseExpression of DECISION task " + n.label(), t.caseExpression, v);
    }
  }

  private static void switchTask(Node n, Violations v) {
    WorkflowTask t = n.task();
    if (t.evaluatorType == null) {
      v.add(n.path() + ".evaluatorType", "evaluatorType is required for SWITCH task " + n.label() + " (value-param, javascript or graaljs)");
    }
    if (t.expression == null) {
      v.add(n.path() + ".expression", "expression is required for SWITCH task " + n.label());
    } else if ("value-param".equals(t.evaluatorType) && !inputs(t).containsKey(t.expression)) {
      v.add(n.path() + ".expression", "SWITCH task " + n.label() + " reads the case from input parameter '" + t.expression
          + "' (value-param), but it has no such input parameter");
    } else if ("javascript".equals(t.evaluatorType)) {
      script(n.path() + ".expression", "expression of SWITCH task " + n.label(), t.expression, v);
    }
    cases(n, "SWITCH", v);
  }

  private static void cases(Node n, String type, Violations v) {
    if (n.task().decisionCases == null || n.task().decisionCases.isEmpty()) {
      v.add(n.path() + ".decisionCases", "decisionCases of " + type + " task " + n.label() + " must have at least one case");
    }
  }

  private static void dynamic(Node n, Violations v) {
    if (n.task().dynamicTaskNameParam == null) {
      v.add(n.path() + ".dynamicTaskNameParam", "dynamicTaskNameParam is required for DYNAMIC task " + n.label()
          + " (the input parameter that names the task to run)");
    }
  }

  private static void fork(Node n, Violations v) {
    List<List<WorkflowTask>> branches = n.task().forkTasks;
    if (branches == null || branches.isEmpty()) {
      v.add(n.path() + ".forkTasks", "forkTasks of FORK_JOIN task " + n.label() + " must have at least one branch");
    } else {
      for (int i = 0; i < branches.size(); i++) {
        if (branches.get(i) != null && branches.get(i).isEmpty()) {
          v.add(n.path() + ".forkTasks[" + i + "]", "branch " + i + " of FORK_JOIN task " + n.label() + " has no tasks");
        }
      }
    }
    followedByJoin(n, "FORK_JOIN", v);
  }

  private static void dynamicFork(Node n, Violations v) {
    WorkflowTask t = n.task();
    Map<String, Object> in = inputs(t);
    boolean simpleStyle = in.containsKey("forkTaskInputs") || in.containsKey("forkTaskName")
        || in.containsKey("forkTaskType") || in.containsKey("forkTaskWorkflow");
    boolean legacy = t.dynamicForkJoinTasksParam != null;
    boolean listStyle = t.dynamicForkTasksParam != null || t.dynamicForkTasksInputParamName != null;
    if (!simpleStyle) {
      if (legacy && listStyle) {
        v.add(n.path() + ".dynamicForkJoinTasksParam", "FORK_JOIN_DYNAMIC task " + n.label()
            + " uses either dynamicForkJoinTasksParam or dynamicForkTasksParam with dynamicForkTasksInputParamName, not both");
      } else if (!legacy) {
        if (t.dynamicForkTasksParam == null) {
          v.add(n.path() + ".dynamicForkTasksParam", "dynamicForkTasksParam is required for FORK_JOIN_DYNAMIC task " + n.label()
              + " (or the forkTaskName and forkTaskInputs input parameters)");
        }
        if (t.dynamicForkTasksInputParamName == null) {
          v.add(n.path() + ".dynamicForkTasksInputParamName", "dynamicForkTasksInputParamName is required for FORK_JOIN_DYNAMIC task "
              + n.label() + " (or the forkTaskName and forkTaskInputs input parameters)");
        }
      }
    }
    followedByJoin(n, "FORK_JOIN_DYNAMIC", v);
  }

  private static void followedByJoin(Node n, String type, Violations v) {
    WorkflowTask next = n.next();
    if (next == null || !"JOIN".equals(next.type)) {
      v.add(n.path(), type + " task " + n.label() + " must be followed by a JOIN task"
          + (next == null ? "" : ", but " + describe(next) + " follows it"));
    }
  }

  private void http(Node n, Violations v) {
    Map<String, Object> in = inputs(n.task());
    if (in.containsKey("http_request") || in.containsKey("uri") || in.containsKey("method")) {
      return;
    }
    Map<String, Object> template = template(n.task());
    if (template.containsKey("http_request") || template.containsKey("uri")) {
      return;
    }
    v.add(n.path() + ".inputParameters", "HTTP task " + n.label() + " needs inputParameters.http_request, or uri and method"
        + " in inputParameters, or a task definition whose inputTemplate has http_request");
  }

  private static void terminate(Node n, Violations v) {
    WorkflowTask t = n.task();
    if (t.optional) {
      v.add(n.path() + ".optional", "TERMINATE task " + n.label() + " cannot be optional");
    }
    Object status = inputs(t).get("terminationStatus");
    boolean expression = status instanceof String s && s.contains("${");
    if (!expression && !(status instanceof String s2 && TERMINATION_STATUSES.contains(s2))) {
      v.add(n.path() + ".inputParameters.terminationStatus", "TERMINATE task " + n.label()
          + " needs inputParameters.terminationStatus COMPLETED, FAILED or TERMINATED" + (status == null ? "" : ", got '" + status + "'"));
    }
  }

  private void kafka(Node n, Violations v) {
    if (!inputs(n.task()).containsKey("kafka_request") && !template(n.task()).containsKey("kafka_request")) {
      v.add(n.path() + ".inputParameters", "KAFKA_PUBLISH task " + n.label()
          + " needs inputParameters.kafka_request, or a task definition whose inputTemplate has it");
    }
  }

  private static void doWhile(Node n, Violations v) {
    WorkflowTask t = n.task();
    boolean items = t.items != null || inputs(t).containsKey("_items") || inputs(t).containsKey("items");
    if (t.loopCondition == null && !items) {
      v.add(n.path() + ".loopCondition", "loopCondition is required for DO_WHILE task " + n.label() + " (unless it iterates over items)");
    }
    if (t.loopOver == null || t.loopOver.isEmpty()) {
      v.add(n.path() + ".loopOver", "loopOver of DO_WHILE task " + n.label() + " must have at least one task");
    }
  }

  private void subWorkflow(Node n, Violations v) {
    SubWorkflowParams p = n.task().subWorkflowParam;
    String path = n.path() + ".subWorkflowParam";
    if (p == null) {
      v.add(path, "subWorkflowParam is required for SUB_WORKFLOW task " + n.label());
      return;
    }
    Object definition = p.workflowDefinition;
    if (definition == null) {
      if (blank(p.name)) {
        v.add(path + ".name", "SUB_WORKFLOW task " + n.label() + " needs subWorkflowParam.name or an inline workflowDefinition");
      }
      return;
    }
    if (definition instanceof String s) {
      if (!(s.trim().startsWith("${") && s.trim().endsWith("}"))) {
        v.add(path + ".workflowDefinition", "workflowDefinition of SUB_WORKFLOW task " + n.label()
            + " must be a workflow definition or a ${...} expression that yields one");
      }
      return;
    }
    if (!(definition instanceof Map<?, ?>)) {
      v.add(path + ".workflowDefinition", "workflowDefinition of SUB_WORKFLOW task " + n.label() + " must be a workflow definition");
      return;
    }
    WorkflowDef child;
    try {
      child = Json.MAPPER.convertValue(definition, WorkflowDef.class);
    } catch (IllegalArgumentException e) {
      v.add(path + ".workflowDefinition", "workflowDefinition of SUB_WORKFLOW task " + n.label()
          + " is not a workflow definition: " + firstLine(e.getMessage()));
      return;
    }
    if (blank(child.name)) {
      child.name = p.name;
    }
    v.addAll(path + ".workflowDefinition", validator.validate(child, depth + 1));
  }

  private void jq(Node n, Violations v) {
    WorkflowTask t = n.task();
    if (!inputs(t).containsKey("queryExpression") && !template(t).containsKey("queryExpression")) {
      v.add(n.path() + ".inputParameters.queryExpression", "inputParameters.queryExpression is required for JSON_JQ_TRANSFORM task "
          + n.label());
    }
  }

  private static void waitTask(Node n, Violations v) {
    Map<String, Object> in = inputs(n.task());
    Object duration = in.get("duration");
    Object until = in.get("until");
    if (!blankValue(duration) && !blankValue(until)) {
      v.add(n.path() + ".inputParameters", "WAIT task " + n.label() + " has both duration and until: give only one");
      return;
    }
    String problem = null;
    String field = null;
    if (!blankValue(duration) && !duration.toString().contains("${")) {
      field = "duration";
      problem = WaitTask.durationProblem(duration.toString());
    } else if (!blankValue(until) && !until.toString().contains("${")) {
      field = "until";
      problem = WaitTask.untilProblem(until.toString());
    }
    if (problem != null) {
      v.add(n.path() + ".inputParameters." + field, "WAIT task " + n.label() + ": " + problem);
    }
  }

  /** A script must parse; one with {@code ${...}} in it is only known once resolved. */
  private static void script(String path, String what, String source, Violations v) {
    if (source.contains("${")) {
      return;
    }
    String error = Syntax.javaScript(source);
    if (error != null) {
      v.add(path, what + " is not valid JavaScript: " + error);
    }
  }

  private Map<String, Object> template(WorkflowTask t) {
    TaskDef def = t.taskDefinition != null ? t.taskDefinition : validator.registered(t.name);
    return def == null || def.inputTemplate == null ? Map.of() : def.inputTemplate;
  }

  static Map<String, Object> inputs(WorkflowTask t) {
    return t.inputParameters == null ? Map.of() : t.inputParameters;
  }

  private static String describe(WorkflowTask t) {
    return t.type + " task '" + t.taskReferenceName + "'";
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean blankValue(Object o) {
    return o == null || o.toString().isBlank();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int cut = s.indexOf('\n');
    String line = cut > 0 ? s.substring(0, cut) : s;
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
