package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.admin.AdminOperations;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.PollData;
import io.conductorvx.model.SearchResult;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskSummary;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.TaskResult;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.queue.TaskPoller;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/tasks: polling, updates, logs and queue information. */
final class TaskResource {
  private static final TypeReference<Map<String, Object>> OUTPUT = new TypeReference<>() {};
  /** A single poll waits this long for a task, as Conductor's does. */
  private static final long SINGLE_POLL_WAIT_MS = 100;
  private static final int MAX_BATCH = 10_000;

  private final WorkflowEngine engine;
  private final AdminOperations admin;
  private final TaskPoller poller;
  private final ExecutionStore store;
  private final QueueStore queues;
  private final long maxPollTimeoutMs;
  private final SignalResponses signals;

  TaskResource(WorkflowEngine engine, TaskPoller poller, AdminOperations admin) {
    this.engine = engine;
    this.admin = admin;
    this.poller = poller;
    this.store = engine.backends().executions();
    this.queues = engine.backends().queues();
    this.maxPollTimeoutMs = engine.config().maxPollTimeoutMs();
    this.signals = new SignalResponses(store);
  }

  void mount(Router r) {
    Routes.handle(r.get("/api/tasks/poll/batch/:taskType"), this::batchPoll);
    Routes.handle(r.get("/api/tasks/poll/:taskType"), this::poll);
    Routes.handle(r.post("/api/tasks/update-v2"), this::updateV2);
    Routes.handle(r.post("/api/tasks"), this::update);
    Routes.handle(r.get("/api/tasks/queue/sizes"), this::queueSizes);
    Routes.handle(r.get("/api/tasks/queue/size"), this::queueSize);
    Routes.handle(r.get("/api/tasks/queue/all/verbose"), ctx -> queues.details().map(TaskResource::verbose));
    Routes.handle(r.get("/api/tasks/queue/all"), ctx -> queues.sizes().map(Reply::json));
    Routes.handle(r.get("/api/tasks/queue/polldata/all"), ctx -> Future.succeededFuture(Reply.json(engine.activeWorkers().all())));
    Routes.handle(r.get("/api/tasks/queue/polldata"), ctx -> {
      // the Java SDK's getAllPollData calls this without a taskType
      String type = Requests.query(ctx, "taskType");
      List<PollData> data = type == null || type.isBlank() ? engine.activeWorkers().all() : engine.activeWorkers().forType(type);
      return Future.succeededFuture(Reply.json(data));
    });
    Routes.handle(r.post("/api/tasks/queue/requeue/:taskType"),
        ctx -> admin.requeuePending(Requests.path(ctx, "taskType")).map(n -> Reply.text(String.valueOf(n))));
    Routes.handle(r.get("/api/tasks/queue/:taskType/:taskId"), this::removeFromQueue);
    Routes.handle(r.delete("/api/tasks/queue/:taskType/:taskId"), this::removeFromQueue);
    Routes.handle(r.post("/api/tasks/:taskId/ack"), ctx -> Future.succeededFuture(Reply.json(Boolean.TRUE)));
    // before update-by-ref: ".../{status}/signal" has the same shape as ".../{ref}/{status}"
    Routes.handle(r.post("/api/tasks/:workflowId/:status/signal/sync"), ctx -> signal(ctx, true));
    Routes.handle(r.post("/api/tasks/:workflowId/:status/signal"), ctx -> signal(ctx, false));
    Routes.handle(r.post("/api/tasks/:workflowId/:taskRefName/:status/sync"), this::updateByRefSync);
    Routes.handle(r.post("/api/tasks/:workflowId/:taskRefName/:status"), this::updateByRef);
    Routes.handle(r.post("/api/tasks/:taskId/log"), this::addLog);
    Routes.handle(r.get("/api/tasks/:taskId/log"), this::getLogs);
    Routes.handle(r.get("/api/tasks/search"), ctx -> searchTasks(ctx).map(found -> Reply.json(
        new SearchResult<>(found.totalHits(), found.results().stream().map(TaskSummary::of).toList()))));
    Routes.handle(r.get("/api/tasks/search-v2"), ctx -> searchTasks(ctx).map(Reply::json));
    Routes.handle(r.get("/api/tasks/:taskId"), this::getTask);
  }

  private Future<Reply> poll(RoutingContext ctx) {
    String type = Requests.path(ctx, "taskType");
    return poller.poll(type, Requests.query(ctx, "domain"), Requests.query(ctx, "workerid"), 1, SINGLE_POLL_WAIT_MS)
        .map(tasks -> tasks.isEmpty() ? Reply.noContent() : Reply.rawJson(tasks.get(0)));
  }

  private Future<Reply> batchPoll(RoutingContext ctx) {
    String type = Requests.path(ctx, "taskType");
    int count = Requests.intQuery(ctx, "count", 1);
    long timeout = Requests.longQuery(ctx, "timeout", 100);
    if (timeout > maxPollTimeoutMs) {
      throw ConductorException.badRequest("Long Poll Timeout value cannot be more than " + maxPollTimeoutMs / 1000 + " seconds");
    }
    if (timeout < 0) {
      throw ConductorException.badRequest("timeout must not be negative");
    }
    if (count < 1 || count > MAX_BATCH) {
      throw ConductorException.badRequest("count must be between 1 and " + MAX_BATCH + ", got " + count);
    }
    return poller.poll(type, Requests.query(ctx, "domain"), Requests.query(ctx, "workerid"), count, timeout,
            () -> ctx.response().closed())
        .map(Reply::rawJsonArray);
  }

  private static TaskResult validResult(RoutingContext ctx) {
    TaskResult result = Requests.body(ctx, TaskResult.class);
    List<String> problems = new ArrayList<>();
    if (result.workflowInstanceId == null || result.workflowInstanceId.isBlank()) {
      problems.add("workflowInstanceId: Workflow Id cannot be null or empty");
    }
    if (result.taskId == null || result.taskId.isBlank()) {
      problems.add("taskId: Task ID cannot be null or empty");
    }
    if (!problems.isEmpty()) {
      throw ConductorException.invalid(problems);
    }
    return result;
  }

  private Future<Command.TaskUpdated> apply(TaskResult result) {
    Future<Command.TaskUpdated> updated = engine.send(new Command.UpdateTask(result.workflowInstanceId, result));
    if (result.logs == null || result.logs.isEmpty()) {
      return updated;
    }
    return updated.compose(u -> {
      List<TaskExecLog> logs = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (TaskExecLog log : result.logs) {
        if (log != null && log.log() != null) {
          logs.add(new TaskExecLog(log.log(), result.taskId, log.createdTime() > 0 ? log.createdTime() : now));
        }
      }
      return store.addTaskLogs(logs).map(v -> u);
    });
  }

  private Future<Reply> update(RoutingContext ctx) {
    TaskResult result = validResult(ctx);
    return apply(result).map(u -> Reply.text(result.taskId));
  }

  /**
   * Update, then hand the worker its next task of the same type and domain without a wait. The
   * update is what the call is for: once it is applied, a poll that fails answers "no next task"
   * (the worker polls again) rather than an error that would make it send the update again.
   */
  private Future<Reply> updateV2(RoutingContext ctx) {
    TaskResult result = validResult(ctx);
    return apply(result).compose(u -> {
      if (!u.terminal()) {
        return Future.succeededFuture(Reply.noContent());
      }
      return poller.poll(u.taskType(), u.domain(), result.workerId, 1, 0)
          .map(tasks -> tasks.isEmpty() ? Reply.noContent() : Reply.rawJson(tasks.get(0)))
          .otherwise(Reply.noContent());
    });
  }

  private Future<Reply> updateByRef(RoutingContext ctx) {
    TaskResult.Status status = statusParam(ctx);
    return engine.<String>send(new Command.UpdateTaskByRef(Requests.path(ctx, "workflowId"),
            Requests.path(ctx, "taskRefName"), status, outputBody(ctx), Requests.query(ctx, "workerid")))
        .map(taskId -> taskId == null ? Reply.ok() : Reply.text(taskId));
  }

  /** As above, answering the workflow (with its tasks) after the update; 404 when no task with that reference is pending. */
  private Future<Reply> updateByRefSync(RoutingContext ctx) {
    String workflowId = Requests.path(ctx, "workflowId");
    String ref = Requests.path(ctx, "taskRefName");
    return engine.<String>send(new Command.UpdateTaskByRef(workflowId, ref, statusParam(ctx), outputBody(ctx),
            Requests.query(ctx, "workerid")))
        .compose(taskId -> taskId == null
            ? Future.failedFuture(ConductorException.notFound("No pending task " + ref + " in workflow " + workflowId))
            : store.getWorkflow(workflowId, true))
        .map(Reply::json);
  }

  private Future<SearchResult<Task>> searchTasks(RoutingContext ctx) {
    return store.searchTasks(Requests.searchQuery(ctx, Requests.query(ctx, "query")));
  }

  private static TaskResult.Status statusParam(RoutingContext ctx) {
    String statusText = Requests.path(ctx, "status");
    try {
      return TaskResult.Status.valueOf(statusText.toUpperCase());
    } catch (IllegalArgumentException e) {
      throw ConductorException.badRequest("Invalid task status: " + statusText);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> outputBody(RoutingContext ctx) {
    Map<String, Object> output = Requests.optionalBody(ctx, Map.class);
    return output == null ? Map.of() : output;
  }

  // ---- signals: complete whatever a workflow is blocked on ----

  /**
   * Updates the first pending WAIT/HUMAN task of the workflow, looking into running sub-workflows
   * where the flow is inside one, and merges the body into its output. {@code sync} answers a
   * SignalResponse with the state right after the update (the decision it caused has run).
   */
  private Future<Reply> signal(RoutingContext ctx, boolean sync) {
    String workflowId = Requests.path(ctx, "workflowId");
    TaskResult.Status status = statusParam(ctx);
    Map<String, Object> output = outputBody(ctx);
    String strategy = sync ? returnStrategy(ctx) : "TARGET_WORKFLOW";
    return store.getWorkflow(workflowId, true).compose(wf -> {
      if (wf == null) {
        return Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."));
      }
      return signals.blockedTask(wf);
    }).compose(blocked -> {
      if (blocked == null) {
        return sync ? Future.failedFuture(ConductorException.notFound("No task is waiting for a signal in workflow " + workflowId))
            : Future.succeededFuture(Reply.ok());
      }
      Future<String> updated = engine.send(new Command.UpdateTaskByRef(blocked.workflowInstanceId,
          blocked.referenceTaskName, status, output, null));
      return sync ? updated.compose(id -> signals.respond(workflowId, strategy, false, null)) : updated.map(id -> Reply.ok());
    });
  }

  /** What a synchronous signal answers with; its wait (timeoutMillis) must at least be a number. */
  private static String returnStrategy(RoutingContext ctx) {
    String strategy = SignalResponses.returnStrategy(ctx);
    if (Requests.longQuery(ctx, "timeoutMillis", 0) < 0) {
      throw ConductorException.badRequest("timeoutMillis must not be negative");
    }
    return strategy;
  }

  /**
   * SDK-only (not in Conductor OSS): takes a task out of its queue. The Java client uses GET for
   * this; DELETE is accepted too. The task's domain decides the queue, so it is looked up.
   */
  private Future<Reply> removeFromQueue(RoutingContext ctx) {
    String type = Requests.path(ctx, "taskType");
    String taskId = Requests.path(ctx, "taskId");
    return store.getTask(taskId).compose(task -> {
      String domain = task == null ? null : task.domain;
      return queues.remove(QueueNames.taskQueue(type, domain), taskId);
    }).map(removed -> Reply.ok());
  }

  private Future<Reply> addLog(RoutingContext ctx) {
    String taskId = Requests.path(ctx, "taskId");
    byte[] body = Requests.bodyBytes(ctx);
    String message;
    try {
      Object parsed = Json.MAPPER.readValue(body, Object.class);
      message = parsed instanceof String s ? s : new String(body, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      message = new String(body, StandardCharsets.UTF_8); // plain text is fine too
    }
    String log = message;
    return store.getTask(taskId).compose(task -> {
      if (task == null) {
        return Future.failedFuture(ConductorException.notFound("Task not found for taskId: " + taskId));
      }
      return store.addTaskLogs(List.of(new TaskExecLog(log, taskId, System.currentTimeMillis())));
    }).map(v -> Reply.ok());
  }

  private Future<Reply> getLogs(RoutingContext ctx) {
    return store.getTaskLogs(Requests.path(ctx, "taskId"))
        .map(logs -> logs.isEmpty() ? Reply.noContent() : Reply.json(logs));
  }

  private Future<Reply> getTask(RoutingContext ctx) {
    String taskId = Requests.path(ctx, "taskId");
    return store.getTask(taskId).map(task -> {
      if (task == null) {
        throw ConductorException.notFound("Task not found for taskId: " + taskId);
      }
      return Reply.json(task);
    });
  }

  private Future<Reply> queueSizes(RoutingContext ctx) {
    List<String> types = Requests.queryList(ctx, "taskType");
    Map<String, Integer> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String type : types) {
      chain = chain.compose(v -> queues.size(type).map(n -> {
        out.put(type, (int) Math.min(Integer.MAX_VALUE, n));
        return null;
      }));
    }
    return chain.map(v -> Reply.json(out));
  }

  private Future<Reply> queueSize(RoutingContext ctx) {
    String type = Requests.requiredQuery(ctx, "taskType");
    String queue = QueueNames.taskQueue(type, Requests.query(ctx, "domain"));
    return queues.size(queue).map(n -> Reply.json((int) Math.min(Integer.MAX_VALUE, n)));
  }

  /** Conductor's verbose shape: queue → shard "a" → {size, uacked}. */
  private static Reply verbose(Map<String, Map<String, Long>> details) {
    Map<String, Map<String, Map<String, Long>>> out = new LinkedHashMap<>();
    details.forEach((queue, counts) -> out.put(queue, Map.of("a", counts)));
    return Reply.json(out);
  }
}
