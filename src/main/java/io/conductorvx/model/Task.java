package io.conductorvx.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One attempt of one task of a workflow execution (Conductor's Task). Mutable: only the owner of
 * its workflow changes it.
 */
// Computed on write only; read back they would land in unknownFields and shadow the live value.
@JsonIgnoreProperties(value = {"queueWaitTime", "loopOverTask", "taskDefinition"}, allowGetters = true)
public class Task extends Extensible {
  public String taskId;
  public String taskType;
  public String taskDefName;
  public String referenceTaskName;
  public TaskStatus status;
  public Map<String, Object> inputData = new LinkedHashMap<>();
  public Map<String, Object> outputData = new LinkedHashMap<>();
  public String workflowInstanceId;
  public String workflowType;
  public String correlationId;
  public int seq;
  public int retryCount;
  public String retriedTaskId;
  public boolean retried;
  public boolean executed;
  public int pollCount;
  public long scheduledTime;
  public long startTime;
  public long endTime;
  public long updateTime;
  public long firstStartTime;
  public int startDelayInSeconds;
  public long callbackAfterSeconds;
  public boolean callbackFromWorker = true;
  public long responseTimeoutSeconds;
  public String workerId;
  public String reasonForIncompletion;
  public WorkflowTask workflowTask;
  public String domain;
  public int rateLimitPerFrequency;
  public int rateLimitFrequencyInSeconds;
  public String externalInputPayloadStoragePath;
  public String externalOutputPayloadStoragePath;
  public int workflowPriority;
  public String executionNameSpace;
  public String isolationGroupId;
  public int iteration;
  public String subWorkflowId;
  public boolean subworkflowChanged;
  public String parentTaskId;
  public Object executionMetadata;

  /**
   * This very state's stored document, encoded ahead by {@code TaskDocument.encodeForSave} for the
   * save that follows in the same command, which takes it; never part of the JSON.
   */
  @JsonIgnore
  public transient byte[] encodedDocument;

  @JsonProperty("queueWaitTime")
  public long queueWaitTime() {
    if (startTime > 0 && scheduledTime > 0) {
      long delay = callbackAfterSeconds * 1000;
      return updateTime > 0 && delay > 0 ? startTime - updateTime - delay : startTime - scheduledTime;
    }
    return 0;
  }

  @JsonProperty("loopOverTask")
  public boolean loopOverTask() {
    return iteration > 0;
  }

  @JsonProperty("taskDefinition")
  public TaskDef taskDefinition() {
    return workflowTask == null ? null : workflowTask.taskDefinition;
  }

  /** The definition that governs retries and timeouts; never null once scheduled. */
  @JsonIgnore
  public TaskDef def() {
    TaskDef def = taskDefinition();
    return def != null ? def : TaskDef.synthetic(taskDefName, true);
  }

  @JsonIgnore
  public boolean isTerminal() {
    return status != null && status.isTerminal();
  }
}
