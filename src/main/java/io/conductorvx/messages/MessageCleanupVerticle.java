package io.conductorvx.messages;

import io.conductorvx.engine.StatusChannels;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.model.WorkflowStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops the message queue of every workflow that ends, as Conductor deletes it on completion and
 * termination. Listens to the status events the owners publish after a saved change; runs the purge
 * again once the lease of messages a task was taking has run out, since those were not visible.
 */
public final class MessageCleanupVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(MessageCleanupVerticle.class.getName());

  private final WorkflowMessages messages;
  private MessageConsumer<JsonObject> consumer;

  private final StatusChannels statusChannels;

  /** @param statusChannels where this server's {@link LiveEvents#WORKFLOW} changes are heard */
  public MessageCleanupVerticle(WorkflowMessages messages, StatusChannels statusChannels) {
    this.messages = messages;
    this.statusChannels = statusChannels;
  }

  @Override
  public Future<?> start() {
    consumer = statusChannels.listen(LiveEvents.WORKFLOW, event -> {
      String status = event.body().getString("status");
      String workflowId = event.body().getString("workflowId");
      if (workflowId != null && status != null && WorkflowStatus.valueOf(status).isTerminal()
          && messages.forgetHasMessages(workflowId)) {
        purge(workflowId);
        vertx.setTimer(messages.leaseMs() + 1000, id -> purge(workflowId));
      }
    });
    return consumer.completion();
  }

  private void purge(String workflowId) {
    messages.purge(workflowId).onFailure(err ->
        LOG.log(Level.FINE, "could not drop the messages of ended workflow " + workflowId + ": " + err.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
