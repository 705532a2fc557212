package io.conductorvx.listeners;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.events.EventQueueRegistry;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskSummary;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowSummary;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Workflow and task status listeners (extras.md §6), beside the engine rather than in it: it hears
 * the status changes the deciders publish after each commit ({@link LiveEvents}), reads what it
 * needs from the store, and publishes notices to event queues of any provider ({@code amqp_queue:},
 * {@code nats:}, {@code jsm:}, {@code conductor:}).
 *
 * <ul>
 *   <li>Workflows whose definition sets {@code workflowStatusListenerEnabled}: Conductor's
 *       {@code queue_publisher} queues, i.e. a COMPLETED workflow to {@code workflowStatusSuccessQueue},
 *       a FAILED, TERMINATED or TIMED_OUT one to {@code workflowStatusFailureQueue}, every ended one
 *       to {@code workflowStatusFinalizeQueue}, and to the definition's own
 *       {@code workflowStatusListenerSink} when it names one (Conductor OSS keeps that field but
 *       reads it nowhere). Payload: Conductor's WorkflowSummary. On when one of the three queues
 *       is configured: each ended workflow is then read back from the store once.
 *   <li>Tasks, when {@code taskStatusQueue} is set: every status change of a task whose definition
 *       does not set {@code taskStatusListenerEnabled} to false (Conductor's default is on), as
 *       Conductor's TaskNotification (a TaskSummary plus referenceTaskName, retryCount,
 *       taskDescription).
 * </ul>
 *
 * <p>Message id: {@code <workflowId>:<updateTime>} ({@code <taskId>:<status>:<updateTime>} for
 * tasks), the same for a repeated publish of one notice and different for a later one (a
 * workflow completed again after a retry). A notice is published after the change was committed;
 * one that cannot be published within the broker's publish timeout is logged and dropped, and one
 * pending when the server stops is lost (as in Conductor, listeners are not durable).
 */
public final class StatusListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(StatusListenerVerticle.class.getName());

  private final WorkflowEngine engine;

  public StatusListenerVerticle(WorkflowEngine engine) {
    this.engine = engine;
  }

  /** Whether the workflow status listener is on (a queue is configured for it). */
  public static boolean workflowListenerOn(ServerConfig c) {
    return !c.workflowStatusSuccessQueue().isEmpty() || !c.workflowStatusFailureQueue().isEmpty()
        || !c.workflowStatusFinalizeQueue().isEmpty();
  }

  /**
   * Whether any listener is configured; without one the verticle is not deployed, and finished
   * workflows are not read back from the store for it.
   */
  public static boolean configured(ServerConfig c) {
    return workflowListenerOn(c) || !c.taskStatusQueue().isEmpty();
  }

  @Override
  public Future<?> start() {
    if (workflowListenerOn(engine.config())) {
      engine.statusChannels().listen(LiveEvents.WORKFLOW, msg -> workflowChanged(msg.body()));
    }
    if (!engine.config().taskStatusQueue().isEmpty()) {
      engine.statusChannels().listen(LiveEvents.TASK, msg -> taskChanged(msg.body()));
    }
    return Future.succeededFuture();
  }

  private void workflowChanged(JsonObject change) {
    WorkflowStatus status = status(change.getString("status"));
    if (status == null || !status.isTerminal()) {
      return;
    }
    String workflowId = change.getString("workflowId");
    engine.backends().executions().getWorkflow(workflowId, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("Workflow status listener: could not read workflow " + workflowId + ": " + ar.cause().getMessage());
        return;
      }
      Workflow wf = ar.result();
      WorkflowDef def = wf == null ? null : wf.workflowDefinition;
      if (def == null || !def.workflowStatusListenerEnabled || !wf.status.isTerminal()) {
        return; // not ours (another server's store), not listened to, or reopened meanwhile
      }
      String payload = Json.toString(WorkflowSummary.of(wf));
      String messageId = wf.workflowId + ":" + wf.updateTime;
      for (String queue : queuesFor(wf.status, def)) {
        publish(queue, messageId, payload, "workflow " + wf.workflowId + " " + wf.status);
      }
    });
  }

  /** The event queues a workflow ending in {@code status} is announced on. */
  private Set<String> queuesFor(WorkflowStatus status, WorkflowDef def) {
    ServerConfig c = engine.config();
    Set<String> queues = new LinkedHashSet<>();
    if (status == WorkflowStatus.COMPLETED) {
      queues.add(c.workflowStatusSuccessQueue());
    } else {
      queues.add(c.workflowStatusFailureQueue());
    }
    queues.add(c.workflowStatusFinalizeQueue());
    if (def.workflowStatusListenerSink != null) {
      queues.add(def.workflowStatusListenerSink.trim());
    }
    queues.remove("");
    return queues;
  }

  private Future<Void> taskNotices = Future.succeededFuture();

  private void taskChanged(JsonObject change) {
    // one notice at a time: the store's answers may arrive out of order, notices must not
    taskNotices = taskNotices.transform(previous -> taskNotice(change));
  }

  private Future<Void> taskNotice(JsonObject change) {
    String taskId = change.getString("taskId");
    return engine.backends().executions().getTask(taskId).transform(ar -> {
      if (ar.failed()) {
        LOG.warning("Task status listener: could not read task " + taskId + ": " + ar.cause().getMessage());
        return Future.<Void>succeededFuture();
      }
      Task t = ar.result();
      if (t == null || !listensTo(t.def())) {
        return Future.<Void>succeededFuture();
      }
      // the store may already hold a later state (the worker was quick): announce the change heard
      String status = change.getString("status");
      if (status != null && !status.equals(t.status.name())) {
        t.status = TaskStatus.valueOf(status);
        t.updateTime = change.getLong("updateTime", t.updateTime);
      }
      Map<String, Object> notice = Json.MAPPER.convertValue(TaskSummary.of(t), LinkedHashMap.class);
      notice.put("referenceTaskName", t.referenceTaskName);
      notice.put("retryCount", t.retryCount);
      notice.put("taskDescription", t.workflowTask == null ? null : t.workflowTask.description);
      return publish(engine.config().taskStatusQueue(), t.taskId + ":" + t.status + ":" + t.updateTime, Json.toString(notice),
          "task " + t.taskId + " " + t.status);
    });
  }

  private static boolean listensTo(TaskDef def) {
    return def == null || !Boolean.FALSE.equals(def.unknownFields().get("taskStatusListenerEnabled"));
  }

  /** Publishes a notice; the future ends when the broker answered (a failure is logged, not passed on). */
  private Future<Void> publish(String queue, String messageId, String payload, String what) {
    EventQueueRegistry queues = engine.backends().eventQueues();
    return queues.publish(queue, messageId, payload).onFailure(err -> LOG.warning("Status listener: the notice of " + what
        + " could not be published to " + queue + ": " + err.getMessage())).otherwiseEmpty();
  }

  private static WorkflowStatus status(String name) {
    try {
      return name == null ? null : WorkflowStatus.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
