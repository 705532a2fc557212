package io.conductorvx;

import io.conductorvx.api.HttpApiVerticle;
import io.conductorvx.cluster.ClusterNode;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.DeciderVerticle;
import io.conductorvx.engine.LocalCodec;
import io.conductorvx.engine.ParameterResolver;
import io.conductorvx.engine.ResolutionContext;
import io.conductorvx.model.Json;
import io.conductorvx.model.Workflow;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.events.EventProcessorVerticle;
import io.conductorvx.health.HealthMonitor;
import io.conductorvx.metrics.ServerMetrics;
import io.conductorvx.listeners.StatusListenerVerticle;
import io.conductorvx.messages.MessageCleanupVerticle;
import io.conductorvx.queue.ActiveWorkers;
import io.conductorvx.retention.RetentionTarget;
import io.conductorvx.retention.RetentionVerticle;
import io.conductorvx.scheduler.ScheduleOwnership;
import io.conductorvx.scheduler.Scheduler;
import io.conductorvx.scheduler.SchedulerVerticle;
import io.conductorvx.sweeper.SweeperVerticle;
import io.conductorvx.tasks.TaskTypes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running server: its backends and verticles on a Vert.x instance. Tests start one on port 0
 * and read the bound port from {@link #port()}.
 */
public final class ConductorServer {
  private final Vertx vertx;
  private final ServerConfig config;
  private final Backends backends;
  private final List<String> deployments;
  private final RetentionVerticle retention;
  private final WorkflowEngine engine;
  private final int port;
  private final Scheduler scheduler;
  private final ServerMetrics metrics;
  private final HealthMonitor health;
  private final List<HttpApiVerticle> http = new ArrayList<>();

  private ConductorServer(Vertx vertx, ServerConfig config, Backends backends, List<String> deployments, int port,
      Scheduler scheduler, RetentionVerticle retention, WorkflowEngine engine, ServerMetrics metrics, HealthMonitor health) {
    this.engine = engine;
    this.vertx = vertx;
    this.config = config;
    this.backends = backends;
    this.deployments = deployments;
    this.retention = retention;
    this.port = port;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.health = health;
  }

  /**
   * Connects the backends and deploys every verticle; fails if a backend cannot be reached. Vert.x's
   * own meters are scraped too when {@code vertx} was built by
   * {@link io.conductorvx.metrics.MetricsVertx} (Main does).
   */
  public static Future<ConductorServer> start(Vertx vertx, ServerConfig config) {
    return start(vertx, config, Clock.systemUTC());
  }

  /**
   * As {@link #start(Vertx, ServerConfig)}, with the clock the scheduler and the retention loop's
   * periodic rounds read (tests move it): a scheduler test's runs, recorded at its clock's time,
   * are trimmed by that time, not the machine's.
   */
  public static Future<ConductorServer> start(Vertx vertx, ServerConfig config, Clock schedulerClock) {
    startWarmUp();
    try {
      vertx.eventBus().registerCodec(new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another server in this Vert.x registered it: same codec, nothing to do
    }
    if (config.cluster() && !"postgres".equals(config.store())) {
      return Future.failedFuture(new IllegalArgumentException("cluster=true needs store=postgres: the instances share"
          + " their workflows and partition leases through PostgreSQL (the memory store is one instance)"));
    }
    ServerMetrics metrics = ServerMetrics.create(vertx, config);
    return Backends.create(vertx, config).compose(connected -> {
      Backends backends = metrics.instrument(connected, config);
      WorkflowEngine engine = new WorkflowEngine(vertx, config, backends, new TaskTypes(), new ActiveWorkers(), metrics.engine());
      HealthMonitor health = new HealthMonitor(vertx, backends.healthChecks(), config.healthCheckIntervalMs(),
          config.healthCheckTimeoutMs(), System.currentTimeMillis());
      metrics.observe(health);
      // In a cluster the owner of partition(hash(workflow id)) runs each workflow and the owner of
      // partition(hash(schedule name)) fires each schedule; alone, everything is here.
      ClusterNode cluster = config.cluster() ? new ClusterNode(engine, config) : null;
      if (cluster != null) {
        engine.useOwnership(cluster, config.clusterPartitions());
        metrics.observe(cluster);
      }
      Scheduler scheduler = new Scheduler(vertx, engine, backends.schedules(), schedulerClock,
          cluster == null ? ScheduleOwnership.EVERY_SCHEDULE : cluster::ownsSchedule);
      List<String> deployments = new ArrayList<>();
      List<HttpApiVerticle> http = new ArrayList<>();
      AtomicInteger nextPartition = new AtomicInteger();
      // Histories other than workflow executions that retention trims with the default window.
      RetentionVerticle retention = new RetentionVerticle(engine, List.of(
          RetentionTarget.of("scheduler executions", backends.schedules()::removeExecutionsOlderThan),
          RetentionTarget.of("event executions",
              cutoff -> backends.eventExecutions().removeCreatedBefore(cutoff).map(Long::intValue))), schedulerClock)
          .onRound(metrics.retention()::removed);
      return engine.taskDefs().load(backends.metadata()).compose(loaded -> vertx.deployVerticle(() -> new DeciderVerticle(nextPartition.getAndIncrement(), engine),
              new DeploymentOptions().setInstances(config.deciderPartitions())))
          .compose(id -> {
            deployments.add(id);
            // leases before anything sends commands; stopped (handing over) before the deciders stop
            return cluster == null ? Future.succeededFuture("") : vertx.deployVerticle(cluster).onSuccess(deployments::add);
          })
          .compose(id -> {
            // before the sweeper wakes workflows whose EVENT tasks may publish
            return vertx.deployVerticle(new EventProcessorVerticle(engine));
          })
          .compose(id -> {
            deployments.add(id);
            return vertx.deployVerticle(new MessageCleanupVerticle(engine.messages(), engine.statusChannels()));
          })
          .compose(id -> {
            deployments.add(id);
            // status listeners hear the deciders' committed changes; deployed only when configured
            return StatusListenerVerticle.configured(config)
                ? vertx.deployVerticle(new StatusListenerVerticle(engine)).onSuccess(deployments::add)
                : Future.succeededFuture("");
          })
          .compose(id -> vertx.deployVerticle(new SweeperVerticle(engine)))
          .compose(id -> {
            deployments.add(id);
            return vertx.deployVerticle(retention);
          })
          .compose(id -> {
            deployments.add(id);
            return config.schedulerEnabled()
                ? vertx.deployVerticle(new SchedulerVerticle(scheduler, config.schedulerPollIntervalMs())).map(deployments::add)
                : Future.succeededFuture();
          })
          .compose(v -> deployHttp(vertx, engine, scheduler, config, metrics, health, deployments, http))
          .map(port -> new ConductorServer(vertx, config, backends, deployments, port, scheduler, retention, engine, metrics, health))
          .map(server -> {
            server.http.addAll(http);
            return server;
          })
          .recover(err -> undeployAll(vertx, deployments).eventually(backends::close)
              .eventually(() -> closeObservers(metrics, health))
              .transform(ignored -> Future.failedFuture(err)));
    });
  }

  private static Future<Void> closeObservers(ServerMetrics metrics, HealthMonitor health) {
    health.close();
    metrics.close();
    return Future.succeededFuture();
  }

  /**
   * Loads and initializes the heavy classes (JSON mapping, JSONPath) on a thread of their own, so
   * the first request or decision does not pay for them on an event loop. Main starts it first: it
   * runs while Vert.x, the backends and the verticles start on the other core; a request that needs
   * these classes before the warm-up is done waits for their initialization.
   */
  public static synchronized void startWarmUp() {
    if (warmUpStarted) {
      return;
    }
    warmUpStarted = true;
    Thread warmUp = new Thread(ConductorServer::warmUp, "conductor-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
  }

  private static boolean warmUpStarted;

  private static void warmUp() {
    Workflow probe = new Workflow();
    probe.workflowDefinition = new io.conductorvx.model.WorkflowDef();
    Json.fromBytes(Json.toBytes(probe), Workflow.class);
    new ParameterResolver().resolveValue("${workflow.input.x}", ResolutionContext.of(probe, ref -> null), null);
  }

  /**
   * Every HTTP verticle listens on the same port. Port 0 means any free port: Vert.x shares a random
   * port among servers that ask for the same negative port, so all instances ask for -1.
   */
  private static Future<Integer> deployHttp(Vertx vertx, WorkflowEngine engine, Scheduler scheduler, ServerConfig config,
      ServerMetrics metrics, HealthMonitor health, List<String> deployments, List<HttpApiVerticle> instances) {
    int port = config.port() == 0 ? -1 : config.port();
    return vertx.deployVerticle(() -> {
          HttpApiVerticle v = new HttpApiVerticle(engine, port, scheduler, metrics, health);
          instances.add(v);
          return v;
        }, new DeploymentOptions().setInstances(config.httpInstances()))
        .map(id -> {
          deployments.add(id);
          return instances.get(0).actualPort();
        });
  }

  private static Future<Void> undeployAll(Vertx vertx, List<String> deployments) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      undeployed.add(vertx.undeploy(deployments.get(i)));
    }
    return Future.join(undeployed).mapEmpty();
  }

  public int port() {
    return port;
  }

  /** The HTTP routes (every HTTP verticle mounts the same ones), for the API document's route test. */
  public List<io.vertx.ext.web.Route> httpRoutes() {
    return http.get(0).routes();
  }

  public ServerConfig config() {
    return config;
  }

  public Backends backends() {
    return backends;
  }

  /** The way in to workflows (commands to their owners), for tests that act as an internal component would. */
  public WorkflowEngine engine() {
    return engine;
  }

  /** The retention loop: tests run a round at a chosen time with {@code retention().runRound(now)}. */
  public RetentionVerticle retention() {
    return retention;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  public HealthMonitor health() {
    return health;
  }

  /** Undeploys this server's verticles and closes its backends; the Vert.x instance stays. */
  public Future<Void> stop() {
    return undeployAll(vertx, deployments).eventually(backends::close).eventually(() -> closeObservers(metrics, health));
  }
}
