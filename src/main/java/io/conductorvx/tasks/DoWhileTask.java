package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DO_WHILE: runs {@code loopOver} as iteration 1, 2, … (task refs {@code <ref>__N}) and after each
 * iteration evaluates {@code loopCondition} (JavaScript, off the decision) over {@code $} = the
 * loop's input + {@code $.<loopRef>} = the loop's output + {@code $.<bodyRef>} = each body task's
 * latest output; true (or a number &gt; 0) runs another iteration. With {@code items} (or input
 * {@code _items}) it runs once per element, exposing {@code loopItem}/{@code loopIndex}.
 *
 * <p>State lives in the output: {@code iteration} is the current one, and the key
 * {@code "<iteration>"} appears once that iteration finished (holding the body outputs) — from
 * then on only the decision to go on is pending, so every step is safe to repeat.
 */
public final class DoWhileTask implements TaskType {
  static final String ITEMS = "_items";

  @Override
  public String type() {
    return "DO_WHILE";
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    SystemTaskSupport.inProgress(ctx, task);
    WorkflowTask node = task.workflowTask;
    if (node.items != null && !task.inputData.containsKey(ITEMS)) {
      task.inputData.put(ITEMS, ctx.resolve(node.items, task.taskId)); // one snapshot for the whole loop
    }
    Object items = task.inputData.get(ITEMS);
    if (items != null && !(items instanceof List<?>)) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR,
          "DO_WHILE items must resolve to a list, got: " + items.getClass().getSimpleName());
      return;
    }
    if (items instanceof List<?> list && list.isEmpty()) {
      task.outputData.put("iteration", 0);
      SystemTaskSupport.complete(ctx, task, null);
      return;
    }
    beginIteration(ctx, task, 1);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status != TaskStatus.IN_PROGRESS || ctx.isOffloaded(task)) {
      return false;
    }
    int n = iteration(task);
    String key = String.valueOf(n);
    if (!task.outputData.containsKey(key)) {
      Map<String, Task> body = bodyTasks(ctx, task.workflowTask, n);
      if (!finished(body)) {
        return false;
      }
      List<String> failures = new ArrayList<>();
      body.values().stream().filter(t -> !t.status.isSuccessful())
          .forEach(t -> failures.add(t.referenceTaskName + ": " + t.reasonForIncompletion));
      if (!failures.isEmpty()) {
        SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, String.join("; ", failures));
        return true;
      }
      Map<String, Object> outputs = new LinkedHashMap<>();
      body.forEach((ref, t) -> outputs.put(ref, t.outputData));
      task.outputData.put(key, outputs);
      keepLastN(ctx, task, n);
      ctx.changed(task);
    }
    List<?> items = items(task);
    if (items != null && n >= items.size()) {
      SystemTaskSupport.complete(ctx, task, null);
      return true;
    }
    String condition = task.workflowTask.loopCondition;
    if (condition == null || condition.isBlank()) {
      if (items != null) {
        beginIteration(ctx, task, n + 1);
      } else {
        SystemTaskSupport.complete(ctx, task, null);
      }
      return true;
    }
    SystemTaskSupport.offloadScript(ctx, task, condition, conditionInput(ctx, task, n));
    return true;
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR,
          "Unable to evaluate loopCondition " + task.workflowTask.loopCondition + ": " + SystemTaskSupport.message(error));
    } else if (truthy(result)) {
      beginIteration(ctx, task, iteration(task) + 1);
    } else {
      SystemTaskSupport.complete(ctx, task, null);
    }
  }

  /** Conductor's reading of a condition result: true, or a number greater than zero. */
  private static boolean truthy(Object result) {
    return Boolean.TRUE.equals(result) || (result instanceof Number num && num.doubleValue() > 0);
  }

  private static void beginIteration(TaskContext ctx, Task task, int n) {
    task.outputData.put("iteration", n);
    List<?> items = items(task);
    if (items != null) {
      task.outputData.put("loopItem", items.get(n - 1));
      task.outputData.put("loopIndex", n - 1);
    }
    ctx.changed(task);
    List<WorkflowTask> loopOver = task.workflowTask.loopOver;
    if (!loopOver.isEmpty()) {
      ctx.schedule(loopOver.get(0), n); // set the output first: body inputs may read loopItem
    }
  }

  private static int iteration(Task task) {
    return task.outputData.get("iteration") instanceof Number num ? num.intValue() : 0;
  }

  private static List<?> items(Task task) {
    return task.inputData.get(ITEMS) instanceof List<?> list ? list : null;
  }

  /** The latest attempt of every body node that ran in iteration {@code n}, by reference without suffix. */
  private static Map<String, Task> bodyTasks(TaskContext ctx, WorkflowTask loop, int n) {
    Map<String, Task> out = new LinkedHashMap<>();
    for (WorkflowTask node : bodyNodes(loop)) {
      Task t = ctx.taskByRef(node.taskReferenceName + "__" + n);
      if (t != null) {
        out.put(node.taskReferenceName, t);
      }
    }
    return out;
  }

  private static List<WorkflowTask> bodyNodes(WorkflowTask loop) {
    List<WorkflowTask> out = new ArrayList<>();
    for (WorkflowTask node : loop.loopOver) {
      out.add(node);
      collect(node, out);
    }
    return out;
  }

  private static void collect(WorkflowTask node, List<WorkflowTask> out) {
    for (WorkflowTask child : node.children()) {
      out.add(child);
      collect(child, out);
    }
  }

  /**
   * The flow through the body has ended: every task of the iteration is terminal and the decider
   * has already handled it (scheduled whatever follows it), so nothing more will appear.
   */
  private static boolean finished(Map<String, Task> body) {
    if (body.isEmpty()) {
      return true; // an empty loopOver
    }
    for (Task t : body.values()) {
      if (!t.isTerminal() || !t.executed) {
        return false;
      }
    }
    return true;
  }

  /** Drops the tasks and the output entry of the iteration that just fell out of the last N. */
  private static void keepLastN(TaskContext ctx, Task task, int n) {
    if (!(task.inputData.get("keepLastN") instanceof Number keep) || keep.intValue() <= 0 || n <= keep.intValue()) {
      return;
    }
    int old = n - keep.intValue();
    task.outputData.remove(String.valueOf(old));
    List<String> refs = new ArrayList<>();
    bodyNodes(task.workflowTask).forEach(node -> refs.add(node.taskReferenceName + "__" + old));
    for (Task t : new ArrayList<>(ctx.workflow().tasks)) {
      if (refs.contains(t.referenceTaskName)) {
        ctx.removeTask(t); // every attempt, retried ones included
      }
    }
  }

  private static Map<String, Object> conditionInput(TaskContext ctx, Task task, int n) {
    Map<String, Object> input = new LinkedHashMap<>(task.inputData);
    input.put(task.workflowTask.taskReferenceName, task.outputData);
    for (WorkflowTask node : bodyNodes(task.workflowTask)) {
      Task t = ctx.taskByRef(node.taskReferenceName + "__" + n);
      if (t != null) {
        input.put(node.taskReferenceName, t.outputData);
      }
    }
    if (items(task) != null) {
      input.put("loopItem", task.outputData.get("loopItem"));
      input.put("loopIndex", task.outputData.get("loopIndex"));
    }
    return input;
  }
}
