package io.conductorvx.api;

import io.vertx.core.Future;
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
    response.putHeader("Content-Type", reply.contentType()).end(reply.body());
  }
}
