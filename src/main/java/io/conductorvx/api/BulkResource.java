package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.BulkResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** /api/workflow/bulk: one operation over many workflows; each id succeeds or fails on its own. */
final class BulkResource {
  private static final TypeReference<List<String>> IDS = new TypeReference<>() {};
  private static final int MAX_IDS = 1000;

  private final WorkflowEngine engine;

  BulkResource(WorkflowEngine engine) {
    this.engine = engine;
  }

  void mount(Router r) {
    Routes.handle(r.put("/api/workflow/bulk/pause"), ctx -> each(ctx, id -> engine.send(new Command.Pause(id))));
    Routes.handle(r.put("/api/workflow/bulk/resume"), ctx -> each(ctx, id -> engine.send(new Command.Resume(id))));
    Routes.handle(r.post("/api/workflow/bulk/restart"), ctx -> {
      boolean latest = Requests.boolQuery(ctx, "useLatestDefinitions", false);
      return each(ctx, id -> engine.restart(id, latest));
    });
    Routes.handle(r.post("/api/workflow/bulk/retry"), ctx -> each(ctx, id -> engine.send(new Command.Retry(id))));
    Routes.handle(r.post("/api/workflow/bulk/terminate"), ctx -> {
      String reason = Requests.query(ctx, "reason");
      return each(ctx, id -> engine.send(new Command.Terminate(id, reason)));
    });
    Routes.handle(r.delete("/api/workflow/bulk/remove"), ctx -> each(ctx, id -> engine.send(new Command.Remove(id))));
  }

  private Future<Reply> each(RoutingContext ctx, Function<String, Future<?>> operation) {
    return each(ctx, "workflows", operation);
  }

  /**
   * A bulk request: the body lists names (at most {@value #MAX_IDS}); each succeeds or fails on its
   * own, and the answer is Conductor's BulkResponse. Shared by the other bulk routes (schedules).
   */
  static Future<Reply> each(RoutingContext ctx, String what, Function<String, Future<?>> operation) {
    List<String> ids = Requests.body(ctx, IDS);
    if (ids.size() > MAX_IDS) {
      throw ConductorException.badRequest("Cannot process more than " + MAX_IDS + " " + what + ". Please use multiple requests.");
    }
    BulkResponse response = new BulkResponse();
    List<Future<?>> all = new ArrayList<>();
    for (String id : ids) {
      if (id == null || id.isBlank()) {
        continue;
      }
      all.add(operation.apply(id)
          .onSuccess(ok -> response.bulkSuccessfulResults().add(id))
          .onFailure(err -> response.bulkErrorResults().put(id, err.getMessage())));
    }
    return Future.join(all).transform(ignored -> Future.succeededFuture(Reply.json(response)));
  }
}
