package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.tasks.script.JqTransformer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON_JQ_TRANSFORM: applies the jq {@code queryExpression} to the whole task input; output
 * {@code {result: first result or null, resultList: all results}}. Runs off the decision, with the
 * script time limit; an error fails the task with {@code output.error}.
 */
public final class JsonJqTransformTask implements TaskType {
  @Override
  public String type() {
    return "JSON_JQ_TRANSFORM";
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    Object query = task.inputData.get("queryExpression");
    if (!(query instanceof String q) || q.isBlank()) {
      fail(ctx, task, "Missing 'queryExpression' in JSON_JQ_TRANSFORM task's input parameters");
      return;
    }
    SystemTaskSupport.inProgress(ctx, task);
    SystemTaskSupport.offloadJq(ctx, task, q, task.inputData);
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (task.status == TaskStatus.IN_PROGRESS && !ctx.isOffloaded(task)) {
      SystemTaskSupport.offloadJq(ctx, task, (String) task.inputData.get("queryExpression"), task.inputData);
    }
    return false;
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      fail(ctx, task, SystemTaskSupport.message(error));
      return;
    }
    JqTransformer.Result r = (JqTransformer.Result) result;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("result", r.first());
    out.put("resultList", r.all());
    SystemTaskSupport.complete(ctx, task, out);
  }

  private static void fail(TaskContext ctx, Task task, String reason) {
    task.outputData.put("error", reason);
    SystemTaskSupport.fail(ctx, task, TaskStatus.FAILED, reason);
  }
}
