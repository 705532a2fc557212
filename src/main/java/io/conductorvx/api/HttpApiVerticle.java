package io.conductorvx.api;

import io.conductorvx.admin.AdminOperations;
import io.conductorvx.dashboard.Dashboard;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.health.HealthMonitor;
import io.conductorvx.live.LiveEndpoint;
import io.conductorvx.metrics.ServerMetrics;
import io.conductorvx.openapi.ApiDocsResource;
import io.conductorvx.openapi.ApiDocument;
import io.conductorvx.openapi.RequestValidation;
import io.conductorvx.events.EventProcessorVerticle;
import io.conductorvx.queue.TaskPoller;
import io.conductorvx.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Conductor's REST API on one event loop. Several instances share the port; each has its own task
 * poller so parked long polls stay on the loop that owns their connection.
 */
public final class HttpApiVerticle extends VerticleBase {
  private final WorkflowEngine engine;
  private final int port;
  private final Scheduler scheduler;
  private final ServerMetrics metrics;
  private final HealthMonitor health;
  private HttpServer server;
  private TaskPoller poller;
  private Router router;
  private LiveEndpoint live;

  public HttpApiVerticle(WorkflowEngine engine, int port, Scheduler scheduler, ServerMetrics metrics, HealthMonitor health) {
    this.engine = engine;
    this.port = port;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    return ApiDocument.load(vertx).compose(document -> (engine.config().apiValidation()
            ? RequestValidation.create(vertx, document)
            : Future.<RequestValidation>succeededFuture(null))
        .compose(validation -> serve(document, validation)));
  }

  private Future<HttpServer> serve(ApiDocument document, RequestValidation validation) {
    poller = new TaskPoller(vertx, engine, metrics.polls());
    router = Router.router(vertx);
    live = new LiveEndpoint(vertx, engine, metrics.liveFeed());
    live.mount(router); // before the BodyHandler: a WebSocket upgrade needs the request untouched
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(engine.config().maxBodyBytes()));
    if (validation != null) {
      router.route("/api/*").handler(validation); // checks against the OpenAPI document, before any resource
    }
    new ApiDocsResource(document).mount(router);
    new HealthResource(health).mount(router);
    if (metrics.enabled()) {
      new MetricsResource(metrics).mount(router);
    }
    // Vert.x tries routes in order, matching a regular expression for each one with path
    // parameters: the workers' routes (poll, update) come first, then the workflow routes (start,
    // get); bulk stays before workflow, whose /:workflowId/pause would take /bulk/pause.
    AdminOperations admin = new AdminOperations(engine);
    new TaskResource(engine, poller, admin).mount(router);
    new BulkResource(engine).mount(router);
    new WorkflowResource(engine).mount(router);
    new MetadataResource(vertx, engine.backends().metadata(), engine.taskDefs(), engine.definitions()).mount(router);
    new EventExecutionResource(engine.backends().eventHandlers(), engine.backends().eventExecutions()).mount(router);
    new EventResource(engine.backends().eventHandlers(),
        () -> vertx.eventBus().publish(engine.address(EventProcessorVerticle.HANDLERS_CHANGED), null)).mount(router);
    new QueueResource(engine.backends().eventQueues()).mount(router);
    new WorkflowMessageResource(engine).mount(router);
    new AdminResource(admin).mount(router);
    new EnvironmentResource(engine.environment(), engine.secrets()).mount(router);
    new VersionResource().mount(router);
    new SchedulerResource(scheduler).mount(router);
    new WaitingResource(engine).mount(router);
    router.route().failureHandler(ctx -> {
      ApiErrors.handle(ctx);
      metrics.serverError(ctx.response().getStatusCode());
    });
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      Handler<RoutingContext> answer = ApiErrors.forStatus(status);
      router.errorHandler(status, ctx -> {
        answer.handle(ctx);
        metrics.serverError(ctx.response().getStatusCode());
      });
    }
    server = vertx.createHttpServer(LiveEndpoint.configure(new HttpServerOptions().setPort(port).setCompressionSupported(true),
        engine.config()));
    // the dashboard is the last route: every API route and an unknown /api path answer first
    return live.start()
        .compose(v -> new Dashboard(vertx).load())
        .onSuccess(dashboard -> dashboard.mount(router))
        .compose(d -> server.requestHandler(request -> {
          if (!live.upgradeBeforeRouting(request)) {
            router.handle(request);
          }
        }).listen());
  }

  /** The routes this verticle serves. */
  public java.util.List<io.vertx.ext.web.Route> routes() {
    return router.getRoutes();
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return live == null ? Future.succeededFuture() : live.stop().eventually(poller::close);
  }
}
