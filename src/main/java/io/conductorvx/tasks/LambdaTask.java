package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LAMBDA (legacy INLINE): {@code scriptExpression} is the body of a function whose return value
 * becomes {@code output.result}; {@code $} is the task input. Errors fail the task.
 */
public final class LambdaTask implements TaskType {
  @Override
  public String type() {
    return "LAMBDA";
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    Object body = task.inputData.get("scriptExpression");
    if (!(body instanceof String s) || s.isBlank()) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, "Empty 'scriptExpression' in LAMBDA task's input parameters");
      return;
    }
    SystemTaskSupport.inProgress(ctx, task);
    SystemTaskSupport.offloadScript(ctx, task, script(s), task.inputData);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status == TaskStatus.IN_PROGRESS && !ctx.isOffloaded(task)) {
      SystemTaskSupport.offloadScript(ctx, task, script((String) task.inputData.get("scriptExpression")), task.inputData);
    }
    return false;
  }

  /** The body on its own lines, so a trailing line comment cannot swallow the closing brace. */
  private static String script(String body) {
    return "function scriptFun() {\n" + body + "\n}\nscriptFun();";
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, SystemTaskSupport.message(error));
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("result", result);
    SystemTaskSupport.complete(ctx, task, out);
  }
}
