package io.conductorvx.api;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a flow is blocked on, and the SignalResponse a synchronous signal or execution answers
 * with: a workflow for TARGET_WORKFLOW and BLOCKING_WORKFLOW, the blocking task for
 * BLOCKING_TASK(_INPUT), each with the response fields the SDKs read.
 */
final class SignalResponses {
  /** Types that wait for someone outside: a signal completes them, an execution stops at them. */
  private static final Set<String> SIGNALLED_TYPES = Set.of("WAIT", "HUMAN");
  private static final Set<String> RETURN_STRATEGIES =
      Set.of("TARGET_WORKFLOW", "BLOCKING_WORKFLOW", "BLOCKING_TASK", "BLOCKING_TASK_INPUT");
  /** Sub-workflows nest; a bound keeps a corrupt parent/child loop from recursing forever. */
  private static final int MAX_DEPTH = 32;

  private final ExecutionStore store;

  SignalResponses(ExecutionStore store) {
    this.store = store;
  }

  /** The {@code returnStrategy} query parameter, TARGET_WORKFLOW when absent. */
  static String returnStrategy(RoutingContext ctx) {
    String v = Requests.query(ctx, "returnStrategy");
    String strategy = v == null || v.isBlank() ? "TARGET_WORKFLOW" : v.trim().toUpperCase(Locale.ROOT);
    if (!RETURN_STRATEGIES.contains(strategy)) {
      throw ConductorException.badRequest("returnStrategy must be one of " + RETURN_STRATEGIES + ", got: " + v);
    }
    return strategy;
  }

  /** The first non-terminal WAIT/HUMAN task, in task order, descending into running sub-workflows. */
  Future<Task> blockedTask(Workflow wf) {
    return blockedTask(wf, 0);
  }

  private Future<Task> blockedTask(Workflow wf, int depth) {
    if (wf == null || wf.status.isTerminal() || depth > MAX_DEPTH) {
      return Future.succeededFuture(null);
    }
    List<Task> pending = new ArrayList<>();
    for (Task t : wf.tasks) {
      if (!t.retried && !t.isTerminal()) {
        pending.add(t);
      }
    }
    pending.sort(Comparator.comparingInt(t -> t.seq));
    Future<Task> found = Future.succeededFuture(null);
    for (Task t : pending) {
      found = found.compose(hit -> {
        if (hit != null) {
          return Future.succeededFuture(hit);
        }
        if (SIGNALLED_TYPES.contains(t.taskType)) {
          return Future.succeededFuture(t);
        }
        if ("SUB_WORKFLOW".equals(t.taskType) && t.subWorkflowId != null) {
          return store.getWorkflow(t.subWorkflowId, true).compose(child -> blockedTask(child, depth + 1));
        }
        return Future.succeededFuture(null);
      });
    }
    return found;
  }

  /**
   * The response for the workflow's current state. {@code timedOut} says the caller stopped
   * waiting before the flow ended or blocked; {@code requestId} is echoed when given.
   */
  Future<Reply> respond(String workflowId, String strategy, boolean timedOut, String requestId) {
    return store.getWorkflow(workflowId, true).compose(target -> target == null
        ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
        : blockedTask(target).compose(next -> {
      boolean taskAnswer = strategy.startsWith("BLOCKING_TASK") && next != null;
      Future<Workflow> shown = strategy.equals("BLOCKING_WORKFLOW") && next != null
          && !next.workflowInstanceId.equals(workflowId)
          ? store.getWorkflow(next.workflowInstanceId, true) : Future.succeededFuture(target);
      return shown.map(wf -> {
        Map<String, Object> body = new LinkedHashMap<>(taskAnswer ? Json.toMap(next) : Json.toMap(wf));
        body.put("responseType", strategy);
        body.put("targetWorkflowId", target.workflowId);
        body.put("targetWorkflowStatus", target.status.name());
        body.put("workflowId", wf.workflowId);
        body.put("correlationId", wf.correlationId);
        if (!taskAnswer) {
          body.put("input", wf.input);
          body.put("output", wf.output);
        }
        if (requestId != null) {
          body.put("requestId", requestId);
        }
        body.put("signalTimeout", timedOut);
        return Reply.json(body);
      });
    }));
  }
}
