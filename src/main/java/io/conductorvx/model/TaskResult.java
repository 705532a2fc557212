package io.conductorvx.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a worker reports about a task it ran (Conductor's TaskResult). */
public class TaskResult {
  /** The statuses a worker may report. */
  public enum Status {
    IN_PROGRESS,
    FAILED,
    FAILED_WITH_TERMINAL_ERROR,
    COMPLETED,
    CANCELED;

    public TaskStatus toTaskStatus() {
      return TaskStatus.valueOf(name());
    }
  }

  public String workflowInstanceId;
  public String taskId;
  public Status status;
  public Map<String, Object> outputData = new LinkedHashMap<>();
  public String reasonForIncompletion;
  public long callbackAfterSeconds;
  public String workerId;
  public List<TaskExecLog> logs = new ArrayList<>();
  public String externalOutputPayloadStoragePath;
  public String subWorkflowId;
  public boolean extendLease;
}
