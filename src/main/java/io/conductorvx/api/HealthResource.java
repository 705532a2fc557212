package io.conductorvx.api;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;

/** /health and /api/health: answers 200 while the server serves requests. */
final class HealthResource {
  private static final Map<String, Object> HEALTHY =
      Map.of("healthResults", List.of(), "suppressedHealthResults", List.of(), "healthy", true);

  void mount(Router r) {
    Routes.handle(r.get("/health"), ctx -> Future.succeededFuture(Reply.json(HEALTHY)));
    Routes.handle(r.get("/api/health"), ctx -> Future.succeededFuture(Reply.json(HEALTHY)));
  }
}
