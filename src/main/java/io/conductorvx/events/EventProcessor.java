package io.conductorvx.events;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.ParameterResolver;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.tasks.TaskServices;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.EventExecution;
import io.conductorvx.model.EventHandler;
import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.EventExecutionStore;
import io.conductorvx.store.EventHandlerStore;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the event handlers for each message from an event queue (semantics §16). For every active
 * handler of the message's event, read from the store at that moment (so a new or changed handler
 * takes effect at once), it evaluates the condition and runs the actions one after another:
 * {@code start_workflow}, {@code complete_task}, {@code fail_task}.
 *
 * <p>Every run is recorded as Conductor's EventExecution ({@code <messageId>_<action>}, or one
 * SKIPPED row when the condition is false), and the recorded outcomes make a redelivered message
 * skip what it already did. A started workflow's id is derived from the message, handler and
 * action as well, so an action repeated after a crash between its start and its record starts it
 * once; a repeated task update is ignored by the engine.
 *
 * <p>Failures: a failure the engine calls transient (store or engine unavailable) is tried again
 * a few times; if it persists, nothing is recorded for that action and {@link #process} fails, so
 * a broker leaves the message unacknowledged and delivers it again. Any other failure (no such
 * workflow definition or task, bad input, a condition that cannot run) is recorded as FAILED and
 * the message counts as handled.
 *
 * <p>Messages on the {@link StatusQueues} are task updates from the queue admin API instead.
 *
 * <p>Runs on the event loop of the verticle that subscribed it; everything here answers futures.
 */
public final class EventProcessor {
  private static final Logger LOG = Logger.getLogger(EventProcessor.class.getName());
  static final String MESSAGE_ID_KEY = "conductor.event.messageId";
  static final String EVENT_NAME_KEY = "conductor.event.name";
  private static final int ATTEMPTS = 3;
  private static final long RETRY_DELAY_MS = 200;

  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final EventHandlerStore handlers;
  private final ExecutionStore executions;
  private final EventExecutionStore records;
  private final ParameterResolver resolver = new ParameterResolver();
  private final EventConditions conditions;

  public EventProcessor(Vertx vertx, WorkflowEngine engine) {
    this.vertx = vertx;
    this.engine = engine;
    this.handlers = engine.backends().eventHandlers();
    this.executions = engine.backends().executions();
    this.records = engine.backends().eventExecutions();
    this.conditions = new EventConditions(TaskServices.of(vertx, engine));
  }

  /**
   * Handles one message. Completes when every handler's outcome is recorded; fails when a handler
   * met a transient failure (or its handlers could not be read), so the message must be delivered
   * again.
   */
  public Future<Void> process(EventMessage message) {
    if (StatusQueues.isStatusQueue(message)) {
      return StatusQueues.apply(engine, message)
          .onFailure(err -> LOG.warning("Status update " + message.id() + " on " + message.queue() + " failed: " + err.getMessage()))
          .<Void>mapEmpty()
          .otherwiseEmpty();
    }
    return handlers.forEvent(message.event(), true).compose(active -> {
      if (active.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      Object payload = parse(message.payload());
      Object expanded = expand(payload); // conditions always see nested JSON parsed
      List<Future<Void>> done = new ArrayList<>();
      for (EventHandler handler : active) {
        done.add(handle(handler, message, payload, expanded));
      }
      return Future.join(done).<Void>mapEmpty(); // every handler finishes before the message is settled
    }).onFailure(err -> LOG.log(Level.WARNING, "Event " + message.event() + " message " + message.id()
        + " is not handled yet and will be delivered again where the queue redelivers: " + err.getMessage()));
  }

  /** One handler for one message: skips what a previous delivery recorded, records what this one did. */
  private Future<Void> handle(EventHandler handler, EventMessage message, Object payload, Object expanded) {
    return records.forMessage(handler.name, handler.event, message.id()).compose(previous -> {
      Map<String, EventExecution> recorded = new HashMap<>();
      previous.forEach(e -> {
        if (e.status().isFinal()) {
          recorded.put(e.id(), e);
        }
      });
      EventExecution first = recorded.get(EventExecution.idOf(message.id(), 0));
      if (first != null && (first.status() == EventExecution.Status.SKIPPED || first.action() == null)) {
        return Future.<Void>succeededFuture(); // the condition was already decided for this message
      }
      List<EventExecution> outcomes = new ArrayList<>();
      return conditions.test(handler, expanded)
          .recover(err -> {
            LOG.warning("Event handler " + handler.name + ": condition failed for message " + message.id() + ": " + err.getMessage());
            outcomes.add(execution(handler, message, 0, null, EventExecution.Status.FAILED,
                Map.of("condition", handler.condition, "exception", String.valueOf(err.getMessage())),
                "The condition could not be evaluated: " + err.getMessage(), payload));
            return Future.succeededFuture(false);
          })
          .compose(fires -> {
            if (!fires) {
              if (outcomes.isEmpty()) {
                Map<String, Object> output = new LinkedHashMap<>();
                output.put("msg", message.payload());
                output.put("condition", handler.condition);
                outcomes.add(execution(handler, message, 0, null, EventExecution.Status.SKIPPED, output, null, payload));
              }
              return Future.<Boolean>succeededFuture(true);
            }
            return runActions(handler, message, payload, expanded, recorded, outcomes);
          })
          .compose(complete -> records.save(outcomes).compose(saved -> complete
              ? Future.<Void>succeededFuture()
              : Future.<Void>failedFuture(ConductorException.unavailable("event handler " + handler.name
                  + " met a transient failure for message " + message.id(), null))));
    });
  }

  /**
   * Runs the actions not recorded yet, in order, adding their outcomes. Completes with false after
   * a transient failure: the remaining actions wait for the next delivery.
   */
  private Future<Boolean> runActions(EventHandler handler, EventMessage message, Object payload, Object expanded,
      Map<String, EventExecution> recorded, List<EventExecution> outcomes) {
    Future<Boolean> chain = Future.succeededFuture(true);
    for (int i = 0; i < handler.actions.size(); i++) {
      int index = i;
      EventHandler.Action action = handler.actions.get(i);
      if (recorded.containsKey(EventExecution.idOf(message.id(), index))) {
        continue; // done by an earlier delivery
      }
      // the same message, handler and action always start the same workflow id: redelivery and retries start it once
      String startId = UUID.nameUUIDFromBytes(("event:" + message.event() + ":" + message.id() + ":" + handler.name + ":" + index)
          .getBytes(StandardCharsets.UTF_8)).toString();
      EventHandler.Action.Type type = action == null ? null : action.action;
      chain = chain.compose(goOn -> {
        if (!goOn) {
          return Future.succeededFuture(false);
        }
        return withRetries(() -> run(action, message, payload, expanded, startId), ATTEMPTS).transform(ar -> {
          if (ar.succeeded()) {
            outcomes.add(execution(handler, message, index, type, EventExecution.Status.COMPLETED, ar.result(), null, payload));
            return Future.succeededFuture(true);
          }
          Throwable err = ar.cause();
          if (err instanceof ConductorException ce && ce.retryable()) {
            LOG.warning("Event handler " + handler.name + ": action " + type + " for message " + message.id()
                + " failed for now, left for the next delivery: " + err.getMessage());
            return Future.succeededFuture(false);
          }
          LOG.warning("Event handler " + handler.name + ": action " + type + " for message " + message.id()
              + " failed: " + err.getMessage());
          Map<String, Object> output = new LinkedHashMap<>();
          output.put("exception", String.valueOf(err.getMessage()));
          outcomes.add(execution(handler, message, index, type, EventExecution.Status.FAILED, output, String.valueOf(err.getMessage()), payload));
          return Future.succeededFuture(true);
        });
      });
    }
    return chain;
  }

  private static EventExecution execution(EventHandler handler, EventMessage message, int index, EventHandler.Action.Type action,
      EventExecution.Status status, Map<String, Object> output, String description, Object payload) {
    return new EventExecution(EventExecution.idOf(message.id(), index), message.id(), handler.name, handler.event,
        System.currentTimeMillis(), status, action, output, description, payload);
  }

  /** Runs one action; completes with what it did, Conductor's execution output. */
  private Future<Map<String, Object>> run(EventHandler.Action action, EventMessage message, Object rawPayload, Object expanded,
      String startId) {
    if (action == null || action.action == null) {
      return Future.failedFuture(new IllegalArgumentException("action has no type"));
    }
    Object payload = action.expandInlineJSON ? expanded : rawPayload;
    Map<String, Object> context = payload instanceof Map<?, ?> ? asMap(payload) : Map.of();
    return switch (action.action) {
      case start_workflow -> startWorkflow(action.start_workflow, context, message, startId)
          .map(id -> output("workflowId", id));
      case complete_task -> updateTask(action.complete_task, TaskResult.Status.COMPLETED, context, message);
      case fail_task -> updateTask(action.fail_task, TaskResult.Status.FAILED, context, message);
      default -> Future.failedFuture(new UnsupportedOperationException("Action " + action.action + " is not supported"));
    };
  }

  private Future<String> startWorkflow(EventHandler.StartWorkflow params, Map<String, Object> payload, EventMessage message,
      String workflowId) {
    if (params == null || params.name == null || params.name.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("start_workflow names no workflow"));
    }
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = params.name;
    request.version = params.version;
    request.correlationId = text(resolver.resolveValue(params.correlationId, payload, null));
    request.input = resolver.resolve(params.input, payload, null);
    request.input.put(MESSAGE_ID_KEY, message.id());
    request.input.put(EVENT_NAME_KEY, message.event());
    request.taskToDomain = taskToDomain(params.taskToDomain, payload);
    return engine.startWorkflow(request, workflowId, null, null, message.event());
  }

  /** The action's own taskToDomain (resolved), else a {@code taskToDomain} map in the payload. */
  private Map<String, String> taskToDomain(Map<String, String> fromAction, Map<String, Object> payload) {
    Object source = fromAction != null && !fromAction.isEmpty()
        ? resolver.resolveValue(fromAction, payload, null) : payload.get("taskToDomain");
    Map<String, String> out = new LinkedHashMap<>();
    if (source instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        if (k != null && v != null) {
          out.put(String.valueOf(k), String.valueOf(v));
        }
      });
    }
    return out;
  }

  /** complete_task / fail_task: finds the task (by id, else the latest with that reference) and updates it. */
  private Future<Map<String, Object>> updateTask(EventHandler.TaskDetails details, TaskResult.Status status,
      Map<String, Object> payload, EventMessage message) {
    if (details == null) {
      return Future.failedFuture(new IllegalArgumentException(status + " action has no task details"));
    }
    String taskId = text(resolver.resolveValue(details.taskId, payload, null));
    String workflowId = text(resolver.resolveValue(details.workflowId, payload, null));
    String taskRef = text(resolver.resolveValue(details.taskRefName, payload, null));
    Future<Task> target;
    if (taskId != null && !taskId.isBlank()) {
      target = executions.getTask(taskId);
    } else if (workflowId != null && !workflowId.isBlank() && taskRef != null && !taskRef.isBlank()) {
      target = executions.getWorkflow(workflowId, true).map(wf -> wf == null ? null : latestByRef(wf, taskRef));
    } else {
      return Future.failedFuture(new IllegalArgumentException("the action needs taskId, or workflowId and taskRefName"));
    }
    return target.compose(task -> {
      if (task == null) {
        return Future.failedFuture(ConductorException.notFound("No task found for taskId: " + taskId
            + ", workflowId: " + workflowId + ", taskRefName: " + taskRef));
      }
      TaskResult result = new TaskResult();
      result.workflowInstanceId = task.workflowInstanceId;
      result.taskId = task.taskId;
      result.status = status;
      result.outputData = resolver.resolve(details.output, payload, null);
      result.outputData.put(MESSAGE_ID_KEY, message.id());
      result.outputData.put(EVENT_NAME_KEY, message.event());
      result.reasonForIncompletion = text(resolver.resolveValue(details.reasonForIncompletion, payload, null));
      return engine.<Command.TaskUpdated>send(new Command.UpdateTask(task.workflowInstanceId, result)).map(updated -> {
        Map<String, Object> out = output("workflowId", task.workflowInstanceId);
        out.put("taskId", task.taskId);
        out.put("taskRefName", task.referenceTaskName);
        return out;
      });
    });
  }

  private static Map<String, Object> output(String key, Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(key, value);
    return out;
  }

  /** The task with that reference (loop suffix optional) that was scheduled last. */
  static Task latestByRef(Workflow wf, String ref) {
    Task latest = null;
    for (Task t : wf.tasks) {
      String base = t.referenceTaskName;
      int loop = base == null ? -1 : base.lastIndexOf("__");
      boolean matches = ref.equals(base) || (loop > 0 && ref.equals(base.substring(0, loop)));
      if (matches && (latest == null || t.seq > latest.seq)) {
        latest = t;
      }
    }
    return latest;
  }

  private <T> Future<T> withRetries(java.util.function.Supplier<Future<T>> work, int attemptsLeft) {
    return work.get().recover(err -> {
      boolean transientError = err instanceof ConductorException ce && ce.retryable();
      if (!transientError || attemptsLeft <= 1) {
        return Future.failedFuture(err);
      }
      return vertx.timer(RETRY_DELAY_MS).compose(t -> withRetries(work, attemptsLeft - 1));
    });
  }

  /** The payload as JSON values; text that is not JSON stays a string. */
  static Object parse(String payload) {
    if (payload == null) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(payload, Object.class);
    } catch (IOException e) {
      return payload;
    }
  }

  /** A copy with JSON objects and arrays held in strings parsed, at any depth. */
  static Object expand(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), expand(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(expand(v)));
      return out;
    }
    if (value instanceof String s) {
      String t = s.trim();
      if ((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"))) {
        Object parsed = parse(t);
        return parsed instanceof String ? s : expand(parsed);
      }
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object payload) {
    return (Map<String, Object>) payload;
  }

  private static String text(Object value) {
    return value == null ? null : String.valueOf(value);
  }
}
