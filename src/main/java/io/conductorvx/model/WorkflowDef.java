package io.conductorvx.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A versioned workflow definition (Conductor's WorkflowDef). */
public class WorkflowDef extends Extensible {
  public String name;
  public String description;
  public int version = 1;
  public List<WorkflowTask> tasks = new ArrayList<>();
  public List<String> inputParameters = new ArrayList<>();
  public Map<String, Object> outputParameters = new LinkedHashMap<>();
  public String failureWorkflow;
  public Integer failureWorkflowVersion;
  public int schemaVersion = 2;
  public boolean restartable = true;
  public boolean workflowStatusListenerEnabled;
  public String workflowStatusListenerSink;
  public String ownerEmail;
  public TimeoutPolicy timeoutPolicy = TimeoutPolicy.ALERT_ONLY;
  public long timeoutSeconds;
  public Map<String, Object> variables = new LinkedHashMap<>();
  public Map<String, Object> inputTemplate = new LinkedHashMap<>();
  public Object rateLimitConfig;
  public Object inputSchema;
  public Object outputSchema;
  public boolean enforceSchema = true;
  public Map<String, Object> metadata = new LinkedHashMap<>();
  public String ownerApp;
  public Long createTime;
  public Long updateTime;
  public String createdBy;
  public String updatedBy;

  /**
   * Set only on a frozen definition shared by every execution started from the same stored version
   * (engine.PreparedDefinitions): the engine's navigation index of it, built once.
   */
  @JsonIgnore
  public transient Object sharedIndex;
}
