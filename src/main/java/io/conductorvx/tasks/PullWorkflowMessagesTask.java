package io.conductorvx.tasks;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PULL_WORKFLOW_MESSAGES (Conductor's workflow message queue): IN_PROGRESS until messages pushed to
 * its workflow ({@code POST /workflow/{id}/messages}) are there, then COMPLETED with up to
 * {@code batchSize} of them (default 1, at most {@code workflowMessageMaxBatchSize}), oldest first:
 * output {@code messages} (each {@code {id, workflowId, payload, receivedAt}}) and {@code count}.
 * With {@code blocking: false} it completes at once, with an empty list when there is nothing.
 *
 * <p>Messages are popped off the decision with a lease and removed only after the completion that
 * carries them is saved. A push wakes the task at once ({@link #wake}); otherwise it looks again
 * every {@link #RECHECK_MS}, which also picks up messages whose lease ran out after a crash.
 */
public final class PullWorkflowMessagesTask implements TaskType {
  public static final String TYPE = "PULL_WORKFLOW_MESSAGES";
  static final long RECHECK_MS = 10_000;
  /** Marks the outcome of the work that removes delivered messages (it comes back to {@link #discarded}). */
  private static final Object REMOVED = new Object();

  /** Task id → when to look again; absent: at once (also right after a restart). Memory only. */
  private final Map<String, Long> nextPopAt = new ConcurrentHashMap<>();
  /** Tasks whose workflow got a message since they last looked. */
  private final Set<String> woken = ConcurrentHashMap.newKeySet();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean isRetriable() {
    return false;
  }

  /** A message arrived for the task's workflow: look at its queue on the next decision. */
  public void wake(String taskId) {
    woken.add(taskId);
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    SystemTasks.inProgress(ctx, task);
    pop(ctx, task);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status != TaskStatus.IN_PROGRESS || ctx.isOffloaded(task)) {
      return false;
    }
    if (woken.remove(task.taskId) || ctx.now() >= nextPopAt.getOrDefault(task.taskId, 0L)) {
      pop(ctx, task);
    }
    return false;
  }

  private void pop(TaskContext ctx, Task task) {
    woken.remove(task.taskId);
    nextPopAt.put(task.taskId, ctx.now() + RECHECK_MS);
    String workflowId = task.workflowInstanceId;
    int requested = batchSize(task);
    ctx.offload(task, services -> services.engine().messages().pop(workflowId, requested).map(list -> (Object) list));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null || result == REMOVED) {
      return; // a backend did not answer: look again at the next check
    }
    List<WorkflowMessage> messages = (List<WorkflowMessage>) result;
    if (messages.isEmpty() && blocking(task)) {
      return; // nothing yet: a push wakes the task, else it looks again at nextCheckAt
    }
    List<Object> out = new ArrayList<>(messages.size());
    List<String> ids = new ArrayList<>(messages.size());
    for (WorkflowMessage m : messages) {
      out.add(Json.toMap(m));
      ids.add(m.id());
    }
    task.outputData.put("messages", out);
    task.outputData.put("count", messages.size());
    nextPopAt.remove(task.taskId);
    woken.remove(task.taskId);
    SystemTasks.finish(ctx, task, TaskStatus.COMPLETED, null);
    if (!ids.isEmpty()) {
      // runs once the completion is saved; until then the messages stay leased, not lost
      String workflowId = task.workflowInstanceId;
      ctx.offload(task, services -> services.engine().messages().remove(workflowId, ids).map(v -> REMOVED));
    }
  }

  /**
   * Work that came back after the task ended: messages it popped are delivered nowhere, so they
   * are put out of reach (the workflow ended, or the task was skipped or timed out).
   */
  @Override
  @SuppressWarnings("unchecked")
  public void discarded(TaskContext ctx, Task task, Object result, Throwable error) {
    nextPopAt.remove(task.taskId);
    woken.remove(task.taskId);
    if (result instanceof List<?> popped && !popped.isEmpty()) {
      List<String> ids = new ArrayList<>();
      ((List<WorkflowMessage>) popped).forEach(m -> ids.add(m.id()));
      String workflowId = task.workflowInstanceId;
      if (ctx.workflow().status.isTerminal()) {
        ctx.offload(task, services -> services.engine().messages().remove(workflowId, ids).map(v -> REMOVED));
      }
      // a task that ended in a running workflow leaves them leased: they return for the next reader
    }
  }

  @Override
  public void cancel(TaskContext ctx, Task task) {
    nextPopAt.remove(task.taskId);
    woken.remove(task.taskId);
  }

  @Override
  public long nextCheckAt(Task task) {
    return task.status == TaskStatus.IN_PROGRESS ? nextPopAt.getOrDefault(task.taskId, 0L) : 0;
  }

  private static boolean blocking(Task task) {
    Object raw = task.inputData.get("blocking");
    return !(raw instanceof Boolean b) || b;
  }

  private static int batchSize(Task task) {
    Object raw = task.inputData.get("batchSize");
    int n = raw instanceof Number num ? num.intValue() : 1;
    return Math.max(1, n);
  }
}
