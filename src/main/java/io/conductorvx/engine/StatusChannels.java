package io.conductorvx.engine;

import io.conductorvx.live.LiveEvents;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status addresses ({@link LiveEvents#WORKFLOW}, {@link LiveEvents#TASK}) and who listens to
 * them. The deciders publish on an address only once something has listened there: with no status
 * listener configured, nothing hears task changes, and building their bodies was a measurable part
 * of every workflow's CPU.
 */
public final class StatusChannels {
  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final Set<String> heard = ConcurrentHashMap.newKeySet();

  StatusChannels(Vertx vertx, WorkflowEngine engine) {
    this.vertx = vertx;
    this.engine = engine;
  }

  /** Listens on this server's {@code name} address ({@link LiveEvents#WORKFLOW} or {@link LiveEvents#TASK}). */
  public MessageConsumer<JsonObject> listen(String name, Handler<Message<JsonObject>> handler) {
    heard.add(name);
    return vertx.eventBus().consumer(engine.address(name), handler);
  }

  /** Whether anything has listened on {@code name}; stays true once it has. */
  boolean heard(String name) {
    return heard.contains(name);
  }
}
