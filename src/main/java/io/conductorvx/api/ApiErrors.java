package io.conductorvx.api;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place where failures become HTTP answers, in Conductor's error body. */
final class ApiErrors {
  private static final Logger LOG = Logger.getLogger(ApiErrors.class.getName());
  private static final String INSTANCE = instanceName();

  private ApiErrors() {}

  static void handle(RoutingContext ctx) {
    respond(ctx, toConductor(ctx.failure(), ctx.statusCode(), ctx));
  }

  /**
   * The router's handler for one error status. The router may call it before routing (a path or
   * query it cannot decode) with neither the status nor a failure set on the context.
   */
  static Handler<RoutingContext> forStatus(int status) {
    return ctx -> respond(ctx, toConductor(ctx.failure(), ctx.statusCode() > 0 ? ctx.statusCode() : status, ctx));
  }

  private static void respond(RoutingContext ctx, ConductorException error) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", error.status());
    body.put("message", error.getMessage());
    body.put("instance", INSTANCE);
    body.put("retryable", error.retryable());
    if (!error.validationErrors().isEmpty()) {
      List<Map<String, Object>> items = new ArrayList<>();
      for (ConductorException.Violation v : error.validationErrors()) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("path", v.path());
        item.put("message", v.message());
        items.add(item);
      }
      body.put("validationErrors", items);
    }
    Routes.uncompressed(ctx.response())
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(io.vertx.core.buffer.Buffer.buffer(Json.toBytes(body)));
  }

  private static ConductorException toConductor(Throwable failure, int status, RoutingContext ctx) {
    if (failure instanceof ConductorException ce) {
      return ce;
    }
    if (failure instanceof DecodeException || failure instanceof IllegalArgumentException) {
      return ConductorException.badRequest(failure.getMessage());
    }
    if (failure instanceof HttpException he && he.getStatusCode() < 500) {
      // Vert.x Web found the request at fault, e.g. a query string it cannot decode
      String detail = he.getPayload() != null ? he.getPayload() : he.getMessage();
      return new ConductorException(he.getStatusCode(), detail != null ? detail : "Bad request", false);
    }
    if (failure == null || (status >= 400 && status < 500)) {
      return switch (status) {
        case 400 -> ConductorException.badRequest(failure != null && failure.getMessage() != null ? failure.getMessage() : "Bad request");
        case 404 -> ConductorException.notFound("No resource at " + ctx.request().method() + " " + ctx.request().path());
        case 405 -> new ConductorException(405, "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path(), false);
        case 413 -> new ConductorException(413, "Request body is too large", false);
        case 415 -> new ConductorException(415, "Unsupported media type", false);
        default -> new ConductorException(status > 0 ? status : 500, "Request failed", false);
      };
    }
    LOG.log(Level.SEVERE, "Unexpected failure on " + ctx.request().method() + " " + ctx.request().path(), failure);
    return new ConductorException(500, "Internal error: " + failure, false);
  }

  private static String instanceName() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? "conductor-vx" : host;
  }
}
