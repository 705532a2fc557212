package io.conductorvx.messages;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowMessage;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.tasks.PullWorkflowMessagesTask;
import io.conductorvx.tasks.TaskTypes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Each workflow's message queue (Conductor's workflow message queue), kept in the configured queue
 * backend under {@code _workflowMessages:<workflowId>}, so messages are as durable as task queues.
 * Pushes run on the workflow's owner ({@code Command.PushMessage}), one after another with every
 * other change of that workflow: the RUNNING check, the size check and the push cannot race a
 * terminate or each other. A PULL_WORKFLOW_MESSAGES task pops with a lease and removes what it
 * popped only after its completion is saved, so a crash in between delivers the messages again.
 */
public final class WorkflowMessages {
  static final String QUEUE_PREFIX = "_workflowMessages:";
  private static final int PURGE_BATCH = 100;

  private final QueueStore queues;
  private final TaskTypes types;
  private final int maxQueueSize;
  private final int maxBatchSize;
  private final long leaseMs;
  /**
   * Workflows this server queued messages for: the ones whose queue needs dropping when they end
   * (every other workflow's end costs nothing). In memory: after a restart, messages left for a
   * workflow that then ends stay queued, at most {@code workflowMessageQueueMaxSize} each.
   */
  private final java.util.Set<String> withMessages = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public WorkflowMessages(QueueStore queues, TaskTypes types, ServerConfig config) {
    this.queues = queues;
    this.types = types;
    this.maxQueueSize = config.workflowMessageQueueMaxSize();
    this.maxBatchSize = config.workflowMessageMaxBatchSize();
    this.leaseMs = Math.max(1, config.queueLeaseSeconds()) * 1000;
  }

  public static String queueName(String workflowId) {
    return QUEUE_PREFIX + workflowId;
  }

  /** The largest batch one PULL_WORKFLOW_MESSAGES execution takes, whatever its input asks. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /**
   * Queues the message of a RUNNING workflow (409 otherwise; 429 when its queue is full) and wakes
   * its waiting PULL_WORKFLOW_MESSAGES tasks. Runs on the workflow's owner. Answers the message id.
   */
  public Future<String> accept(Workflow wf, WorkflowMessage message) {
    if (wf.status != WorkflowStatus.RUNNING) {
      return Future.failedFuture(ConductorException.conflict("Workflow " + wf.workflowId
          + " is not in RUNNING state (current: " + wf.status + ")"));
    }
    String queue = queueName(wf.workflowId);
    return queues.size(queue).compose(size -> size >= maxQueueSize
        ? Future.failedFuture(new ConductorException(429, "Workflow message queue for workflowId=" + wf.workflowId
            + " has reached the maximum size of " + maxQueueSize, false))
        : queues.push(queue, new QueueMessage(message.id(), Json.toString(message), 0), 0))
        .map(v -> {
          withMessages.add(wf.workflowId);
          PullWorkflowMessagesTask pull = (PullWorkflowMessagesTask) types.of(PullWorkflowMessagesTask.TYPE);
          for (Task t : wf.tasks) {
            if (PullWorkflowMessagesTask.TYPE.equals(t.taskType) && !t.isTerminal()) {
              pull.wake(t.taskId);
            }
          }
          return message.id();
        });
  }

  /** Takes up to {@code count} messages, oldest first, leased until {@link #remove}d (or the lease ends). */
  public Future<List<WorkflowMessage>> pop(String workflowId, int count) {
    return queues.pop(queueName(workflowId), Math.max(1, Math.min(count, maxBatchSize)), leaseMs).map(popped -> {
      List<WorkflowMessage> out = new ArrayList<>(popped.size());
      for (QueueMessage m : popped) {
        out.add(read(m));
      }
      return out;
    });
  }

  private static WorkflowMessage read(QueueMessage m) {
    try {
      return Json.MAPPER.readValue(m.payload(), WorkflowMessage.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Stored workflow message " + m.id() + " is not readable: " + e.getMessage(), e);
    }
  }

  /** Deletes messages that were delivered (their task's completion is saved). */
  public Future<Void> remove(String workflowId, List<String> messageIds) {
    String queue = queueName(workflowId);
    Future<Void> chain = Future.succeededFuture();
    for (String id : messageIds) {
      chain = chain.compose(v -> queues.remove(queue, id).mapEmpty());
    }
    return chain;
  }

  /** Messages waiting (not counting ones a task is taking right now). */
  public Future<Long> size(String workflowId) {
    return queues.size(queueName(workflowId));
  }

  /** True (once) when the workflow got messages through this server: its queue is dropped when it ends. */
  boolean forgetHasMessages(String workflowId) {
    return withMessages.remove(workflowId);
  }

  /** Drops every waiting message of a workflow that ended: nobody can read them any more. */
  public Future<Void> purge(String workflowId) {
    String queue = queueName(workflowId);
    return queues.pop(queue, PURGE_BATCH, leaseMs).compose(popped -> {
      Future<Void> chain = Future.succeededFuture();
      for (QueueMessage m : popped) {
        chain = chain.compose(v -> queues.remove(queue, m.id()).mapEmpty());
      }
      return popped.size() < PURGE_BATCH ? chain : chain.compose(v -> purge(workflowId));
    });
  }

  long leaseMs() {
    return leaseMs;
  }
}
