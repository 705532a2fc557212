package io.conductorvx.events.amqp;

import io.conductorvx.events.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One RabbitMQ connection (with its one channel) that keeps itself up. The client's own restart
 * is off: it cannot back off, and it re-creates a lost channel lazily on whatever thread calls it
 * next. Instead, every attempt is a fresh client: connect, then run {@code setup} (declare,
 * consume, enable confirms) on it; only when both succeeded is the connection up, under a new
 * {@link #generation()}. A lost connection or channel (seen by a periodic check, or reported by a
 * failed operation through {@link #lost}) drops the client and tries again after a growing delay.
 *
 * <p>Delivery tags and publish sequence numbers belong to one generation: a caller holding one
 * from an earlier generation must not use it (the broker has already put such a message back).
 *
 * <p>Everything runs on the broker's context; the client's blocking calls go to worker threads.
 */
final class AmqpConnection {
  private static final Logger LOG = Logger.getLogger(AmqpConnection.class.getName());
  /** How often an established connection is checked for a silent loss. */
  private static final long CHECK_MS = 500;

  /** What a listener hears: up (with the generation) or down (with the reason). */
  interface Listener {
    void changed(AmqpConnection connection, boolean up, String error);
  }

  private final Vertx vertx;
  private final Context context;
  private final RabbitMQOptions options;
  private final String label;
  private final Backoff backoff;
  private final BiFunction<RabbitMQClient, Long, Future<Void>> setup;
  private final Listener listener;
  private final List<Promise<Void>> waiters = new ArrayList<>();

  private RabbitMQClient client;
  private long generation;
  private volatile boolean up;
  private volatile String error = "not connected yet";
  private volatile long since = System.currentTimeMillis();
  private boolean connecting;
  private boolean closed;
  private long checkTimer = -1;
  private long retryTimer = -1;
  private int failedAttempts;

  AmqpConnection(Vertx vertx, Context context, RabbitMQOptions options, String label, Backoff backoff,
      BiFunction<RabbitMQClient, Long, Future<Void>> setup, Listener listener) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.label = label;
    this.backoff = backoff;
    this.setup = setup;
    this.listener = listener;
  }

  /** Starts connecting in the background. */
  void start() {
    checkTimer = vertx.setPeriodic(CHECK_MS, id -> check());
    connect();
  }

  String label() {
    return label;
  }

  boolean isUp() {
    return up;
  }

  String error() {
    return error;
  }

  /** When {@link #isUp()} last changed (epoch ms). */
  long since() {
    return since;
  }

  /** Connection attempts that failed since the connection was last up. */
  int failedAttempts() {
    return failedAttempts;
  }

  long generation() {
    return generation;
  }

  /** The client of the current generation; null while down. */
  RabbitMQClient client() {
    return up ? client : null;
  }

  /** Completes once the connection is up, or fails after {@code timeoutMs}. */
  Future<Void> whenUp(long timeoutMs) {
    if (up) {
      return Future.succeededFuture();
    }
    if (closed) {
      return Future.failedFuture("the connection is closed");
    }
    Promise<Void> waiter = Promise.promise();
    waiters.add(waiter);
    long timer = vertx.setTimer(Math.max(1, timeoutMs), id -> {
      if (waiters.remove(waiter)) {
        waiter.tryFail("not connected: " + error);
      }
    });
    return waiter.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  private void connect() {
    if (closed || connecting || up) {
      return;
    }
    connecting = true;
    RabbitMQClient attempt = RabbitMQClient.create(vertx, options);
    long next = generation + 1;
    attempt.start()
        .compose(started -> setup.apply(attempt, next))
        .onComplete(ar -> {
          connecting = false;
          if (closed) {
            attempt.stop();
            return;
          }
          if (ar.succeeded()) {
            client = attempt;
            generation = next;
            up = true;
            error = null;
            since = System.currentTimeMillis();
            failedAttempts = 0;
            backoff.reset();
            List<Promise<Void>> ready = new ArrayList<>(waiters);
            waiters.clear();
            ready.forEach(Promise::tryComplete);
            listener.changed(this, true, null);
          } else {
            attempt.stop();
            failedAttempts++;
            error = describe(ar.cause());
            listener.changed(this, false, error);
            scheduleRetry();
          }
        });
  }

  private void scheduleRetry() {
    if (closed || retryTimer >= 0) {
      return;
    }
    long delay = backoff.nextDelayMs();
    LOG.log(Level.FINE, () -> label + ": next connection attempt in " + delay + " ms");
    retryTimer = vertx.setTimer(delay, id -> {
      retryTimer = -1;
      connect();
    });
  }

  /** A connection (or its channel) that is no longer open is lost, even if nobody used it since. */
  private void check() {
    RabbitMQClient c = client;
    if (up && c != null && (!c.isConnected() || !c.isOpenChannel())) {
      lost("the connection or its channel was closed");
    }
  }

  /** An operation found the connection broken: drop it and reconnect after a delay. */
  void lost(Object why) {
    if (!up) {
      return;
    }
    up = false;
    since = System.currentTimeMillis();
    error = why instanceof Throwable t ? describe(t) : String.valueOf(why);
    RabbitMQClient old = client;
    client = null;
    if (old != null) {
      old.stop(); // a dead connection closes at once; the answer does not matter
    }
    listener.changed(this, false, error);
    scheduleRetry();
  }

  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(retryTimer);
    up = false;
    waiters.forEach(w -> w.tryFail("the connection is closed"));
    waiters.clear();
    RabbitMQClient old = client;
    client = null;
    return old == null ? Future.succeededFuture() : old.stop().otherwiseEmpty();
  }

  /** The innermost cause, in one line (the client wraps everything). */
  static String describe(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }

  Context context() {
    return context;
  }
}
