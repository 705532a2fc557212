package io.conductorvx.tasks.fork;

import io.conductorvx.model.Json;
import io.conductorvx.model.SubWorkflowParams;
import io.conductorvx.model.WorkflowTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the branches of a FORK_JOIN_DYNAMIC task from its resolved input, in any of Conductor's
 * three styles. Each branch is one new WorkflowTask node that is not part of the definition.
 *
 * <ol>
 *   <li>{@code dynamicForkTasksParam}: an input key holding a list of WorkflowTask objects, and
 *       optionally {@code dynamicForkTasksInputParamName}: an input key holding a map from
 *       reference name to extra input for that task.
 *   <li>Simple style: input keys {@code forkTaskName}, {@code forkTaskType},
 *       {@code forkTaskWorkflow}/{@code forkTaskWorkflowVersion} and {@code forkTaskInputs}: the
 *       same task once per item, refs {@code _<name>_<i>}, input = the item plus {@code __index}.
 *   <li>Legacy {@code dynamicForkJoinTasksParam}: an input key holding
 *       {@code {dynamicTasks: [{taskName, workflowName, referenceName, input, type}]}}.
 * </ol>
 */
public final class DynamicBranches {
  static final String SIMPLE = "SIMPLE";
  static final String SUB_WORKFLOW = "SUB_WORKFLOW";

  /** The input cannot be turned into branches; the message says why, for the workflow's reason. */
  public static final class InvalidForkException extends RuntimeException {
    InvalidForkException(String message) {
      super(message);
    }
  }

  private DynamicBranches() {}

  /**
   * @param refPrefixNeeded true when simple-style refs must carry the fork's own ref, because the
   *     workflow already holds another dynamic fork whose refs could collide
   */
  public static List<WorkflowTask> read(WorkflowTask fork, Map<String, Object> input, boolean refPrefixNeeded) {
    boolean simpleStyle = input.get("forkTaskName") != null || input.get("forkTaskType") != null
        || input.get("forkTaskWorkflow") != null;
    if (notBlank(fork.dynamicForkTasksParam) && !(simpleStyle && input.get(fork.dynamicForkTasksParam) == null)) {
      return fromTaskList(fork, input);
    }
    if (simpleStyle) {
      return fromSimpleStyle(fork, input, refPrefixNeeded);
    }
    if (notBlank(fork.dynamicForkJoinTasksParam)) {
      return fromLegacyList(fork, input);
    }
    throw invalid(fork, "needs dynamicForkTasksParam, dynamicForkJoinTasksParam or the forkTaskName/forkTaskInputs inputs");
  }

  private static List<WorkflowTask> fromTaskList(WorkflowTask fork, Map<String, Object> input) {
    Object tasks = input.get(fork.dynamicForkTasksParam);
    if (!(tasks instanceof List<?> list)) {
      throw invalid(fork, "input '" + fork.dynamicForkTasksParam + "' (dynamicForkTasksParam) must be a list of tasks, but it is "
          + describe(tasks));
    }
    Map<?, ?> inputs = Map.of();
    if (notBlank(fork.dynamicForkTasksInputParamName)) {
      Object raw = input.get(fork.dynamicForkTasksInputParamName);
      if (raw != null && !(raw instanceof Map)) {
        throw invalid(fork, "input '" + fork.dynamicForkTasksInputParamName
            + "' (dynamicForkTasksInputParamName) must be a map of task reference name to input, but it is " + describe(raw));
      }
      inputs = raw == null ? Map.of() : (Map<?, ?>) raw;
    }
    List<WorkflowTask> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (!(item instanceof Map<?, ?>)) {
        throw invalid(fork, "forked task #" + i + " must be a task object, but it is " + describe(item));
      }
      WorkflowTask node;
      try {
        node = Json.MAPPER.convertValue(item, WorkflowTask.class);
      } catch (IllegalArgumentException e) {
        throw invalid(fork, "forked task #" + i + " is not a valid task: " + e.getMessage());
      }
      if (!notBlank(node.taskReferenceName)) {
        throw invalid(fork, "forked task #" + i + " has no taskReferenceName");
      }
      if (!notBlank(node.type)) {
        node.type = SIMPLE;
      }
      if (!notBlank(node.name)) {
        if (SIMPLE.equals(node.type)) {
          throw invalid(fork, "forked task " + node.taskReferenceName + " has no name");
        }
        node.name = node.type;
      }
      Object own = inputs.get(node.taskReferenceName);
      if (own != null && !(own instanceof Map)) {
        throw invalid(fork, "the input of forked task " + node.taskReferenceName + " must be a map, but it is " + describe(own));
      }
      Map<String, Object> merged = new LinkedHashMap<>(node.inputParameters == null ? Map.of() : node.inputParameters);
      if (own != null) {
        ((Map<?, ?>) own).forEach((k, v) -> merged.put(String.valueOf(k), v));
      }
      node.inputParameters = merged;
      out.add(node);
    }
    return out;
  }

  private static List<WorkflowTask> fromSimpleStyle(WorkflowTask fork, Map<String, Object> input, boolean refPrefixNeeded) {
    String name = text(input.get("forkTaskName"));
    String type = text(input.get("forkTaskType"));
    String workflow = text(input.get("forkTaskWorkflow"));
    Object items = input.get("forkTaskInputs");
    if (!(items instanceof List<?> list)) {
      throw invalid(fork, "input 'forkTaskInputs' must be a list (one item per forked task), but it is " + describe(items));
    }
    if (workflow != null || SUB_WORKFLOW.equals(type)) {
      type = SUB_WORKFLOW;
      workflow = workflow != null ? workflow : name;
      name = name != null ? name : workflow;
      if (workflow == null) {
        throw invalid(fork, "forkTaskType SUB_WORKFLOW needs forkTaskWorkflow (the workflow to start)");
      }
    } else if (type == null) {
      type = SIMPLE;
    }
    if (name == null) {
      if (SIMPLE.equals(type)) {
        throw invalid(fork, "input 'forkTaskName' (the task to fork) is missing");
      }
      name = type; // a system task type names itself
    }
    String prefix = refPrefixNeeded ? "_" + fork.taskReferenceName + "_" + name + "_" : "_" + name + "_";
    List<WorkflowTask> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      Map<String, Object> branchInput = new LinkedHashMap<>();
      if (item instanceof Map<?, ?> m) {
        m.forEach((k, v) -> branchInput.put(String.valueOf(k), v));
      } else {
        branchInput.put("input", item);
      }
      branchInput.put("__index", i);
      WorkflowTask node = new WorkflowTask();
      node.name = name;
      node.taskReferenceName = prefix + i;
      node.type = type;
      node.inputParameters = branchInput;
      node.optional = fork.optional;
      if (SUB_WORKFLOW.equals(type)) {
        node.subWorkflowParam = subWorkflow(workflow, input.get("forkTaskWorkflowVersion"));
      }
      out.add(node);
    }
    return out;
  }

  private static List<WorkflowTask> fromLegacyList(WorkflowTask fork, Map<String, Object> input) {
    Object raw = input.get(fork.dynamicForkJoinTasksParam);
    Object tasks = raw instanceof Map<?, ?> m ? m.get("dynamicTasks") : null;
    if (!(tasks instanceof List<?> list)) {
      throw invalid(fork, "input '" + fork.dynamicForkJoinTasksParam
          + "' (dynamicForkJoinTasksParam) must be an object with a 'dynamicTasks' list, but it is " + describe(raw));
    }
    List<WorkflowTask> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> item)) {
        throw invalid(fork, "dynamicTasks[" + i + "] must be an object, but it is " + describe(list.get(i)));
      }
      WorkflowTask node = new WorkflowTask();
      node.name = text(item.get("taskName"));
      node.taskReferenceName = text(item.get("referenceName"));
      String type = text(item.get("type"));
      node.type = type != null ? type : SIMPLE;
      String workflow = text(item.get("workflowName"));
      if (workflow != null) {
        node.type = SUB_WORKFLOW;
        node.subWorkflowParam = subWorkflow(workflow, null);
        node.name = node.name != null ? node.name : workflow;
      }
      if (node.taskReferenceName == null) {
        throw invalid(fork, "dynamicTasks[" + i + "] has no referenceName");
      }
      if (node.name == null) {
        if (SIMPLE.equals(node.type)) {
          throw invalid(fork, "dynamicTasks[" + i + "] (" + node.taskReferenceName + ") has no taskName");
        }
        node.name = node.type;
      }
      Object taskInput = item.get("input");
      if (taskInput != null && !(taskInput instanceof Map)) {
        throw invalid(fork, "the input of dynamic task " + node.taskReferenceName + " must be a map, but it is " + describe(taskInput));
      }
      node.inputParameters = new LinkedHashMap<>();
      if (taskInput != null) {
        ((Map<?, ?>) taskInput).forEach((k, v) -> node.inputParameters.put(String.valueOf(k), v));
      }
      out.add(node);
    }
    return out;
  }

  private static SubWorkflowParams subWorkflow(String name, Object version) {
    SubWorkflowParams p = new SubWorkflowParams();
    p.name = name;
    String v = text(version);
    if (v != null) {
      try {
        p.version = Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        p.version = v; // an expression or a mistake: left for the SUB_WORKFLOW task to judge
      }
    }
    return p;
  }

  private static InvalidForkException invalid(WorkflowTask fork, String problem) {
    return new InvalidForkException("Dynamic fork " + fork.taskReferenceName + ": " + problem);
  }

  private static String text(Object value) {
    return value == null || value.toString().isBlank() ? null : value.toString();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    String s = String.valueOf(value);
    return (s.length() > 80 ? s.substring(0, 80) + "…" : s) + " (" + value.getClass().getSimpleName() + ")";
  }
}
