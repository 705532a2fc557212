package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.tasks.script.JqTransformer;
import io.conductorvx.tasks.script.ScriptEvaluationException;
import io.conductorvx.tasks.script.ScriptEvaluator;
import java.util.Map;

/** Status changes and script offloading shared by the system task types of this package. */
final class SystemTaskSupport {
  static final String JAVASCRIPT = "javascript";
  static final String GRAALJS = "graaljs";
  static final String VALUE_PARAM = "value-param";

  private SystemTaskSupport() {}

  static boolean isJavaScript(String evaluatorType) {
    return JAVASCRIPT.equals(evaluatorType) || GRAALJS.equals(evaluatorType);
  }

  static void inProgress(TaskContext ctx, Task task) {
    if (task.status != TaskStatus.IN_PROGRESS) {
      task.status = TaskStatus.IN_PROGRESS;
      task.updateTime = ctx.now();
      ctx.statusChanged(task);
    }
  }

  static void complete(TaskContext ctx, Task task, Map<String, Object> output) {
    if (output != null) {
      task.outputData.putAll(output);
    }
    end(ctx, task, TaskStatus.COMPLETED, null);
  }

  static void fail(TaskContext ctx, Task task, TaskStatus status, String reason) {
    end(ctx, task, status, reason);
  }

  private static void end(TaskContext ctx, Task task, TaskStatus status, String reason) {
    task.status = status;
    if (reason != null) {
      task.reasonForIncompletion = reason;
    }
    task.endTime = ctx.now();
    task.updateTime = ctx.now();
    ctx.statusChanged(task);
  }

  /** Hands a JavaScript evaluation to the script threads; the result comes back to {@code resume}. */
  static void offloadScript(TaskContext ctx, Task task, String script, Map<String, Object> bindings) {
    ctx.offload(task, services -> ScriptEvaluator.evaluateAsync(services, script, bindings));
  }

  static void offloadJq(TaskContext ctx, Task task, String query, Map<String, Object> input) {
    ctx.offload(task, services -> JqTransformer.transformAsync(services, query, input).map(r -> (Object) r));
  }

  static String message(Throwable error) {
    String msg = error.getMessage();
    return msg == null || msg.isBlank() ? error.getClass().getSimpleName() : msg;
  }

  static boolean timedOut(Throwable error) {
    return error instanceof ScriptEvaluationException e && e.timedOut();
  }
}
