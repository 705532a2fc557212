package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.RerunWorkflowRequest;
import io.conductorvx.model.SkipTaskRequest;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Task;
import io.conductorvx.model.SearchResult;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowSummary;
import io.conductorvx.model.WorkflowStatusSummary;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** /api/workflow: start, read and operate workflow executions. */
final class WorkflowResource {
  private static final TypeReference<Map<String, Object>> INPUT = new TypeReference<>() {};
  private static final TypeReference<List<String>> IDS = new TypeReference<>() {};

  private final WorkflowEngine engine;
  private final ExecutionStore store;
  private final SignalResponses signals;

  WorkflowResource(WorkflowEngine engine) {
    this.engine = engine;
    this.store = engine.backends().executions();
    this.signals = new SignalResponses(store);
  }

  void mount(Router r) {
    Routes.handle(r.post("/api/workflow"), this::start);
    Routes.handle(r.post("/api/workflow/execute/:name/:version"), this::execute);
    Routes.handle(r.post("/api/workflow/test"), ctx -> engine.testWorkflow(
        Requests.body(ctx, io.conductorvx.model.WorkflowTestRequest.class)).map(Reply::json));
    Routes.handle(r.get("/api/workflow/running/:name"), this::running);
    Routes.handle(r.get("/api/workflow/search"), ctx -> search(ctx).map(found -> Reply.json(
        new SearchResult<>(found.totalHits(), found.results().stream().map(WorkflowSummary::of).toList()))));
    Routes.handle(r.get("/api/workflow/search-v2"), ctx -> search(ctx).map(Reply::json));
    Routes.handle(r.get("/api/workflow/search-by-tasks"), ctx -> searchByTasks(ctx).map(found -> Reply.json(
        new SearchResult<>(found.totalHits(), found.results().stream().map(WorkflowSummary::of).toList()))));
    Routes.handle(r.get("/api/workflow/search-by-tasks-v2"), ctx -> searchByTasks(ctx).map(Reply::json));
    // the hot routes early (each route with a parameter costs a regular expression match), after
    // the fixed paths they would otherwise take (POST /test, GET /search…)
    Routes.handle(r.post("/api/workflow/:name"), this::startByName);
    Routes.handle(r.get("/api/workflow/:workflowId"), this::get);
    Routes.handle(r.put("/api/workflow/decide/:workflowId"), this::decide);
    Routes.handle(r.post("/api/workflow/correlated/batch"), this::correlatedAcrossNames);
    Routes.handle(r.post("/api/workflow/:name/correlated"), this::correlatedBatch);
    Routes.handle(r.get("/api/workflow/:name/correlated/:correlationId"), this::correlated);
    Routes.handle(r.get("/api/workflow/:workflowId/status"), this::status);
    Routes.handle(r.get("/api/workflow/:workflowId/tasks"), this::tasks);
    Routes.handle(r.put("/api/workflow/:workflowId/pause"),
        ctx -> engine.send(new Command.Pause(Requests.path(ctx, "workflowId"))).map(v -> Reply.ok()));
    Routes.handle(r.put("/api/workflow/:workflowId/resume"),
        ctx -> engine.send(new Command.Resume(Requests.path(ctx, "workflowId"))).map(v -> Reply.ok()));
    Routes.handle(r.delete("/api/workflow/:workflowId/remove"), this::remove);
    Routes.handle(r.post("/api/workflow/:workflowId/retry"), ctx -> engine.retry(
        Requests.path(ctx, "workflowId"), Requests.boolQuery(ctx, "resumeSubworkflowTasks", false)).map(v -> Reply.noContent()));
    Routes.handle(r.post("/api/workflow/:workflowId/restart"), ctx -> engine.restart(
        Requests.path(ctx, "workflowId"), Requests.boolQuery(ctx, "useLatestDefinitions", false)).map(v -> Reply.noContent()));
    Routes.handle(r.post("/api/workflow/:workflowId/rerun"), this::rerun);
    Routes.handle(r.post("/api/workflow/:workflowId/variables"), this::updateVariables);
    Routes.handle(r.post("/api/workflow/:workflowId/resetcallbacks"),
        ctx -> engine.send(new Command.ResetCallbacks(Requests.path(ctx, "workflowId"))).map(v -> Reply.noContent()));
    Routes.handle(r.put("/api/workflow/:workflowId/skiptask/:taskReferenceName"), this::skipTask);
    Routes.handle(r.delete("/api/workflow/:workflowId"), this::terminate);
  }

  private Future<Reply> start(RoutingContext ctx) {
    StartWorkflowRequest request = Requests.body(ctx, StartWorkflowRequest.class);
    return engine.startWorkflow(request).map(Reply::text);
  }

  /**
   * Starts the workflow and answers once it has ended, stopped at a WAIT/HUMAN task or at one of
   * the {@code waitUntilTaskRef} tasks, or {@code waitForSeconds} passed (then signalTimeout is
   * true): Conductor's synchronous execution, which the JavaScript SDK's executeWorkflow calls.
   */
  private Future<Reply> execute(RoutingContext ctx) {
    StartWorkflowRequest request = Requests.body(ctx, StartWorkflowRequest.class);
    request.name = Requests.path(ctx, "name");
    int version = Requests.intPath(ctx, "version");
    request.version = version > 0 ? version : null;
    String requestId = Requests.query(ctx, "requestId");
    Set<String> waitUntil = new HashSet<>();
    for (String ref : String.valueOf(Requests.query(ctx, "waitUntilTaskRef")).split(",")) {
      if (!ref.isBlank() && !ref.equals("null")) {
        waitUntil.add(ref.trim());
      }
    }
    int waitForSeconds = Requests.intQuery(ctx, "waitForSeconds", 10);
    if (waitForSeconds < 0) {
      throw ConductorException.badRequest("waitForSeconds must not be negative");
    }
    String strategy = SignalResponses.returnStrategy(ctx);
    long deadline = System.currentTimeMillis() + 1000L * (waitForSeconds == 0 ? 10 : Math.min(waitForSeconds, MAX_EXECUTE_WAIT_S));
    return engine.startWorkflow(request)
        .compose(id -> awaitStop(ctx, id, waitUntil, deadline, 2)
            .compose(timedOut -> signals.respond(id, strategy, timedOut,
                requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId)));
  }

  /** An execution waits at most this long, whatever it asks for: a request holds a connection. */
  private static final int MAX_EXECUTE_WAIT_S = 300;

  /**
   * Reads the workflow until it has ended or stopped where the caller waits for it; true when the
   * deadline came first. Reads start 2 ms apart and back off to 50 ms.
   */
  private Future<Boolean> awaitStop(RoutingContext ctx, String workflowId, Set<String> waitUntil, long deadline, long delayMs) {
    return store.getWorkflow(workflowId, true)
        .compose(wf -> wf == null || wf.status.isTerminal() || reached(wf, waitUntil)
            ? Future.succeededFuture(Boolean.TRUE) : signals.blockedTask(wf).map(blocked -> blocked != null))
        .compose(stopped -> {
          if (stopped) {
            return Future.succeededFuture(false);
          }
          if (System.currentTimeMillis() >= deadline || ctx.response().closed()) {
            return Future.succeededFuture(true);
          }
          Promise<Void> later = Promise.promise();
          ctx.vertx().setTimer(delayMs, id -> later.complete());
          return later.future().compose(v -> awaitStop(ctx, workflowId, waitUntil, deadline, Math.min(50, delayMs * 2)));
        });
  }

  /** A task of one of those references (a loop's iterations too) has been scheduled. */
  private static boolean reached(Workflow wf, Set<String> refs) {
    if (refs.isEmpty()) {
      return false;
    }
    for (Task t : wf.tasks) {
      String ref = t.referenceTaskName == null ? "" : t.referenceTaskName;
      int loop = ref.lastIndexOf("__");
      if (refs.contains(ref) || loop > 0 && refs.contains(ref.substring(0, loop))) {
        return true;
      }
    }
    return false;
  }

  /** SDK-only (not in Conductor OSS): merges the body into the workflow's variables, answers the workflow. */
  private Future<Reply> updateVariables(RoutingContext ctx) {
    String workflowId = Requests.path(ctx, "workflowId");
    Map<String, Object> variables = Requests.body(ctx, INPUT);
    return engine.send(new Command.UpdateVariables(workflowId, variables))
        .compose(v -> find(workflowId, false))
        .map(Reply::json);
  }

  private Future<Reply> startByName(RoutingContext ctx) {
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = Requests.path(ctx, "name");
    request.version = Requests.optionalIntQuery(ctx, "version");
    request.correlationId = Requests.query(ctx, "correlationId");
    request.priority = Requests.intQuery(ctx, "priority", 0);
    request.input = Requests.body(ctx, INPUT);
    return engine.startWorkflow(request).map(Reply::text);
  }

  private Future<Workflow> find(String workflowId, boolean includeTasks) {
    return store.getWorkflow(workflowId, includeTasks).map(wf -> {
      if (wf == null) {
        throw ConductorException.notFound("Workflow with id: " + workflowId + " not found.");
      }
      return wf;
    });
  }

  private Future<Reply> get(RoutingContext ctx) {
    String workflowId = Requests.path(ctx, "workflowId");
    if (!Requests.boolQuery(ctx, "includeTasks", true)) {
      return store.getWorkflowJson(workflowId).map(json -> {
        if (json == null) {
          throw ConductorException.notFound("Workflow with id: " + workflowId + " not found.");
        }
        return Reply.rawJson(json);
      });
    }
    return find(workflowId, true).map(Reply::json);
  }

  private Future<Reply> status(RoutingContext ctx) {
    boolean includeOutput = Requests.boolQuery(ctx, "includeOutput", false);
    boolean includeVariables = Requests.boolQuery(ctx, "includeVariables", false);
    return find(Requests.path(ctx, "workflowId"), false).map(wf -> Reply.json(new WorkflowStatusSummary(
        wf.workflowId, wf.correlationId, wf.status, includeOutput ? wf.output : null, includeVariables ? wf.variables : null)));
  }

  private Future<Reply> tasks(RoutingContext ctx) {
    int start = Requests.intQuery(ctx, "start", 0);
    int count = Requests.intQuery(ctx, "count", 15);
    List<String> statuses = Requests.queryList(ctx, "status");
    if (start < 0 || count < 0) {
      throw ConductorException.badRequest("start and count must not be negative");
    }
    return find(Requests.path(ctx, "workflowId"), true).map(wf -> {
      List<Task> matching = new ArrayList<>();
      for (Task t : wf.tasks) {
        if (statuses.isEmpty() || statuses.stream().anyMatch(s -> s.equalsIgnoreCase(t.status.name()))) {
          matching.add(t);
        }
      }
      int from = Math.min(start, matching.size());
      int to = (int) Math.min(matching.size(), (long) start + count); // start + count may pass Integer.MAX_VALUE
      List<Task> page = matching.subList(from, to);
      return Reply.json(new SearchResult<>(matching.size(), page));
    });
  }

  private Future<Reply> correlated(RoutingContext ctx) {
    return store.workflowsByCorrelationId(Requests.path(ctx, "name"), Requests.path(ctx, "correlationId"),
        Requests.boolQuery(ctx, "includeClosed", false), Requests.boolQuery(ctx, "includeTasks", false)).map(Reply::json);
  }

  private Future<Reply> correlatedBatch(RoutingContext ctx) {
    return correlated(List.of(Requests.path(ctx, "name")), Requests.body(ctx, IDS), ctx);
  }

  /** The SDKs' search over several workflow names at once (not in Conductor OSS; Orkes has it). */
  private Future<Reply> correlatedAcrossNames(RoutingContext ctx) {
    CorrelationIdsSearchRequest request = Requests.body(ctx, CorrelationIdsSearchRequest.class);
    if (request.correlationIds() == null || request.workflowNames() == null) {
      throw ConductorException.badRequest("correlationIds and workflowNames are required");
    }
    return correlated(request.workflowNames(), request.correlationIds(), ctx);
  }

  /** Correlation id → the workflows of those names with that id, oldest first. */
  private Future<Reply> correlated(List<String> names, List<String> correlationIds, RoutingContext ctx) {
    boolean includeClosed = Requests.boolQuery(ctx, "includeClosed", false);
    boolean includeTasks = Requests.boolQuery(ctx, "includeTasks", false);
    Map<String, List<Workflow>> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String id : correlationIds) {
      if (id == null) {
        continue;
      }
      List<Workflow> found = out.computeIfAbsent(id, k -> new ArrayList<>());
      for (String name : names) {
        if (name != null) {
          chain = chain.compose(v -> store.workflowsByCorrelationId(name, id, includeClosed, includeTasks).map(found::addAll).mapEmpty());
        }
      }
    }
    return chain.map(v -> {
      out.values().forEach(list -> list.sort(java.util.Comparator.comparingLong(w -> w.createTime)));
      return Reply.json(out);
    });
  }

  private record CorrelationIdsSearchRequest(List<String> correlationIds, List<String> workflowNames) {}

  /** Clauses and free text over task fields; the workflows owning a matching task come back. */
  private Future<SearchResult<Workflow>> searchByTasks(RoutingContext ctx) {
    return store.searchWorkflowsByTasks(Requests.searchQuery(ctx, Requests.query(ctx, "query")));
  }

  private Future<SearchResult<Workflow>> search(RoutingContext ctx) {
    String query = Requests.query(ctx, "query");
    if (Requests.boolQuery(ctx, "topLevelOnly", false)) {
      query = (query == null || query.isBlank() ? "" : query + " AND ") + "parentWorkflowId = \"\"";
    }
    return store.searchWorkflows(Requests.searchQuery(ctx, query));
  }

  private Future<Reply> running(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    int version = Requests.intQuery(ctx, "version", 1);
    long startTime = Requests.longQuery(ctx, "startTime", 0);
    long endTime = Requests.longQuery(ctx, "endTime", 0);
    Future<List<String>> ids = startTime != 0 && endTime != 0
        ? store.workflowIdsCreatedBetween(name, version, startTime, endTime)
        : store.runningWorkflowIds(name, version);
    return ids.map(Reply::json);
  }

  /** The engine's Decide quietly drops an unknown id (the sweeper relies on that); a caller gets a 404. */
  private Future<Reply> decide(RoutingContext ctx) {
    String workflowId = Requests.path(ctx, "workflowId");
    return find(workflowId, false)
        .compose(wf -> engine.send(new Command.Decide(workflowId, false)))
        .map(v -> Reply.ok());
  }

  private Future<Reply> terminate(RoutingContext ctx) {
    return engine.send(new Command.Terminate(Requests.path(ctx, "workflowId"), Requests.query(ctx, "reason")))
        .map(v -> Reply.ok());
  }

  private Future<Reply> rerun(RoutingContext ctx) {
    String workflowId = Requests.path(ctx, "workflowId");
    RerunWorkflowRequest request = Requests.optionalBody(ctx, RerunWorkflowRequest.class);
    return engine.rerun(workflowId, request == null ? new RerunWorkflowRequest() : request).map(v -> Reply.text(workflowId));
  }

  /** The Java SDK sends a JSON body; Conductor also binds query parameters: accept both. */
  private Future<Reply> skipTask(RoutingContext ctx) {
    SkipTaskRequest request = Requests.optionalBody(ctx, SkipTaskRequest.class);
    if (request == null) {
      request = new SkipTaskRequest();
    }
    return engine.send(new Command.SkipTask(Requests.path(ctx, "workflowId"), Requests.path(ctx, "taskReferenceName"),
        request.taskInput, request.taskOutput)).map(v -> Reply.ok());
  }

  private Future<Reply> remove(RoutingContext ctx) {
    Requests.boolQuery(ctx, "archiveWorkflow", true);
    return engine.send(new Command.Remove(Requests.path(ctx, "workflowId"))).map(v -> Reply.ok());
  }
}
