package io.conductorvx.tasks;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.tasks.fork.DynamicBranches;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * FORK_JOIN_DYNAMIC: a FORK whose branches come from its input (see {@link DynamicBranches}).
 * Each branch is a single new node, scheduled like a definition node but with no successor, and
 * the JOIN that follows is told to wait for every branch through its {@code inputData.joinOn}.
 * An empty list completes the FORK and lets the JOIN complete at once with an empty output.
 */
public final class ForkJoinDynamicTask implements TaskType {
  @Override
  public String type() {
    return "FORK_JOIN_DYNAMIC";
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    task.taskType = ControlFlow.FORK;
    WorkflowTask join = ControlFlow.joinAfter(ctx, task);
    if (join == null) {
      return;
    }
    List<WorkflowTask> branches;
    try {
      branches = DynamicBranches.read(task.workflowTask, task.inputData, anotherDynamicFork(ctx, task));
    } catch (DynamicBranches.InvalidForkException e) {
      ControlFlow.failWorkflow(ctx, task, e.getMessage());
      return;
    }
    String duplicate = firstDuplicateRef(ctx, task, branches);
    if (duplicate != null) {
      ControlFlow.failWorkflow(ctx, task, "Dynamic fork " + task.workflowTask.taskReferenceName
          + ": task reference name '" + duplicate + "' is used more than once in the workflow");
      return;
    }
    List<String> refs = new ArrayList<>(branches.size());
    List<Object> forkedDefs = new ArrayList<>(branches.size());
    for (WorkflowTask branch : branches) {
      refs.add(branch.taskReferenceName);
      forkedDefs.add(Json.toMap(branch));
    }
    giveTaskDefs(ctx, branches);
    task.inputData.put("forkedTasks", refs);
    task.inputData.put("forkedTaskDefs", forkedDefs);
    ControlFlow.finish(ctx, task, TaskStatus.COMPLETED);
    for (WorkflowTask branch : branches) {
      ctx.schedule(branch, task.iteration);
      if (ctx.workflow().status.isTerminal()) {
        return; // a forked task ended the workflow as it started
      }
    }
    Task joinTask = ctx.schedule(join, task.iteration);
    if (joinTask != null) {
      // Each branch is one task, so it is also the last task of its branch.
      joinTask.inputData.put(JoinTask.JOIN_ON, new ArrayList<>(refs));
      ctx.changed(joinTask);
    }
  }

  /**
   * Registered definitions by name (looked up once per name); an unregistered SIMPLE task gets
   * the worker defaults. Other types keep none and get their type's defaults when scheduled.
   */
  private static void giveTaskDefs(TaskContext ctx, List<WorkflowTask> branches) {
    Map<String, Optional<TaskDef>> registered = new HashMap<>();
    Map<String, TaskDef> synthetic = new HashMap<>();
    for (WorkflowTask branch : branches) {
      if (branch.taskDefinition != null) {
        continue; // an inline definition wins, as for definition nodes
      }
      TaskDef def = registered.computeIfAbsent(branch.name, name -> Optional.ofNullable(ctx.taskDef(name))).orElse(null);
      if (def == null && WorkerTask.SIMPLE.equals(branch.type)) {
        def = synthetic.computeIfAbsent(branch.name, name -> TaskDef.synthetic(name, true));
      }
      branch.taskDefinition = def;
    }
  }

  /** True when the workflow holds a dynamic fork other than this node (in any iteration). */
  private static boolean anotherDynamicFork(TaskContext ctx, Task task) {
    for (Task t : ctx.workflow().tasks) {
      if (t != task && "FORK_JOIN_DYNAMIC".equals(t.workflowTask.type)
          && !t.workflowTask.taskReferenceName.equals(task.workflowTask.taskReferenceName)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A ref used twice in the list, already used by a task of this workflow (in this iteration), or
   * by a node of the definition (the branch would then inherit that node's successor).
   */
  private static String firstDuplicateRef(TaskContext ctx, Task fork, List<WorkflowTask> branches) {
    Set<String> definitionRefs = new HashSet<>();
    collectRefs(ctx.workflow().workflowDefinition.tasks, definitionRefs);
    Set<String> seen = new HashSet<>();
    for (WorkflowTask branch : branches) {
      String ref = branch.taskReferenceName;
      if (!seen.add(ref) || definitionRefs.contains(ref) || ctx.taskByRef(ControlFlow.inIteration(ref, fork)) != null) {
        return ref;
      }
    }
    return null;
  }

  private static void collectRefs(List<WorkflowTask> nodes, Set<String> out) {
    for (WorkflowTask node : nodes) {
      out.add(node.taskReferenceName);
      collectRefs(node.children(), out);
    }
  }
}
