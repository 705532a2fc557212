package io.conductorvx.api;

import io.conductorvx.health.BackendHealth;
import io.conductorvx.health.HealthMonitor;
import io.conductorvx.health.HealthReport;
import io.conductorvx.model.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health: {@code /health}, {@code /api/health} (Conductor's) and {@code /actuator/health} check
 * every backend and answer Conductor's body ({@code healthy}, {@code healthResults},
 * {@code suppressedHealthResults}) plus {@code status}, with one entry per backend: up or down,
 * since when, the error when down. 503 when a backend the server needs is down. Backends the
 * server can serve without (event brokers) are listed in {@code suppressedHealthResults}: their
 * state does not count toward the answer. For Kubernetes, readiness ({@code /health/readiness},
 * {@code /actuator/health/readiness}) is the same check, and liveness ({@code /health/liveness},
 * {@code /actuator/health/liveness}) only says the server answers: a restart does not bring a
 * database back.
 */
final class HealthResource {
  private static final Map<String, Object> LIVE = Map.of("status", "UP");

  private final HealthMonitor health;

  HealthResource(HealthMonitor health) {
    this.health = health;
  }

  void mount(Router r) {
    Routes.handle(r.get("/health"), this::report);
    Routes.handle(r.get("/api/health"), this::report);
    Routes.handle(r.get("/actuator/health"), this::report);
    Routes.handle(r.get("/health/readiness"), this::report);
    Routes.handle(r.get("/actuator/health/readiness"), this::report);
    Routes.handle(r.get("/health/liveness"), ctx -> Future.succeededFuture(Reply.json(LIVE)));
    Routes.handle(r.get("/actuator/health/liveness"), ctx -> Future.succeededFuture(Reply.json(LIVE)));
  }

  private Future<Reply> report(RoutingContext ctx) {
    return health.check().map(report -> {
      boolean up = report.up();
      List<Map<String, Object>> required = new ArrayList<>();
      List<Map<String, Object>> optional = new ArrayList<>();
      for (BackendHealth b : report.backends()) {
        (b.required() ? required : optional).add(entry(b, report.checkedAtMillis()));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("healthy", up);
      body.put("status", up ? "UP" : "DOWN");
      body.put("healthResults", required);
      body.put("suppressedHealthResults", optional);
      if (!up) {
        body.put("down", report.down());
      }
      return new Reply(up ? 200 : 503, Reply.JSON, Buffer.buffer(Json.toBytes(body)));
    });
  }

  private static Map<String, Object> entry(BackendHealth b, long now) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", b.name());
    e.put("healthy", b.up());
    e.put("status", b.up() ? "UP" : "DOWN");
    e.put("required", b.required());
    e.put("since", Instant.ofEpochMilli(b.sinceMillis()).toString());
    e.put("forMs", Math.max(0, now - b.sinceMillis()));
    e.put("checkedAt", Instant.ofEpochMilli(b.checkedAtMillis()).toString());
    if (b.error() != null) {
      e.put("errorMessage", b.error());
    }
    if (b.details() != null && !b.details().isEmpty()) {
      e.put("details", b.details());
    }
    return e;
  }
}
