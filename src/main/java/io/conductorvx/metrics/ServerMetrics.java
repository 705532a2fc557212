package io.conductorvx.metrics;

import io.conductorvx.Backends;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.EngineObserver;
import io.conductorvx.health.BackendHealth;
import io.conductorvx.health.HealthMonitor;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.queue.PollObserver;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.scheduler.ScheduleStore;
import io.conductorvx.store.EventExecutionStore;
import io.conductorvx.store.EventHandlerStore;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.MetadataStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server's metrics: the registry (the one its Vert.x reports to, or one of its own when the
 * Vert.x was built without metrics), the observers the engine, the pollers and the stores report
 * to, and the scrape. {@link #DISABLED} when the {@code metrics} setting is off: every observer is
 * a no-op and nothing is measured.
 */
public final class ServerMetrics {
  /** Metrics off: no registry, nothing observed, no /metrics. */
  public static final ServerMetrics DISABLED = new ServerMetrics(null, false, 1);

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** How long a scrape waits for the queue depths before answering with the previous values. */
  private static final long REFRESH_TIMEOUT_MS = 2000;

  private final PrometheusMeterRegistry registry;
  private final boolean ownsRegistry;
  private final Meters meters;
  private final EngineObserver engine;
  private final PollMetrics polls;
  private final LiveFeedMetrics liveFeed;
  private final RetentionMetrics retention;
  private final Map<Integer, Counter> serverErrors = new ConcurrentHashMap<>();
  private volatile QueueDepthGauges queueDepths;
  private JvmGcMetrics jvmGc;

  private ServerMetrics(PrometheusMeterRegistry registry, boolean ownsRegistry, int partitions) {
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    if (registry == null) {
      meters = null;
      engine = EngineObserver.NONE;
      polls = null;
      liveFeed = LiveFeedMetrics.NONE;
      retention = RetentionMetrics.NONE;
    } else {
      meters = new Meters(registry);
      CommandMetrics commands = new CommandMetrics(meters, partitions);
      StatusMetrics status = new StatusMetrics(meters);
      engine = new EngineObserver() {
        @Override
        public void answered(int partition, Command command, Object reply, Throwable failure, long nanos) {
          commands.answered(partition, command, reply, failure, nanos);
        }

        @Override
        public void committed(Workflow workflow, boolean workflowStatusChanged, List<Task> statusChanges) {
          status.committed(workflow, workflowStatusChanged, statusChanges);
        }
      };
      polls = new PollMetrics(meters);
      liveFeed = LiveFeedMetrics.create(meters);
      retention = RetentionMetrics.create(meters);
    }
  }

  /**
   * The metrics of a server on {@code vertx}: joined to the registry of a Vert.x built by
   * {@link MetricsVertx} (so Vert.x's own meters are scraped too), else a registry of their own.
   */
  public static ServerMetrics create(Vertx vertx, ServerConfig config) {
    if (!config.metrics()) {
      return DISABLED;
    }
    PrometheusMeterRegistry shared = MetricsVertx.registryOf(vertx);
    if (shared != null) {
      return new ServerMetrics(shared, false, config.deciderPartitions());
    }
    ServerMetrics own = new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true, config.deciderPartitions());
    own.bindJvmMetrics();
    return own;
  }

  /** The JVM's meters, which Vert.x adds to a registry it reports to, for a registry of our own. */
  private void bindJvmMetrics() {
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    jvmGc = gc;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public boolean enabled() {
    return registry != null;
  }

  /** Sees every command sent to the decider partitions and every commit. */
  public EngineObserver engine() {
    return engine;
  }

  /** Sees every task poll. */
  public PollObserver polls() {
    return polls == null ? PollObserver.NONE : polls;
  }

  /** For the live feed: its connections, subscriptions and dropped events. */
  public LiveFeedMetrics liveFeed() {
    return liveFeed;
  }

  /** For retention: what it removed. */
  public RetentionMetrics retention() {
    return retention;
  }

  /**
   * The same backends with every store and queue operation timed:
   * {@code conductorvx_store_seconds{store, backend, operation, outcome}} and
   * {@code conductorvx_queue_seconds{backend, operation, outcome}}. In-memory backends are left
   * alone: an operation on a map in this process is no operational signal, and timing it would cost
   * about as much as the operation.
   */
  public Backends instrument(Backends backends, ServerConfig config) {
    if (!enabled()) {
      return backends;
    }
    String store = config.store();
    boolean timeStores = !ServerConfig.MEMORY.equals(store);
    boolean timeQueues = !ServerConfig.MEMORY.equals(config.queue());
    Backends timed = backends.withStores(
        timeStores ? timedStore(MetadataStore.class, backends.metadata(), "metadata", store) : backends.metadata(),
        timeStores ? timedStore(ExecutionStore.class, backends.executions(), "execution", store) : backends.executions(),
        timeQueues ? TimedBackend.wrap(QueueStore.class, backends.queues(),
            new OperationTimers(meters, "conductorvx.queue", "Queue operations, from call to completion", "backend", config.queue()))
            : backends.queues(),
        timeStores ? timedStore(EventHandlerStore.class, backends.eventHandlers(), "event_handler", store) : backends.eventHandlers(),
        timeStores ? timedStore(ScheduleStore.class, backends.schedules(), "schedule", store) : backends.schedules(),
        timeStores ? timedStore(EventExecutionStore.class, backends.eventExecutions(), "event_execution", store)
            : backends.eventExecutions());
    queueDepths = new QueueDepthGauges(meters, timed.queues(), timed.metadata());
    return timed;
  }

  private <T> T timedStore(Class<T> type, T store, String name, String backend) {
    return TimedBackend.wrap(type, store, new OperationTimers(meters, "conductorvx.store",
        "Store operations, from call to completion", "store", name, "backend", backend));
  }

  /** {@code conductorvx_backend_up{backend}}: 1 while the backend's health check passes. */
  /**
   * A cluster member's ownership: {@code conductorvx_cluster_partitions_owned},
   * {@code conductorvx_cluster_ownership_changes_total{change=acquired|lost|handed_over}} (lost: a
   * lease that ran out or a write refused by its epoch) and
   * {@code conductorvx_cluster_forwarded_commands_total} (commands sent to another member's partition).
   */
  public void observe(io.conductorvx.cluster.ClusterNode cluster) {
    if (!enabled()) {
      return;
    }
    meters.gauge("conductorvx.cluster.partitions.owned", "Decider partitions this member holds a lease on", cluster,
        c -> c.ownedCount());
    for (String change : new String[] {"acquired", "lost", "handed_over"}) {
      meters.functionCounter("conductorvx.cluster.ownership.changes", "Partitions this member took, lost or handed over",
          cluster, c -> c.ownershipChanges(change), "change", change);
    }
    meters.functionCounter("conductorvx.cluster.forwarded.commands", "Commands forwarded to the member owning their partition",
        cluster, c -> c.forwardedCount());
  }

  public void observe(HealthMonitor health) {
    if (!enabled()) {
      return;
    }
    for (BackendHealth b : health.last().backends()) {
      String name = b.name();
      meters.gauge("conductorvx.backend.up", "1 while the backend answers its health check, else 0", health,
          h -> h.last().backends().stream().filter(x -> x.name().equals(name)).findFirst().map(x -> x.up() ? 1.0 : 0.0)
              .orElse(Double.NaN),
          "backend", name);
    }
  }

  /**
   * Conductor's {@code workflow_server_error{class="error", methodName=<status>}}: one per request
   * that ended in an error answer, as Conductor's REST exception mapper counts them.
   */
  public void serverError(int status) {
    if (enabled()) {
      serverErrors.computeIfAbsent(status, s -> meters.counter("workflow_server_error", null,
          "class", "error", "methodName", Integer.toString(s))).increment();
    }
  }

  /**
   * The Prometheus exposition of every meter, after reading the queue depths. Runs the scrape on a
   * worker thread: formatting a few thousand series is CPU work an event loop should not do.
   *
   * @param accept the request's Accept header: OpenMetrics when it asks for it, else Prometheus text
   */
  public Future<Scrape> scrape(Vertx vertx, String accept) {
    if (!enabled()) {
      return Future.failedFuture(new IllegalStateException("metrics are off"));
    }
    String contentType = accept != null && accept.contains("application/openmetrics-text")
        ? OPEN_METRICS : PROMETHEUS_TEXT;
    QueueDepthGauges depths = queueDepths;
    Future<Void> refreshed = depths == null ? Future.succeededFuture()
        : depths.refresh().timeout(REFRESH_TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(err -> Future.succeededFuture());
    return refreshed.compose(v -> vertx.executeBlocking(() -> new Scrape(contentType, Buffer.buffer(registry.scrape(contentType))), false));
  }

  /** One scrape's answer. */
  public record Scrape(String contentType, Buffer body) {}

  /** Removes this server's meters; closes the registry when it was the server's own. */
  public void close() {
    if (!enabled()) {
      return;
    }
    meters.removeAll();
    if (jvmGc != null) {
      jvmGc.close();
    }
    if (ownsRegistry) {
      registry.close();
    }
  }
}
