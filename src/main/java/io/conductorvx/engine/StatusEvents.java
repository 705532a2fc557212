package io.conductorvx.engine;

import io.conductorvx.live.LiveEvents;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Publishes the status changes of a committed decision on the event bus (see {@link LiveEvents}). */
final class StatusEvents {
  private final Vertx vertx;

  StatusEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  void publish(Workflow wf, Changes changes) {
    if (changes.workflowStatusChanged) {
      vertx.eventBus().publish(LiveEvents.WORKFLOW, new JsonObject()
          .put("workflowId", wf.workflowId)
          .put("workflowName", wf.workflowName())
          .put("status", wf.status.name())
          .put("updateTime", wf.updateTime));
    }
    for (Task t : changes.statusChanges) {
      vertx.eventBus().publish(LiveEvents.TASK, new JsonObject()
          .put("taskId", t.taskId)
          .put("workflowId", t.workflowInstanceId)
          .put("referenceTaskName", t.referenceTaskName)
          .put("taskType", t.taskType)
          .put("status", t.status.name())
          .put("updateTime", t.updateTime));
    }
  }
}
