package io.conductorvx.api;

import io.conductorvx.admin.AdminOperations;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/** /api/admin: Conductor's AdminResource (settings, pending tasks of a type, queue repairs, event queues). */
final class AdminResource {
  private final AdminOperations admin;

  AdminResource(AdminOperations admin) {
    this.admin = admin;
  }

  void mount(Router r) {
    // members, partitions per member, epochs (cluster mode; {"enabled": false} alone)
    Routes.handle(r.get("/api/admin/cluster"), ctx -> admin.cluster().map(Reply::rawJson));
    Routes.handle(r.get("/api/admin/config"), ctx -> Future.succeededFuture(Reply.json(admin.config())));
    Routes.handle(r.get("/api/admin/task/:tasktype"), ctx -> admin.pendingTasks(Requests.path(ctx, "tasktype"),
        Requests.intQuery(ctx, "start", 0), Requests.intQuery(ctx, "count", 100)).map(Reply::json));
    Routes.handle(r.post("/api/admin/sweep/requeue/:workflowId"), ctx ->
        admin.requeueSweep(Requests.path(ctx, "workflowId")).map(Reply::text));
    Routes.handle(r.post("/api/admin/consistency/verifyAndRepair/:workflowId"), ctx ->
        admin.verifyAndRepair(Requests.path(ctx, "workflowId")).map(repaired -> Reply.text(String.valueOf(repaired))));
    Routes.handle(r.get("/api/admin/queues"), ctx ->
        admin.eventQueues(Requests.boolQuery(ctx, "verbose", false)).map(Reply::json));
  }
}
