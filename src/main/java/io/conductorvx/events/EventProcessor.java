package io.conductorvx.events;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.ParameterResolver;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.tasks.TaskServices;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.EventHandler;
import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.EventHandlerStore;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * {@code start_workflow}, {@code complete_task}, {@code fail_task}. A failing action is logged
 * and does not stop the others; failures the engine calls transient are tried again a few times.
 * A started workflow's id is derived from the message, handler and action, so a retried start or a
 * message published again (an EVENT task re-run after a restart) starts it only once. Nothing is
 * recorded about executions yet (Conductor's EventExecution).
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
  private final ParameterResolver resolver = new ParameterResolver();
  private final EventConditions conditions;

  public EventProcessor(Vertx vertx, WorkflowEngine engine) {
    this.vertx = vertx;
    this.engine = engine;
    this.handlers = engine.backends().eventHandlers();
    this.executions = engine.backends().executions();
    this.conditions = new EventConditions(new TaskServices() {
      @Override
      public Vertx vertx() {
        return vertx;
      }

      @Override
      public WorkflowEngine engine() {
        return engine;
      }
    });
  }

  /** Handles one message; completes when every handler is done (never fails). */
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
      return Future.join(done).<Void>mapEmpty();
    }).onFailure(err -> LOG.log(Level.WARNING, "Event " + message.event() + " message " + message.id()
        + " could not be processed: " + err.getMessage())).otherwiseEmpty();
  }

  private Future<Void> handle(EventHandler handler, EventMessage message, Object payload, Object expanded) {
    return conditions.test(handler, expanded).compose(fires -> {
      if (!fires) {
        return Future.<Void>succeededFuture(); // Conductor records a SKIPPED execution here
      }
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < handler.actions.size(); i++) {
        EventHandler.Action action = handler.actions.get(i);
        // the same message, handler and action always start the same workflow id: redelivery and retries start it once
        String startId = UUID.nameUUIDFromBytes(("event:" + message.event() + ":" + message.id() + ":" + handler.name + ":" + i)
            .getBytes(StandardCharsets.UTF_8)).toString();
        chain = chain.compose(v -> withRetries(() -> run(action, message, payload, expanded, startId), ATTEMPTS)
            .onFailure(err -> LOG.warning("Event handler " + handler.name + ": action " + (action == null ? null : action.action)
                + " for message " + message.id() + " failed: " + err.getMessage()))
            .<Void>mapEmpty()
            .otherwiseEmpty());
      }
      return chain;
    }, err -> {
      LOG.warning("Event handler " + handler.name + ": condition failed for message " + message.id() + ": " + err.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<?> run(EventHandler.Action action, EventMessage message, Object rawPayload, Object expanded,
      String startId) {
    if (action == null || action.action == null) {
      return Future.failedFuture(new IllegalArgumentException("action has no type"));
    }
    Object payload = action.expandInlineJSON ? expanded : rawPayload;
    Map<String, Object> context = payload instanceof Map<?, ?> ? asMap(payload) : Map.of();
    return switch (action.action) {
      case start_workflow -> startWorkflow(action.start_workflow, context, message, startId);
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
  private Future<Command.TaskUpdated> updateTask(EventHandler.TaskDetails details, TaskResult.Status status,
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
      return engine.<Command.TaskUpdated>send(new Command.UpdateTask(task.workflowInstanceId, result));
    });
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
