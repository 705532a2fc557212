package io.conductorvx.engine;

import io.conductorvx.model.TaskResult;
import io.conductorvx.model.Workflow;
import java.util.Map;

/**
 * A change requested of one workflow. Commands travel on the event bus to the partition that owns
 * the workflow, which applies them one at a time: the single writer of that workflow.
 */
public sealed interface Command {
  String workflowId();

  /**
   * Create a prepared execution and decide it. Replies the workflow id. {@code idempotent}: the id
   * was chosen by the caller, so an existing workflow with that id means "already started".
   */
  record Start(Workflow workflow, boolean idempotent,
      Map<String, java.util.List<io.conductorvx.model.WorkflowTestRequest.TaskMock>> mocks) implements Command {
    public Start(Workflow workflow, boolean idempotent) {
      this(workflow, idempotent, null);
    }

    public String workflowId() {
      return workflow.workflowId;
    }
  }

  /** Apply a worker's TaskResult. Replies {@link TaskUpdated}. */
  record UpdateTask(String workflowId, TaskResult result) implements Command {}

  /** Set the first pending task with that reference name to a status, merging output. Replies the task id or null. */
  record UpdateTaskByRef(String workflowId, String referenceName, TaskResult.Status status,
      Map<String, Object> output, String workerId) implements Command {}

  /** Hand a polled task to a worker. Replies {@link Claim}. */
  record ClaimTask(String workflowId, String taskId, String workerId) implements Command {}

  /** Re-evaluate; {@code repair} also re-queues tasks whose queue entry is missing (sweeper). */
  record Decide(String workflowId, boolean repair) implements Command {}

  record Pause(String workflowId) implements Command {}

  record Resume(String workflowId) implements Command {}

  record Terminate(String workflowId, String reason) implements Command {}

  record Remove(String workflowId) implements Command {}

  /**
   * Live feed: publish a snapshot of the workflow (with tasks) under {@code key} on the server's
   * feed, and with {@code register} start publishing its commits there. Taken in order with the
   * workflow's other commands, so snapshot and later events join with no gap. 404 when unknown.
   * {@code watchId} names the subscription's watch: registering it again (a resent watch racing a
   * partition move) keeps one watch.
   */
  record Watch(String workflowId, String key, boolean register, String watchId, String subscriber) implements Command {
    /** A watch for this server's own feed. */
    public Watch(String workflowId, String key, boolean register, String watchId) {
      this(workflowId, key, register, watchId, null);
    }

    /**
     * {@code subscriber}: in a cluster, the member whose feed the snapshot and later commits go to
     * ({@code memberId@host:port}, stamped when the command is forwarded); null for this server's own.
     */
    public Watch withSubscriber(String member) {
      return new Watch(workflowId, key, register, watchId, member);
    }
  }

  /**
   * Live feed: the watch {@code watchId} of the workflow ended (registered by a {@link Watch} on the
   * owner). {@code subscriber} as in Watch. Replies null, also when nothing was registered.
   */
  record Unwatch(String workflowId, String watchId, String subscriber) implements Command {
    public Unwatch withSubscriber(String member) {
      return new Unwatch(workflowId, watchId, member);
    }
  }

  /**
   * Retention: remove the workflow if it is still the finished execution that was selected (still
   * terminal, same end time); a retry, restart or rerun in between keeps it. Replies whether it was removed.
   */
  record Expire(String workflowId, long endTime) implements Command {}

  /** Retry the latest failed attempts of a finished workflow. */
  record Retry(String workflowId) implements Command {}

  /**
   * Run a finished workflow again from the start, same id. {@code definition} replaces its
   * definition (restart with useLatestDefinitions), {@code input}/{@code correlationId} its input
   * (rerun); null keeps what it had.
   */
  record Restart(String workflowId, io.conductorvx.model.WorkflowDef definition, Map<String, Object> input,
      String correlationId) implements Command {}

  /** Run a finished workflow again from one of its tasks, optionally with new task input. */
  record RerunFromTask(String workflowId, String taskId, Map<String, Object> taskInput) implements Command {}

  record SkipTask(String workflowId, String referenceName, Map<String, Object> taskInput,
      Map<String, Object> taskOutput) implements Command {}

  record ResetCallbacks(String workflowId) implements Command {}

  /** Merge these into the workflow's variables (the SDKs' updateVariables); a running workflow is decided again. */
  record UpdateVariables(String workflowId, Map<String, Object> variables) implements Command {}

  /**
   * Queue a message for the workflow (POST /workflow/{id}/messages) and decide, so a waiting
   * PULL_WORKFLOW_MESSAGES task picks it up. Replies the message id; 409 unless RUNNING, 429 when full.
   */
  record PushMessage(String workflowId, io.conductorvx.model.WorkflowMessage message) implements Command {}

  /** A child workflow was retried, restarted or rerun: its parent's SUB_WORKFLOW task runs again. */
  record ChildReopened(String workflowId, String parentTaskId) implements Command {}

  /** Offloaded work of a system task came back (or a child workflow ended): resume the task. */
  record TaskWorkDone(String workflowId, String taskId, Object result, Throwable error) implements Command {}

  /** What a parent's SUB_WORKFLOW task hears when its child workflow ends. */
  record ChildEnded(String childWorkflowId, io.conductorvx.model.WorkflowStatus status,
      Map<String, Object> output, String reasonForIncompletion) {}

  /** The outcome of a task update: enough for update-v2 to poll the next task of the same kind. */
  record TaskUpdated(String taskId, String taskType, String domain, boolean terminal) {}

  /** The outcome of a claim: the task's JSON when handed out, or why not. */
  record Claim(Outcome outcome, byte[] taskJson) {
    public enum Outcome { CLAIMED, DROP, POSTPONE }
  }
}
