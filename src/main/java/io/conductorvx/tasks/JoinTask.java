package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * JOIN: waits for the tasks named in {@code joinOn} and gathers their outputs, keyed by reference
 * name. It is evaluated on every decision of its workflow, so it completes in the decision where
 * its last task does, without any timer.
 *
 * <p>The refs come from the JOIN task's {@code inputData.joinOn}: copied from the definition when
 * the JOIN starts, or set by the dynamic fork that scheduled it. Inside a loop each ref gets the
 * JOIN's iteration suffix.
 *
 * <p>Cost: a JOIN over thousands of branches is evaluated after each branch completes, so it
 * remembers (in memory only, per task object) how many refs from the start of the list are known
 * to be done and only looks further from there. The full list is walked again only when the
 * remembered prefix reaches the end, to confirm and to build the output.
 */
public final class JoinTask implements TaskType {
  public static final String JOIN_ON = "joinOn";

  /** Refs known done, from the start of joinOn; lost on reload or restart, which only costs a rescan. */
  private final Map<Task, Integer> donePrefix = Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public String type() {
    return ControlFlow.JOIN;
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    // Not evaluated here: a dynamic fork sets joinOn right after scheduling the JOIN.
    task.inputData.putIfAbsent(JOIN_ON, new ArrayList<>(task.workflowTask.joinOn));
    task.status = TaskStatus.IN_PROGRESS;
    ctx.statusChanged(task);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    List<?> refs = joinOn(task);
    int from = donePrefix.getOrDefault(task, 0);
    int pending = firstPending(ctx, task, refs, from);
    if (pending == refs.size() && from > 0) {
      pending = firstPending(ctx, task, refs, 0); // confirm the remembered part: a task there may have been reset since
    }
    if (pending < refs.size()) {
      donePrefix.put(task, pending);
      return false;
    }
    donePrefix.remove(task);
    complete(ctx, task, refs);
    return true;
  }

  @Override
  public void cancel(TaskContext ctx, Task task) {
    donePrefix.remove(task);
  }

  private static int firstPending(TaskContext ctx, Task join, List<?> refs, int from) {
    int i = from;
    while (i < refs.size() && isDone(ctx.taskByRef(ControlFlow.inIteration(String.valueOf(refs.get(i)), join)))) {
      i++;
    }
    return i;
  }

  /**
   * Done = its outcome is final: terminal and successful, or terminal and already handled by the
   * decider (a failed task that is not yet marked executed may still be retried).
   */
  static boolean isDone(Task t) {
    return t != null && t.isTerminal() && (t.status.isSuccessful() || t.executed);
  }

  private static void complete(TaskContext ctx, Task join, List<?> refs) {
    Map<String, Object> output = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>();
    boolean failed = false;
    boolean allFailuresCanceled = true;
    boolean withErrors = false;
    for (Object base : refs) {
      String ref = ControlFlow.inIteration(String.valueOf(base), join);
      Task t = ctx.taskByRef(ref);
      output.put(ref, t.outputData == null ? new LinkedHashMap<>() : new LinkedHashMap<>(t.outputData));
      if (!t.status.isSuccessful() && !t.workflowTask.optional) {
        failed = true;
        allFailuresCanceled &= t.status == TaskStatus.CANCELED;
        if (t.reasonForIncompletion != null) {
          reasons.add(t.reasonForIncompletion);
        }
      } else if (t.status == TaskStatus.COMPLETED_WITH_ERRORS || !t.status.isSuccessful()) {
        withErrors = true;
      }
    }
    join.outputData = output;
    if (failed) {
      join.reasonForIncompletion = String.join("; ", reasons);
      ControlFlow.finish(ctx, join, allFailuresCanceled ? TaskStatus.CANCELED : TaskStatus.FAILED);
    } else {
      ControlFlow.finish(ctx, join, withErrors ? TaskStatus.COMPLETED_WITH_ERRORS : TaskStatus.COMPLETED);
    }
  }

  /** The joinOn refs as stored (a list of strings; not copied, it is read on every decision). */
  static List<?> joinOn(Task join) {
    return join.inputData.get(JOIN_ON) instanceof List<?> list ? list : join.workflowTask.joinOn;
  }
}
