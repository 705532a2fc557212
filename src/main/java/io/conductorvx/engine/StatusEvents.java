package io.conductorvx.engine;

import io.conductorvx.live.LiveEventBodies;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.live.LiveFeedMessage;
import io.conductorvx.live.LiveInterest;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the changes of a committed decision on this server's event bus (see {@link LiveEvents}):
 * status changes for the internal listeners (on an address something listens to, see
 * {@link StatusChannels}), and, when a live-feed client watches the workflow or
 * lists workflow statuses, one {@link LiveFeedMessage.Commit}. Called only once the store has the
 * decision, so nothing published can be taken back by a crash.
 */
final class StatusEvents {

  private final EventBus bus;
  private final LiveInterest interest;
  private final StatusChannels channels;
  private final String workflowAddress;
  private final String taskAddress;
  private final String feedAddress;

  StatusEvents(Vertx vertx, WorkflowEngine engine) {
    this.bus = vertx.eventBus();
    this.interest = engine.liveInterest();
    this.channels = engine.statusChannels();
    this.workflowAddress = engine.address(LiveEvents.WORKFLOW);
    this.taskAddress = engine.address(LiveEvents.TASK);
    this.feedAddress = engine.address(LiveEvents.FEED);
  }

  void publish(Workflow wf, Changes changes) {
    if (changes.workflowStatusChanged && channels.heard(LiveEvents.WORKFLOW)) {
      bus.publish(workflowAddress, LiveEventBodies.workflow(wf));
    }
    if (!changes.statusChanges.isEmpty() && channels.heard(LiveEvents.TASK)) {
      for (Task t : changes.statusChanges) {
        bus.publish(taskAddress, LiveEventBodies.task(t));
      }
    }
    feed(wf, changes);
  }

  private void feed(Workflow wf, Changes changes) {
    boolean watched = interest.watching(wf.workflowId);
    boolean listed = changes.workflowStatusChanged && interest.anyStatusListener();
    if (!watched && !listed) {
      return;
    }
    String workflowEvent = changes.workflow || changes.workflowStatusChanged
        ? LiveEventBodies.workflow(wf).encode() : null;
    List<String> taskEvents = new ArrayList<>(watched ? changes.tasks.size() : 0);
    if (watched) {
      for (Task t : changes.tasks) {
        taskEvents.add(LiveEventBodies.task(t).encode());
      }
    }
    bus.publish(feedAddress, new LiveFeedMessage.Commit(wf.workflowId, wf.workflowName(), wf.status.name(),
        changes.workflowStatusChanged, workflowEvent, taskEvents, watched && !changes.removedTaskIds.isEmpty()), LocalCodec.DELIVERY);
  }

  /**
   * Starts a watch on the owner, in order with the workflow's commands: every commit before this
   * is in the snapshot, every one after it is published to the feed.
   */
  void snapshot(Workflow wf, Command.Watch watch) {
    byte[] json = Json.toBytes(wf);
    if (watch.register()) {
      interest.watch(wf.workflowId, watch.subscriber(), watch.watchId());
    }
    bus.publish(feedAddress, new LiveFeedMessage.Snapshot(watch.key(), wf.workflowId, json, watch.subscriber()), LocalCodec.DELIVERY);
  }
}
