package io.conductorvx.tasks;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.tasks.http.HttpCaller;
import io.conductorvx.tasks.http.HttpRequestSpec;
import io.conductorvx.secrets.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    if (!Secrets.referencedIn(task.inputData)) {
      ctx.offload(task, services -> HttpCaller.call(client(services.vertx()), spec).map(outcome -> (Object) outcome));
      return;
    }
    Map<String, Object> literal = Json.copyMap(task.inputData);
    ctx.offload(task, services -> callWithSecrets(services, literal));
  }

  /**
   * The request goes out with the secrets it references filled in; what is kept of it (the answer,
   * or the error) has their values masked, so an endpoint that echoes its request stores nothing.
   */
  @SuppressWarnings("unchecked")
  private Future<Object> callWithSecrets(TaskServices services, Map<String, Object> literal) {
    Secrets secrets = services.engine().secrets();
    Set<String> used = new HashSet<>();
    HttpRequestSpec spec;
    try {
      spec = HttpRequestSpec.from((Map<String, Object>) secrets.substitute(literal, used));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException(String.valueOf(Secrets.mask(e.getMessage(), used))));
    }
    return HttpCaller.call(client(services.vertx()), spec).transform(done -> done.succeeded()
        ? Future.succeededFuture(masked(done.result(), used))
        : Future.failedFuture(new IllegalStateException(String.valueOf(Secrets.mask(SystemTasks.describe(done.cause()), used)))));
  }

  @SuppressWarnings("unchecked")
  private static Object masked(HttpCaller.Outcome o, Set<String> used) {
    return new HttpCaller.Outcome(o.statusCode(), (String) Secrets.mask(o.reasonPhrase(), used),
        (Map<String, List<String>>) Secrets.mask(o.headers(), used), Secrets.mask(o.body(), used),
        (String) Secrets.mask(o.bodyText(), used));
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
