package io.conductorvx.api;

import io.conductorvx.config.BuildInfo;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/** GET /api/version: the server's version, as text (Conductor's VersionResource). */
final class VersionResource {
  void mount(Router r) {
    Routes.handle(r.get("/api/version"), ctx -> Future.succeededFuture(Reply.text(BuildInfo.current().version())));
  }
}
