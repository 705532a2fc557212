package io.conductorvx.cluster;

import io.conductorvx.engine.Command;
import io.conductorvx.engine.Ownership;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The members' internal endpoint: {@code POST /cluster/command} runs a forwarded command on this
 * instance's decider and answers its result, or 421 when this instance does not own the command's
 * partition (any more), upon which the sender asks the lease table again; {@code POST
 * /cluster/live} takes live-feed messages an owner relays ({@link LiveRelay}). It is a port of its own,
 * not the public API's: keep it on the members' private network.
 */
final class ClusterEndpoint extends VerticleBase {
  static final String PATH = "/cluster/command";

  private final WorkflowEngine engine;
  private final ClusterNode node;
  private final int port;
  private HttpServer server;

  ClusterEndpoint(WorkflowEngine engine, ClusterNode node, int port) {
    this.engine = engine;
    this.node = node;
    this.port = port;
  }

  int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(this::handle);
    return server.listen(port);
  }

  private void handle(HttpServerRequest req) {
    if (req.method() == io.vertx.core.http.HttpMethod.POST && LiveRelay.PATH.equals(req.path())) {
      relayed(req);
      return;
    }
    if (req.method() != io.vertx.core.http.HttpMethod.POST || !PATH.equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body().compose(body -> {
      Command command;
      try {
        command = CommandCodec.decode(body);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(ConductorException.badRequest(e.getMessage()));
      }
      return engine.sendHere(command);
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        req.response().putHeader("content-type", "application/json").end(CommandCodec.encodeReply(ar.result()));
        return;
      }
      Throwable err = ar.cause();
      int status = err instanceof ConductorException ce ? ce.status() : 500;
      JsonObject answer = new JsonObject().put("message", err.getMessage() == null ? err.toString() : err.getMessage())
          .put("notOwner", status == Ownership.NOT_OWNER);
      if (err instanceof ConductorException ce && !ce.validationErrors().isEmpty()) {
        // the per-field list travels too: the member that took the request answers as the owner would
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        ce.validationErrors().forEach(v -> list.add(new JsonObject().put("path", v.path()).put("message", v.message())));
        answer.put("validationErrors", list);
      }
      req.response().setStatusCode(status).putHeader("content-type", "application/json").end(answer.toBuffer());
    });
  }

  /** Live-feed messages relayed by an owner: into this member's feed, then the answer (the next batch waits for it). */
  private void relayed(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      if (ar.failed()) {
        req.response().setStatusCode(400).end();
        return;
      }
      try {
        LiveRelay.receive(vertx.eventBus(), engine, node, ar.result());
        req.response().setStatusCode(204).end();
      } catch (IllegalArgumentException e) {
        req.response().setStatusCode(400).end(e.getMessage());
      }
    });
  }

  /** The owner's error answer as the error it was there (status, message, per-field violations). */
  static ConductorException error(int status, Buffer body) {
    JsonObject answer;
    try {
      answer = new JsonObject(body);
    } catch (RuntimeException e) {
      return new ConductorException(status, body.toString(), status == 503);
    }
    io.vertx.core.json.JsonArray list = answer.getJsonArray("validationErrors");
    if (status == 400 && list != null && !list.isEmpty()) {
      List<ConductorException.Violation> violations = new ArrayList<>();
      for (Object o : list) {
        JsonObject v = (JsonObject) o;
        violations.add(new ConductorException.Violation(v.getString("path", ""), v.getString("message", "")));
      }
      return ConductorException.violations(violations);
    }
    return new ConductorException(status, answer.getString("message", ""), status == 503);
  }
}
