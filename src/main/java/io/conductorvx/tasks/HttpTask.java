package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.tasks.http.HttpCaller;
import io.conductorvx.tasks.http.HttpRequestSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP: calls an endpoint from the server, off the decision, with one shared Vert.x WebClient.
 * 2xx completes the task (or leaves it IN_PROGRESS with asyncComplete). Any other status fails
 * it as Conductor does, but {@code output.response} keeps the structured answer (statusCode,
 * headers, body, reasonPhrase) so users can see what came back. While SCHEDULED the call has not
 * been answered yet: after a restart {@link #evaluate} makes it again.
 */
public final class HttpTask extends DeferredSystemTask {
  public static final String TYPE = "HTTP";
  private static final String FAILURE_PREFIX = "Failed to invoke HTTP task due to: ";
  private static final int MAX_REASON_BODY = 1000;

  /** One client per Vert.x instance (a server has one), created on first use. */
  private final Map<Vertx, WebClient> clients = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  protected void launch(TaskContext ctx, Task task) {
    HttpRequestSpec spec;
    try {
      spec = HttpRequestSpec.from(task.inputData);
    } catch (IllegalArgumentException e) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, e.getMessage());
      return;
    }
    SystemTasks.started(ctx, task);
    ctx.offload(task, services -> HttpCaller.call(client(services.vertx()), spec).map(outcome -> (Object) outcome));
  }

  private WebClient client(Vertx vertx) {
    return clients.computeIfAbsent(vertx, v -> WebClient.create(v,
        new WebClientOptions().setUserAgent("conductor-vx").setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64)));
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (error != null) {
      String message = FAILURE_PREFIX + SystemTasks.describe(error);
      task.outputData.put("response", message);
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, message);
      return;
    }
    HttpCaller.Outcome outcome = (HttpCaller.Outcome) result;
    task.outputData.put("response", outcome.toResponse());
    if (!outcome.successful()) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, FAILURE_PREFIX + outcome.statusCode() + " "
          + outcome.reasonPhrase() + ": \"" + abbreviate(outcome.bodyText()) + "\"");
    } else if (task.workflowTask.asyncComplete) {
      ctx.changed(task);
      SystemTasks.inProgress(ctx, task); // someone else completes it
    } else {
      SystemTasks.finish(ctx, task, TaskStatus.COMPLETED, null);
    }
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_REASON_BODY ? text : text.substring(0, MAX_REASON_BODY) + "…";
  }
}
