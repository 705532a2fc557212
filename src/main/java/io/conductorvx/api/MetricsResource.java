package io.conductorvx.api;

import io.conductorvx.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Prometheus scrapes: {@code /metrics} and Conductor's {@code /actuator/prometheus}, in the
 * Prometheus text format (OpenMetrics when the scraper asks for it). Mounted only with metrics on.
 */
final class MetricsResource {
  private final ServerMetrics metrics;

  MetricsResource(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  void mount(Router r) {
    Routes.handle(r.get("/metrics"), this::scrape);
    Routes.handle(r.get("/actuator/prometheus"), this::scrape);
  }

  private Future<Reply> scrape(RoutingContext ctx) {
    return metrics.scrape(ctx.vertx(), ctx.request().getHeader("Accept"))
        .map(s -> new Reply(200, s.contentType(), s.body()));
  }
}
