package io.conductorvx.tasks;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.SubWorkflowParams;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SUB_WORKFLOW: starts a child workflow and mirrors its end. The child is started off the decision
 * under an id derived from this task attempt, so a start lost to a restart is simply repeated. The
 * child's owner tells this task when the child ends ({@link Command.ChildEnded}); in case that
 * notice is lost, the child's stored status is re-read every {@link #RECHECK_MS}.
 */
public final class SubWorkflowTask implements TaskType {
  public static final String TYPE = "SUB_WORKFLOW";
  static final String NAME = "subWorkflowName";
  static final String VERSION = "subWorkflowVersion";
  static final String TASK_TO_DOMAIN = "subWorkflowTaskToDomain";
  static final String DEFINITION = "subWorkflowDefinition";
  static final String PRIORITY = "priority";
  static final String IDEMPOTENCY_KEY = "idempotencyKey";
  static final String IDEMPOTENCY_STRATEGY = "idempotencyStrategy";
  static final String WORKFLOW_INPUT = "workflowInput";
  private static final List<String> OWN_KEYS = List.of(NAME, VERSION, TASK_TO_DOMAIN, DEFINITION, PRIORITY,
      IDEMPOTENCY_KEY, IDEMPOTENCY_STRATEGY, WORKFLOW_INPUT);

  /** How often a running child's stored status is re-read, in case its end notice was lost. */
  static final long RECHECK_MS = 30_000;
  /** Wait before trying a start again that failed because a backend was unavailable. */
  static final long START_RETRY_MS = 5_000;

  /** The child was started (or already existed); {@code version} is the one it runs. */
  private record Started(String childId, Integer version) {}

  /** A re-read found the child still running. */
  private static final Object STILL_RUNNING = new Object();
  /** The child was terminated, or did not need to be. */
  private static final Object CHILD_TERMINATED = new Object();

  /**
   * Task id → earliest time of the next start attempt or status re-read. In memory only: after a
   * restart it is empty, so the first decision re-checks at once, which is what a restart needs.
   */
  private final Map<String, Long> notBefore = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    task.subWorkflowId = null; // a task reset for a rerun starts a new child
    try {
      resolveParams(ctx, task);
    } catch (IllegalArgumentException e) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, e.getMessage());
      return;
    }
    ctx.changed(task);
    if (ctx.now() >= SystemTasks.dueAt(task)) {
      launch(ctx, task, false);
    }
  }

  /** Resolves subWorkflowParam into the task input under Conductor's keys. */
  private static void resolveParams(TaskContext ctx, Task task) {
    SubWorkflowParams p = task.workflowTask.subWorkflowParam;
    if (p == null) {
      throw new IllegalArgumentException("Task " + task.referenceTaskName + " has no subWorkflowParam");
    }
    Map<String, Object> params = new LinkedHashMap<>(task.inputData);
    if (params.containsKey(NAME) && params.containsKey(WORKFLOW_INPUT)) {
      OWN_KEYS.forEach(params::remove); // a retry or rerun keeps the previous attempt's input, our keys included
    }
    Object name = ctx.resolve(p.name, task.taskId);
    Object definition = p.workflowDefinition instanceof String expression
        ? ctx.resolve(expression, task.taskId) // only an expression is resolved: an inline definition's own ${...} belong to the child
        : p.workflowDefinition;
    if (definition != null && !(definition instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("subWorkflowParam.workflowDefinition must be a workflow definition object, got: " + definition);
    }
    Object taskToDomain = ctx.resolve(p.taskToDomain, task.taskId);
    if (taskToDomain != null && !(taskToDomain instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("subWorkflowParam.taskToDomain must be a map, got: " + taskToDomain);
    }
    Map<String, Object> input = task.inputData;
    input.put(NAME, name == null && definition != null ? ((Map<?, ?>) definition).get("name") : name);
    input.put(VERSION, SystemTasks.toInteger(ctx.resolve(p.version, task.taskId), null, "subWorkflowParam.version"));
    input.put(TASK_TO_DOMAIN, taskToDomain);
    input.put(DEFINITION, definition);
    input.put(PRIORITY, SystemTasks.toInteger(ctx.resolve(p.priority, task.taskId), 0, "subWorkflowParam.priority"));
    input.put(IDEMPOTENCY_KEY, ctx.resolve(p.idempotencyKey, task.taskId));
    input.put(IDEMPOTENCY_STRATEGY, ctx.resolve(p.idempotencyStrategy, task.taskId));
    input.put(WORKFLOW_INPUT, params);
  }

  /**
   * Hands the child's start off the decision; its id (or its end) comes back to {@link #resume}.
   * {@code again}: an earlier start may have created the child already (lost to a restart).
   */
  private void launch(TaskContext ctx, Task task, boolean again) {
    StartWorkflowRequest request;
    try {
      request = request(ctx.workflow(), task);
    } catch (IllegalArgumentException e) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED, e.getMessage());
      return;
    }
    String childId = childId(task);
    String parentId = task.workflowInstanceId;
    String taskId = task.taskId;
    notBefore.put(taskId, ctx.now() + RECHECK_MS);
    SystemTasks.started(ctx, task);
    ctx.offload(task, services -> startChild(services.engine(), request, childId, parentId, taskId, again));
  }

  private static String childId(Task task) {
    return task.subWorkflowId != null ? task.subWorkflowId : SystemTasks.derivedWorkflowId("subworkflow", task);
  }

  /** The child's start request, from the task input resolved in {@link #start}. */
  private static StartWorkflowRequest request(Workflow parent, Task task) {
    Map<String, Object> in = task.inputData;
    StartWorkflowRequest r = new StartWorkflowRequest();
    r.name = in.get(NAME) == null ? null : in.get(NAME).toString();
    r.version = SystemTasks.toInteger(in.get(VERSION), null, "subWorkflowVersion");
    Object definition = in.get(DEFINITION);
    Object workflowInput = in.get(WORKFLOW_INPUT);
    r.input = workflowInput instanceof Map<?, ?> m && !m.isEmpty() ? Json.copyMap(m) : Json.copyMap(in);
    if (definition instanceof Map<?, ?> def) {
      try {
        r.workflowDef = Json.MAPPER.convertValue(Json.copyMap(def), WorkflowDef.class);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("subWorkflowParam.workflowDefinition is not a valid workflow definition: " + e.getMessage());
      }
      if (r.workflowDef.name == null) {
        r.workflowDef.name = r.name;
      }
      r.name = r.workflowDef.name;
      r.input.put("_systemMetadata", new LinkedHashMap<>(Map.of("dynamic", true)));
    }
    if (r.name == null || r.name.isBlank()) {
      throw new IllegalArgumentException("subWorkflowParam.name is missing for task " + task.referenceTaskName);
    }
    r.correlationId = parent.correlationId;
    Object taskToDomain = in.get(TASK_TO_DOMAIN);
    Map<String, String> domains = new LinkedHashMap<>();
    if (taskToDomain instanceof Map<?, ?> m && !m.isEmpty()) {
      m.forEach((k, v) -> domains.put(String.valueOf(k), v == null ? null : v.toString()));
    } else if (parent.taskToDomain != null) {
      domains.putAll(parent.taskToDomain);
    }
    r.taskToDomain = domains;
    r.priority = SystemTasks.toInteger(in.get(PRIORITY), 0, "priority");
    r.idempotencyKey = in.get(IDEMPOTENCY_KEY) == null ? null : in.get(IDEMPOTENCY_KEY).toString();
    r.idempotencyStrategy = in.get(IDEMPOTENCY_STRATEGY) == null ? null : in.get(IDEMPOTENCY_STRATEGY).toString();
    return r;
  }

  /**
   * Runs off the decision: pins "latest" to a version, then starts the child under its derived id.
   * A repeated start finds an existing child, which may have ended while its end notice was lost:
   * then its end is the answer.
   */
  private static Future<Object> startChild(WorkflowEngine engine, StartWorkflowRequest request, String childId,
      String parentId, String taskId, boolean again) {
    Future<Integer> version = request.workflowDef != null
        ? Future.succeededFuture(request.workflowDef.version)
        : engine.backends().metadata().getWorkflowDef(request.name, request.version).compose(def -> def != null
            ? Future.succeededFuture(def.version)
            : Future.failedFuture(ConductorException.notFound(
                "No such workflow found by name: " + request.name + ", version: " + request.version)));
    return version.compose(v -> {
      if (request.workflowDef == null) {
        request.version = v;
      }
      Future<Object> started = engine.startWorkflow(request, childId, parentId, taskId, null).map(id -> new Started(id, v));
      return again ? started.compose(s -> recheck(engine, childId).map(state -> state == STILL_RUNNING ? s : state)) : started;
    });
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    if (ctx.isOffloaded(task)) {
      return false;
    }
    long now = ctx.now();
    long wait = notBefore.getOrDefault(task.taskId, 0L);
    if (task.status == TaskStatus.SCHEDULED) {
      // not started yet: a start delay, a failed start waiting to try again, or a start lost to a restart
      if (now >= Math.max(SystemTasks.dueAt(task), wait)) {
        launch(ctx, task, true);
        return task.isTerminal();
      }
      return false;
    }
    if (task.subWorkflowId != null && now >= wait) {
      String childId = task.subWorkflowId;
      notBefore.put(task.taskId, now + RECHECK_MS);
      ctx.offload(task, services -> recheck(services.engine(), childId));
    }
    return false;
  }

  /** Reads the child's stored status: its end when it has ended (the notice may have been lost). */
  private static Future<Object> recheck(WorkflowEngine engine, String childId) {
    return engine.backends().executions().getWorkflow(childId, false).map(child -> {
      if (child == null) {
        throw ConductorException.notFound("Sub workflow " + childId + " no longer exists");
      }
      if (!child.status.isTerminal()) {
        return STILL_RUNNING;
      }
      return new Command.ChildEnded(child.workflowId, child.status,
          child.output == null ? Map.of() : child.output, child.reasonForIncompletion);
    });
  }

  @Override
  public void resume(TaskContext ctx, Task task, Object result, Throwable error) {
    if (result instanceof Command.ChildEnded ended) {
      childEnded(ctx, task, ended);
    } else if (result instanceof Started started) {
      task.subWorkflowId = started.childId();
      task.outputData.put("subWorkflowId", started.childId());
      task.inputData.put(VERSION, started.version());
      notBefore.put(task.taskId, ctx.now() + RECHECK_MS);
      ctx.changed(task);
      SystemTasks.inProgress(ctx, task);
    } else if (error != null) {
      boolean starting = task.status == TaskStatus.SCHEDULED;
      if (SystemTasks.isTransient(error)) {
        notBefore.put(task.taskId, ctx.now() + (starting ? START_RETRY_MS : RECHECK_MS));
      } else if (starting || error instanceof ConductorException ce && ce.status() == 404) {
        notBefore.remove(task.taskId);
        SystemTasks.finish(ctx, task, TaskStatus.FAILED, SystemTasks.describe(error));
      }
    }
  }

  /** Mirrors the child's end: TERMINATED becomes CANCELED, output is the child's plus its id. */
  private void childEnded(TaskContext ctx, Task task, Command.ChildEnded ended) {
    TaskStatus status = switch (ended.status()) {
      case COMPLETED -> TaskStatus.COMPLETED;
      case TERMINATED -> TaskStatus.CANCELED;
      case TIMED_OUT -> TaskStatus.TIMED_OUT;
      case FAILED -> TaskStatus.FAILED;
      default -> null;
    };
    if (status == null) {
      return; // RUNNING/PAUSED: not an end
    }
    notBefore.remove(task.taskId);
    task.subWorkflowId = ended.childWorkflowId();
    Map<String, Object> output = ended.output() == null ? new LinkedHashMap<>() : Json.copyMap(ended.output());
    output.put("subWorkflowId", ended.childWorkflowId());
    task.outputData = output;
    String reason = status == TaskStatus.COMPLETED ? null
        : "Sub workflow " + ended.childWorkflowId() + " failure reason: " + ended.reasonForIncompletion();
    SystemTasks.finish(ctx, task, status, reason);
  }

  @Override
  public long nextCheckAt(Task task) {
    long wait = notBefore.getOrDefault(task.taskId, 0L);
    return SystemTasks.ahead(task.status == TaskStatus.SCHEDULED ? Math.max(SystemTasks.dueAt(task), wait) : wait);
  }

  /** The parent ended while the child runs: terminate the child. */
  @Override
  public void cancel(TaskContext ctx, Task task) {
    notBefore.remove(task.taskId);
    // If a start or re-read is still in flight the offload is refused; its outcome then reaches discarded().
    terminateChild(ctx, task);
  }

  /**
   * A start or re-read came back after this task ended: if the task did not end with its child
   * (the parent was terminated meanwhile), terminate the child now. The outcome of a terminate
   * itself, a child's end notice and errors need nothing more.
   */
  @Override
  public void discarded(TaskContext ctx, Task task, Object result, Throwable error) {
    notBefore.remove(task.taskId);
    if (!(result instanceof Started || result == STILL_RUNNING) || task.status == TaskStatus.COMPLETED) {
      return;
    }
    if (result instanceof Started started && task.subWorkflowId == null) {
      task.subWorkflowId = started.childId();
      ctx.changed(task);
    }
    terminateChild(ctx, task);
  }

  private static void terminateChild(TaskContext ctx, Task task) {
    Workflow parent = ctx.workflow();
    String childId = childId(task);
    String reason = "Parent workflow " + parent.workflowId + " ended with status " + parent.status
        + (parent.reasonForIncompletion == null || parent.reasonForIncompletion.isBlank() ? "" : ": " + parent.reasonForIncompletion);
    ctx.offload(task, services -> terminateIfRunning(services.engine(), childId, reason));
  }

  /** Terminates the child unless it does not exist (never started) or already ended. */
  private static Future<Object> terminateIfRunning(WorkflowEngine engine, String childId, String reason) {
    return engine.backends().executions().getWorkflow(childId, false).compose(child -> {
      if (child == null || child.status.isTerminal()) {
        return Future.succeededFuture(CHILD_TERMINATED);
      }
      return engine.send(new Command.Terminate(childId, reason)).map(ignored -> CHILD_TERMINATED);
    });
  }
}
