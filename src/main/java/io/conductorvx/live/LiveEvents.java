package io.conductorvx.live;

/** Event bus addresses on which status changes are published (JSON bodies). */
public final class LiveEvents {
  /** {workflowId, workflowName, status, updateTime}. */
  public static final String WORKFLOW = "conductor.events.workflow";
  /** {taskId, workflowId, referenceTaskName, taskType, status, updateTime}. */
  public static final String TASK = "conductor.events.task";
  /** Body: a queue name that just got a message; wakes long polls parked on it. */
  public static final String QUEUE_READY = "conductor.queue.ready";

  private LiveEvents() {}
}
