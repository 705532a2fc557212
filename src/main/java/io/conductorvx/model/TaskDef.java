package io.conductorvx.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A registered task definition (Conductor's TaskDef). Defaults are Conductor's. */
public class TaskDef extends Extensible {
  public String name;
  public String description;
  public int retryCount = 3;
  public long timeoutSeconds;
  public List<String> inputKeys = new ArrayList<>();
  public List<String> outputKeys = new ArrayList<>();
  public TimeoutPolicy timeoutPolicy = TimeoutPolicy.TIME_OUT_WF;
  public RetryLogic retryLogic = RetryLogic.FIXED;
  public int retryDelaySeconds = 60;
  public long responseTimeoutSeconds = 3600;
  public Integer concurrentExecLimit;
  public Map<String, Object> inputTemplate = new LinkedHashMap<>();
  public Integer rateLimitPerFrequency;
  public Integer rateLimitFrequencyInSeconds;
  public String isolationGroupId;
  public String executionNameSpace;
  public String ownerEmail;
  public Integer pollTimeoutSeconds;
  public int backoffScaleFactor = 1;
  public int maxRetryDelaySeconds;
  public int backoffJitterMs;
  public long totalTimeoutSeconds;
  public String baseType;
  public Object inputSchema;
  public Object outputSchema;
  public boolean enforceSchema;
  public String ownerApp;
  public Long createTime;
  public Long updateTime;
  public String createdBy;
  public String updatedBy;

  public TaskDef() {}

  /** The definition Conductor synthesizes for a task that was never registered. */
  public static TaskDef synthetic(String name, boolean workerTask) {
    TaskDef def = new TaskDef();
    def.name = name;
    if (!workerTask) {
      def.retryCount = 0;
      def.responseTimeoutSeconds = 0;
    }
    return def;
  }
}
