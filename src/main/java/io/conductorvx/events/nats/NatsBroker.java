package io.conductorvx.events.nats;

import io.conductorvx.events.ContextHop;
import io.conductorvx.events.Backoff;
import io.conductorvx.events.BrokerStatus;
import io.conductorvx.events.EventBroker;
import io.conductorvx.events.EventQueues;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * NATS for the {@code nats} (core) and {@code jsm} (JetStream) event queues, through the official
 * client, jnats. One connection serves both; jnats reconnects it by itself (with our growing
 * delays) and re-subscribes core subscriptions, and JetStream consumers are durable on the server,
 * so nothing is lost on JetStream while the connection is away.
 *
 * <p>jnats calls back on its own threads: every callback hops onto this verticle's context, and
 * jnats' blocking calls (JetStream management, flush) run on worker threads.
 */
public final class NatsBroker extends VerticleBase implements EventBroker {
  private static final Logger LOG = Logger.getLogger(NatsBroker.class.getName());

  /** Settings of the broker (from ServerConfig). */
  public record Settings(String url, String jetStreamSubjectPrefix, long jetStreamAckWaitMs, long reconnectMinMs,
      long reconnectMaxMs, long publishTimeoutMs) {}

  private final Settings settings;
  private final String address;
  private final NatsEventQueues core;
  private final JetStreamEventQueues jetStream;
  private final List<Promise<Void>> waiters = new ArrayList<>();
  private Context context;
  private Options options;
  private Backoff initialBackoff;
  private volatile Connection connection;
  private volatile boolean up;
  private volatile boolean everUp;
  private volatile boolean closed;
  private volatile String error = "not connected yet";
  private volatile long since = System.currentTimeMillis();
  private boolean reportedUnreachable;
  private boolean reportedLoss;

  public NatsBroker(Settings settings) {
    this.settings = settings;
    this.address = address(settings.url());
    this.core = new NatsEventQueues(this);
    this.jetStream = new JetStreamEventQueues(this, settings.jetStreamSubjectPrefix(),
        Duration.ofMillis(settings.jetStreamAckWaitMs()));
  }

  /** host:port of a nats:// URL, without credentials. */
  static String address(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri.getHost() + ":" + (uri.getPort() < 0 ? 4222 : uri.getPort());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid natsUrl (expected nats://[user:password@]host:port)");
    }
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    this.initialBackoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs());
    // building the options loads much of jnats: not on the event loop
    return vertx.executeBlocking(this::options, false).onSuccess(built -> {
      this.options = built;
      connectFirstTime(); // in the background: the server starts without waiting for the broker
    });
  }

  private Options options() {
    Backoff backoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs());
    return new Options.Builder()
        .server(settings.url())
        .connectionName("conductor-vx")
        .maxReconnects(-1)
        .connectionTimeout(Duration.ofSeconds(5))
        .pingInterval(Duration.ofSeconds(10))
        .reconnectDelayHandler(tries -> {
          if (tries <= 1) {
            backoff.reset();
          }
          return Duration.ofMillis(backoff.nextDelayMs());
        })
        .connectionListener(new ConnectionListener() {
          @Override
          public void connectionEvent(Connection conn, Events type) {
            context.runOnContext(v -> onEvent(conn, type));
          }
        })
        .errorListener(new ErrorListener() {
          @Override
          public void exceptionOccurred(Connection conn, Exception exp) {
            context.runOnContext(v -> onError(String.valueOf(exp.getMessage() == null ? exp : exp.getMessage())));
          }

          @Override
          public void errorOccurred(Connection conn, String text) {
            context.runOnContext(v -> onError(text));
          }
        })
        .build();
  }

  /**
   * Tries the first connection until it succeeds, with growing delays; from then on jnats
   * reconnects by itself. (jnats' own asynchronous first connect cannot be called off.)
   */
  private void connectFirstTime() {
    if (closed) {
      return;
    }
    vertx.executeBlocking(() -> Nats.connect(options), false).onComplete(ar -> {
      if (ar.succeeded()) {
        if (closed) {
          closeQuietly(ar.result());
        } else {
          onEvent(ar.result(), ConnectionListener.Events.CONNECTED);
        }
        return;
      }
      error = describe(ar.cause());
      if (!reportedUnreachable) {
        reportUnreachable();
      }
      vertx.setTimer(initialBackoff.nextDelayMs(), id -> connectFirstTime());
    });
  }

  private void closeQuietly(Connection conn) {
    vertx.executeBlocking(() -> {
      conn.close();
      return null;
    }, false);
  }

  private void onEvent(Connection conn, ConnectionListener.Events type) {
    if (closed) {
      return;
    }
    switch (type) {
      case CONNECTED, RECONNECTED -> {
        if (up && connection == conn) {
          return; // the first connection is announced twice: by connect() and by the listener
        }
        connection = conn;
        up = true;
        error = null;
        since = System.currentTimeMillis();
        reportedLoss = false;
        if (!everUp) {
          everUp = true;
          LOG.info("Event broker nats connected: NATS at " + address + " (nats, jsm)");
        } else {
          LOG.info("Event broker nats reconnected: NATS at " + address);
        }
        List<Promise<Void>> ready = new ArrayList<>(waiters);
        waiters.clear();
        ready.forEach(Promise::tryComplete);
        core.connected(conn);
        jetStream.connected(conn, type == ConnectionListener.Events.RECONNECTED);
      }
      case DISCONNECTED, CLOSED -> {
        if (up) {
          up = false;
          since = System.currentTimeMillis();
          if (error == null) {
            error = "disconnected";
          }
        }
        if (everUp && !reportedLoss) {
          reportedLoss = true;
          LOG.warning("Event broker nats lost NATS at " + address + "; reconnecting");
        }
      }
      default -> {
        // RESUBSCRIBED, DISCOVERED_SERVERS, LAME_DUCK: nothing to do
      }
    }
  }

  private void onError(String text) {
    if (closed) {
      return;
    }
    if (!up) {
      error = text;
    }
    LOG.log(Level.FINE, () -> "NATS: " + text);
  }

  private void reportUnreachable() {
    reportedUnreachable = true;
    LOG.severe("Event broker nats cannot reach NATS at " + address + ": " + error
        + "; the server runs without it and keeps trying (EVENT tasks and handlers on nats/jsm wait for it)");
  }

  @Override
  public Future<?> stop() {
    closed = true;
    up = false;
    waiters.forEach(w -> w.tryFail("the broker is closed"));
    waiters.clear();
    Connection conn = connection;
    connection = null;
    core.stop();
    jetStream.stop();
    if (conn == null) {
      return Future.succeededFuture(); // a connection still trying closes when jnats hands it over
    }
    return vertx.executeBlocking(() -> {
      conn.close();
      return null;
    });
  }

  @Override
  public List<EventQueues> providers() {
    return List.of(core, jetStream);
  }

  @Override
  public BrokerStatus status() {
    TreeSet<String> queues = new TreeSet<>();
    core.consumed().forEach(q -> queues.add("nats:" + q));
    jetStream.consumed().forEach(q -> queues.add("jsm:" + q));
    String problem = up ? jetStream.problem() : error;
    return new BrokerStatus("nats", address, List.of("nats", "jsm"), up && problem == null, since, problem, List.copyOf(queues));
  }

  @Override
  public Future<Void> close() {
    String id = deploymentID();
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  Context context() {
    return context;
  }

  io.vertx.core.Vertx vertx() {
    return vertx;
  }

  long publishTimeoutMs() {
    return settings.publishTimeoutMs();
  }

  /** The connection while it is up, else null. */
  Connection connectionIfUp() {
    return up ? connection : null;
  }

  /** The connection once it is up (completes at once if it is), failing after {@code timeoutMs}. */
  Future<Connection> whenUp(long timeoutMs) {
    if (up && connection != null) {
      return Future.succeededFuture(connection);
    }
    if (closed) {
      return Future.failedFuture("the NATS broker is closed");
    }
    Promise<Void> waiter = Promise.promise();
    waiters.add(waiter);
    long timer = vertx.setTimer(Math.max(1, timeoutMs), id -> {
      if (waiters.remove(waiter)) {
        waiter.tryFail("not connected to NATS at " + address + ": " + error);
      }
    });
    return waiter.future().andThen(ar -> vertx.cancelTimer(timer)).map(v -> connection);
  }

  /** Runs {@code work} on the broker's context and answers on the caller's. */
  <T> Future<T> onBroker(Supplier<Future<T>> work) {
    return ContextHop.run(vertx, context, work);
  }

  /** Retries {@code attempt} after growing delays until it succeeds or the publish timeout passes. */
  <T> Future<T> untilDeadline(Supplier<Future<T>> attempt, long deadline, Backoff delays, String what) {
    return attempt.get().recover(err -> {
      long wait = delays.nextDelayMs();
      if (System.currentTimeMillis() + wait >= deadline) {
        return Future.failedFuture(io.conductorvx.error.ConductorException.unavailable(what + ": " + describe(err), err));
      }
      return vertx.timer(wait).compose(t -> untilDeadline(attempt, deadline, delays, what));
    });
  }

  static String describe(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
