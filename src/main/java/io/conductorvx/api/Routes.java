package io.conductorvx.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Binds a route to a handler that answers with a future {@link Reply}. */
final class Routes {
  private Routes() {}

  static void handle(Route route, Function<RoutingContext, Future<Reply>> handler) {
    route.handler(ctx -> {
      Future<Reply> reply;
      try {
        reply = handler.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      reply.onSuccess(r -> write(ctx, r)).onFailure(ctx::fail);
    });
  }

  private static void write(RoutingContext ctx, Reply reply) {
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response.setStatusCode(reply.status());
    if (reply.body() == null) {
      response.end();
      return;
    }
    uncompressed(response).putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType()).end(reply.body());
  }

  /**
   * Marks an API answer to go uncompressed even when the client accepts gzip (the SDKs' HTTP
   * clients all do): compressing every poll and workflow answer cost a quarter to a half more
   * server CPU per workflow (benchmarks/README.md), and Conductor does not compress its API either.
   * Vert.x drops the header from the answer; the dashboard's files keep their compression.
   */
  static HttpServerResponse uncompressed(HttpServerResponse response) {
    return response.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
  }
}
