package io.conductorvx.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One node of a workflow definition (Conductor's WorkflowTask), with the fields of every type. */
public class WorkflowTask extends Extensible {
  public String name;
  public String taskReferenceName;
  public String description;
  public String type = "SIMPLE";
  public Map<String, Object> inputParameters = new LinkedHashMap<>();
  public boolean optional;
  public boolean permissive;
  public int startDelay;
  public Integer retryCount;
  public TaskDef taskDefinition;
  public Boolean rateLimited;
  public boolean asyncComplete;

  // SWITCH / DECISION
  public String evaluatorType;
  public String expression;
  public String caseValueParam;
  public String caseExpression;
  public Map<String, List<WorkflowTask>> decisionCases = new LinkedHashMap<>();
  public List<WorkflowTask> defaultCase = new ArrayList<>();
  // FORK_JOIN / JOIN / EXCLUSIVE_JOIN
  public List<List<WorkflowTask>> forkTasks = new ArrayList<>();
  public List<String> joinOn = new ArrayList<>();
  public List<String> defaultExclusiveJoinTask = new ArrayList<>();
  // FORK_JOIN_DYNAMIC
  public String dynamicForkTasksParam;
  public String dynamicForkTasksInputParamName;
  public String dynamicForkJoinTasksParam;
  // DYNAMIC
  public String dynamicTaskNameParam;
  // DO_WHILE
  public String loopCondition;
  public List<WorkflowTask> loopOver = new ArrayList<>();
  public Object items;
  // SUB_WORKFLOW
  public SubWorkflowParams subWorkflowParam;
  // EVENT
  public String sink;
  // legacy LAMBDA
  public String scriptExpression;

  public Map<String, Object> onStateChange;
  public Map<String, Object> metadata;

  /** Every node below this one (case lists, fork branches, loop bodies), not including this one. */
  public List<WorkflowTask> children() {
    List<WorkflowTask> out = new ArrayList<>();
    decisionCases.values().forEach(out::addAll);
    out.addAll(defaultCase);
    forkTasks.forEach(out::addAll);
    out.addAll(loopOver);
    return out;
  }
}
