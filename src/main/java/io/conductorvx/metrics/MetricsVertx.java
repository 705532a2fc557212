package io.conductorvx.metrics;

import io.conductorvx.config.ServerConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the Vert.x instance a server runs on. With metrics on, Vert.x reports its own meters (HTTP
 * server by route, worker and SQL pools, event bus, JVM) to a Prometheus registry of its own, which
 * the server's meters then join ({@link ServerMetrics}): Vert.x takes its metrics implementation
 * when it is built, so this has to happen before anything else.
 */
public final class MetricsVertx {
  /** The registry of each Vert.x built here; weak, so a closed and dropped Vert.x is forgotten. */
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES = new WeakHashMap<>();
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /**
   * Vert.x registers its gauges again for each request and event-bus handler, by design; Micrometer
   * 1.13.9+ warns about the first such re-registration (vertx-micrometer-metrics#259, harmless: the
   * gauges stay right). Held here so the level set on the logger is not lost with it.
   */
  private static final Logger REGISTRY_LOG = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  static {
    REGISTRY_LOG.setLevel(Level.SEVERE);
  }

  private MetricsVertx() {}

  /**
   * A Vert.x for a server with this configuration: measured when {@code metrics} and
   * {@code metricsVertx} are on (with {@code metricsVertx} off the server still has its own meters,
   * in a registry of its own, without Vert.x's per-request and per-message ones).
   */
  public static Vertx create(ServerConfig config) {
    // Half as many event loops as cores by default (Vert.x's default is twice as many, see
    // ServerConfig): the HTTP verticles and the deciders share loops, so commands stay on their
    // thread more often, and fewer sleeping loops need waking.
    return create(config.metrics() && config.metricsVertx(), new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
  }

  public static Vertx create(boolean metrics, VertxOptions options) {
    if (!metrics) {
      return Vertx.vertx(options);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(ROUTE_TEMPLATE);
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // Each Vert.x its own registry name: Vert.x keeps registries by name, JVM-wide.
        .setRegistryName("conductor-vx-" + INSTANCES.incrementAndGet())
        // The route template, never the path: paths carry workflow and task ids. No event-bus
        // side label (Vert.x's default): with no cluster every message is local, and a label costs
        // on every message.
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
        .setJvmMetricsEnabled(true);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions(options).setMetricsOptions(metricsOptions))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    synchronized (REGISTRIES) {
      REGISTRIES.put(vertx, registry);
    }
    return vertx;
  }

  /** The registry Vert.x reports to, or null when it was not built here with metrics on. */
  static PrometheusMeterRegistry registryOf(Vertx vertx) {
    synchronized (REGISTRIES) {
      return REGISTRIES.get(vertx);
    }
  }

  /**
   * Vert.x Web reports every route a request passed through, joined by '>': the body handler's
   * {@code /api/} first, then the route that answered. Keep the one that answered; a request no
   * route answered (a 404) is labelled {@code unmatched}.
   */
  private static final MeterFilter ROUTE_TEMPLATE = new MeterFilter() {
    @Override
    public Meter.Id map(Meter.Id id) {
      String route = id.getTag(Label.HTTP_ROUTE.toString());
      if (route == null || !id.getName().startsWith(MetricsDomain.HTTP_SERVER.getPrefix())) {
        return id;
      }
      String answered = route.substring(route.lastIndexOf('>') + 1);
      if (answered.isEmpty() || answered.equals(BODY_HANDLER_ROUTE)) {
        answered = "unmatched";
      }
      if (answered.equals(route)) {
        return id;
      }
      List<Tag> tags = new ArrayList<>();
      for (Tag t : id.getTagsAsIterable()) {
        tags.add(t.getKey().equals(Label.HTTP_ROUTE.toString()) ? Tag.of(t.getKey(), answered) : t);
      }
      return id.replaceTags(tags);
    }
  };

  /** The path Vert.x Web gives the {@code /api/*} body-handler route. */
  private static final String BODY_HANDLER_ROUTE = "/api/";
}
