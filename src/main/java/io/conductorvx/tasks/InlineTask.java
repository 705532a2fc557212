package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * INLINE: evaluates {@code expression} with {@code evaluatorType} javascript/graaljs (default;
 * {@code $} = the whole task input) or value-param (the input parameter of that name); output
 * {@code {result}}. Scripts run off the decision; a script error fails the task terminally with
 * {@code output.error}, a timeout fails it retriably, as in Conductor.
 */
public final class InlineTask implements TaskType {
  @Override
  public String type() {
    return "INLINE";
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    Object evaluatorType = task.inputData.getOrDefault("evaluatorType", SystemTaskSupport.JAVASCRIPT);
    Object expression = task.inputData.get("expression");
    if (!(expression instanceof String script) || script.isBlank()) {
      failTerminally(ctx, task, "Empty 'expression' in INLINE task's input parameters. A non-empty String value must be provided.");
      return;
    }
    if (SystemTaskSupport.VALUE_PARAM.equals(evaluatorType)) {
      SystemTaskSupport.complete(ctx, task, result(task.inputData.get(script)));
    } else if (evaluatorType instanceof String t && SystemTaskSupport.isJavaScript(t)) {
      SystemTaskSupport.inProgress(ctx, task);
      SystemTaskSupport.offloadScript(ctx, task, script, task.inputData);
    } else {
      failTerminally(ctx, task, "Evaluator type " + evaluatorType + " is not supported by this server"
          + " (supported: javascript, graaljs, value-param)");
    }
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status == TaskStatus.IN_PROGRESS && !ctx.isOffloaded(task)) {
      SystemTaskSupport.offloadScript(ctx, task, (String) task.inputData.get("expression"), task.inputData); // lost in a restart
    }
    return false;
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error == null) {
      SystemTaskSupport.complete(ctx, task, result(result));
    } else if (SystemTaskSupport.timedOut(error)) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, SystemTaskSupport.message(error));
    } else {
      failTerminally(ctx, task, SystemTaskSupport.message(error));
    }
  }

  private static void failTerminally(TaskContext ctx, Task task, String reason) {
    task.outputData.put("error", reason);
    SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, reason);
  }

  private static Map<String, Object> result(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("result", value);
    return out;
  }
}
