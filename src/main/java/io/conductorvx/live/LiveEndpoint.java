package io.conductorvx.live;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.metrics.LiveFeedMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /api/live}, the live feed (protocol: docs/live.md), for the connections of one HTTP
 * verticle: it upgrades them, holds their subscriptions ({@link SubscriptionRegistry}) and fans
 * this server's feed ({@link LiveEvents#FEED}) out to them, all on the verticle's event loop, the
 * loop that owns these sockets. Every HTTP verticle has one; each hears the whole feed and looks up
 * only the subscribers a message matches.
 */
public final class LiveEndpoint {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(LiveEndpoint.class.getName());
  public static final String PATH = "/api/live";
  private static final byte[] SNAPSHOT = LiveConnection.ascii("snapshot");
  private static final byte[] SNAPSHOT_OPEN = LiveConnection.ascii("{\"workflow\":");
  private static final byte[] TASK = LiveConnection.ascii("task");
  private static final byte[] WORKFLOW = LiveConnection.ascii("workflow");

  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final ServerConfig config;
  private final LiveFeedMetrics metrics;
  private final LiveInterest interest;
  private final LiveOrigins origins;
  private final SubscriptionRegistry registry = new SubscriptionRegistry();
  private final Set<LiveConnection> connections = new LinkedHashSet<>();
  private final QueueFeed queueFeed;
  /** Snapshot keys are unique per server: several endpoints hear the same feed. */
  private final String keyPrefix = UUID.randomUUID().toString().substring(0, 8) + ":";
  private long nextKey;
  private MessageConsumer<LiveFeedMessage> feed;
  private MessageConsumer<Integer> rewatch;
  private long pingTimer = -1;

  public LiveEndpoint(Vertx vertx, WorkflowEngine engine, LiveFeedMetrics metrics) {
    this.vertx = vertx;
    this.engine = engine;
    this.config = engine.config();
    this.metrics = metrics;
    this.interest = engine.liveInterest();
    this.origins = new LiveOrigins(config.liveAllowedOrigins());
    this.queueFeed = new QueueFeed(vertx, engine, registry);
  }

  /**
   * The HTTP server's WebSocket settings: the frame limit, and no compression (one event goes to
   * many clients; deflating it for each would cost more CPU than the bytes it saves on a LAN).
   */
  public static HttpServerOptions configure(HttpServerOptions options, ServerConfig config) {
    return options.setMaxWebSocketFrameSize(config.liveMaxFrameBytes())
        .setMaxWebSocketMessageSize(config.liveMaxFrameBytes())
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  /** Mount before any BodyHandler: the upgrade needs the request untouched. */
  public void mount(Router router) {
    router.get(PATH).handler(this::upgrade);
  }

  /** Joins the feed and starts pinging; call from the verticle's start. */
  public Future<Void> start() {
    feed = vertx.eventBus().consumer(engine.address(LiveEvents.FEED), m -> onFeed(m.body(), m.headers().contains(LiveEvents.LISTINGS_ONLY)));
    rewatch = vertx.eventBus().consumer(engine.address(LiveEvents.REWATCH), m -> rewatch(m.body()));
    pingTimer = vertx.setPeriodic(config.livePingIntervalMs(), id -> pingAll());
    return Future.all(feed.completion(), rewatch.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(pingTimer);
    queueFeed.stop();
    for (LiveConnection c : new ArrayList<>(connections)) {
      c.shut((short) 1001, "server stopping");
    }
    if (rewatch != null) {
      rewatch.unregister();
    }
    return feed == null ? Future.succeededFuture() : feed.unregister();
  }

  // ---- connections ----

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      ctx.fail(new ConductorException(400, PATH + " is a WebSocket: send a WebSocket upgrade request", false));
      return;
    }
    String origin = request.getHeader("Origin");
    if (!origins.allows(origin, request)) {
      ctx.fail(new ConductorException(403, "Origin " + origin + " may not open the live feed (see liveAllowedOrigins)", false));
      return;
    }
    // an acceptable upgrade was taken by upgradeBeforeRouting; what reaches here found no room
    ctx.fail(new ConductorException(503, "The live feed has " + config.liveMaxConnections()
        + " connections already (liveMaxConnections)", true));
  }

  /**
   * Upgrades a feed request in the HTTP server's handler, before the router: the socket is then
   * Vert.x's own, whose Netty channel {@link FrameWriter} writes to (Vert.x Web wraps the sockets it
   * upgrades). Returns false, leaving the request to the router's {@link #PATH} route (which gives
   * the refusals their error answers), when the request is not an acceptable feed upgrade.
   */
  public boolean upgradeBeforeRouting(HttpServerRequest request) {
    if (!PATH.equals(request.path()) || !request.canUpgradeToWebSocket()
        || !origins.allows(request.getHeader("Origin"), request)
        || !interest.tryConnect(config.liveMaxConnections())) {
      return false;
    }
    request.toWebSocket().onComplete(ar -> {
      if (ar.succeeded()) {
        opened(ar.result());
      } else {
        interest.disconnected();
        if (!request.response().ended() && !request.response().headWritten()) {
          request.response().setStatusCode(400).end();
        }
      }
    });
    return true;
  }

  private void opened(ServerWebSocket ws) {
    LiveConnection c = new LiveConnection(this, ws, config.liveBufferBytes(), config.liveMaxSubscriptions(),
        System.currentTimeMillis());
    connections.add(c);
    metrics.connections(1);
  }

  void closed(LiveConnection c) {
    if (connections.remove(c)) {
      interest.disconnected();
      metrics.connections(-1);
    }
  }

  /** Pings every connection; one not heard from for two periods is closed. */
  private void pingAll() {
    long silentSince = System.currentTimeMillis() - 2 * config.livePingIntervalMs();
    for (LiveConnection c : new ArrayList<>(connections)) {
      if (c.lastHeard < silentSince) {
        c.shut((short) 1001, "no pong");
      } else {
        c.ping();
      }
    }
  }

  // ---- subscriptions ----

  void subscribe(Subscription.OfWorkflow sub) {
    added(sub);
    watch(sub, true);
  }

  void subscribe(Subscription.OfWorkflows sub) {
    added(sub);
    interest.statusListeners(1);
    sub.connection.send(sub, "subscribed", "{}");
  }

  void subscribe(Subscription.OfQueues sub) {
    added(sub);
    sub.connection.send(sub, "subscribed", "{}");
    queueFeed.subscribed();
  }

  private void added(Subscription sub) {
    registry.added(sub);
    interest.subscriptions(1);
    metrics.subscriptions(1);
  }

  /**
   * Asks the workflow's owner for a snapshot (in order with its commands); events follow it on the
   * feed. {@code register}: the owner counts the watch (first snapshot; a resync's does not).
   */
  private void watch(Subscription.OfWorkflow sub, boolean register) {
    String key = keyPrefix + (nextKey++);
    if (sub.watchId == null) {
      sub.watchId = key;
    }
    registry.awaitSnapshot(sub, key);
    engine.<Void>send(new Command.Watch(sub.workflowId, key, register, sub.watchId)).onComplete(ar -> {
      if (ar.succeeded()) {
        if (register) {
          if (sub.ended) {
            unwatch(sub);
          } else {
            sub.watchCounted = true;
          }
        }
      } else if (!sub.ended && key.equals(sub.snapshotKey)) {
        ConductorException e = ar.cause() instanceof ConductorException ce ? ce : null;
        sub.connection.failed(sub, e != null ? e.status() : 500, ar.cause().getMessage());
      }
    });
  }

  /** The subscription ended (unsubscribed, failed or its connection closed); idempotent. */
  void end(Subscription sub) {
    if (sub.ended) {
      return;
    }
    sub.ended = true;
    registry.removed(sub);
    interest.subscriptions(-1);
    metrics.subscriptions(-1);
    if (sub instanceof Subscription.OfWorkflow w && w.watchCounted) {
      w.watchCounted = false;
      unwatch(w);
    } else if (sub instanceof Subscription.OfWorkflows) {
      interest.statusListeners(-1);
    } else if (sub instanceof Subscription.OfQueues) {
      queueFeed.unsubscribed();
    }
  }

  /** Ends one counted watch where it is counted: here, or in a cluster on the workflow's owner. */
  private void unwatch(Subscription.OfWorkflow sub) {
    if (!engine.ownership().clustered()) {
      interest.unwatch(sub.workflowId, null, sub.watchId);
      return;
    }
    engine.send(new Command.Unwatch(sub.workflowId, sub.watchId, null))
        .onFailure(err -> LOG.fine("unwatch of " + sub.workflowId + ": " + err.getMessage()));
  }

  /**
   * Cluster: the watches of a partition's workflows (a partition number, which has a new owner) or
   * of every workflow owned elsewhere (-1, the relay lost events) start again from a snapshot; a
   * new owner counts them afresh, the old one forgot them when it let the partition go.
   */
  private void rewatch(int partition) {
    io.conductorvx.engine.Ownership ownership = engine.ownership();
    for (Subscription.OfWorkflow w : registry.workflowSubscriptions()) {
      int p = ownership.partitionOf(w.workflowId);
      boolean moved = partition >= 0 && p == partition;
      boolean relayed = partition < 0 && ownership.epochIfOwned(p) < 0;
      if (!w.ended && (moved || relayed)) {
        w.connection.send(w, LiveConnection.RESYNC, LiveConnection.EMPTY);
        if (moved) {
          w.watchCounted = false;
        }
        watch(w, moved);
      }
    }
  }

  /** The client was told to reload this subscription: a workflow's gets a fresh snapshot, queues the full list. */
  void resynced(Subscription sub) {
    if (sub instanceof Subscription.OfWorkflow w) {
      watch(w, false);
    } else if (sub instanceof Subscription.OfQueues q) {
      q.needsAll = true;
      queueFeed.subscribed();
    }
  }

  void dropped(long events) {
    metrics.dropped(events);
  }

  // ---- fan-out ----

  /** {@code listingsOnly}: the commit goes to the {@code workflows} listings, not to the workflow's watchers. */
  private void onFeed(LiveFeedMessage message, boolean listingsOnly) {
    if (message instanceof LiveFeedMessage.Snapshot s) {
      Subscription.OfWorkflow sub = registry.snapshotArrived(s.key());
      if (sub != null) {
        byte[] body = new byte[SNAPSHOT_OPEN.length + s.workflow().length + 1];
        System.arraycopy(SNAPSHOT_OPEN, 0, body, 0, SNAPSHOT_OPEN.length);
        System.arraycopy(s.workflow(), 0, body, SNAPSHOT_OPEN.length, s.workflow().length);
        body[body.length - 1] = '}';
        sub.connection.send(sub, SNAPSHOT, body);
      }
      return;
    }
    LiveFeedMessage.Commit c = (LiveFeedMessage.Commit) message;
    // each body is encoded to bytes once here, whatever the number of subscribers it goes to
    byte[] workflowEvent = null;
    List<Subscription.OfWorkflow> watchers = listingsOnly ? null : registry.watchers(c.workflowId());
    if (watchers != null) {
      if (c.reset()) {
        // tasks were removed (restart, rerun): the clients reload from a fresh snapshot
        for (Subscription.OfWorkflow w : new ArrayList<>(watchers)) {
          w.connection.send(w, LiveConnection.RESYNC, LiveConnection.EMPTY);
          watch(w, false);
        }
      } else {
        byte[][] taskEvents = new byte[c.taskEvents().size()][];
        for (int i = 0; i < taskEvents.length; i++) {
          taskEvents[i] = c.taskEvents().get(i).getBytes(StandardCharsets.UTF_8);
        }
        workflowEvent = c.workflowEvent() == null ? null : c.workflowEvent().getBytes(StandardCharsets.UTF_8);
        for (Subscription.OfWorkflow w : watchers) {
          // the tasks first: a workflow that ended did so because of them
          for (byte[] task : taskEvents) {
            w.connection.send(w, TASK, task);
          }
          if (workflowEvent != null) {
            w.connection.send(w, WORKFLOW, workflowEvent);
          }
        }
      }
    }
    if (c.statusChanged() && c.workflowEvent() != null) {
      byte[] body = workflowEvent != null ? workflowEvent : c.workflowEvent().getBytes(StandardCharsets.UTF_8);
      registry.forEachListMatching(c, s -> s.connection.send(s, WORKFLOW, body));
    }
  }
}
