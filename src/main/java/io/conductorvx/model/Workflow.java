package io.conductorvx.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A workflow execution (Conductor's Workflow). Mutable: only its owner partition changes it. */
// Computed on write only; read back they would land in unknownFields and shadow the live value.
@JsonIgnoreProperties(value = {"startTime", "workflowName", "workflowVersion"}, allowGetters = true)
public class Workflow extends Extensible {
  public String workflowId;
  public WorkflowStatus status = WorkflowStatus.RUNNING;
  public long createTime;
  public long updateTime;
  public long endTime;
  public WorkflowDef workflowDefinition;
  public Map<String, Object> input = new LinkedHashMap<>();
  public Map<String, Object> output = new LinkedHashMap<>();
  public List<Task> tasks = new ArrayList<>();
  public String correlationId;
  public String parentWorkflowId;
  public String parentWorkflowTaskId;
  public String reRunFromWorkflowId;
  public String reasonForIncompletion;
  public String event;
  public Map<String, String> taskToDomain = new LinkedHashMap<>();
  public Set<String> failedReferenceTaskNames = new LinkedHashSet<>();
  public Set<String> failedTaskNames = new LinkedHashSet<>();
  public int priority;
  public Map<String, Object> variables = new LinkedHashMap<>();
  public long lastRetriedTime;
  public String externalInputPayloadStoragePath;
  public String externalOutputPayloadStoragePath;
  public List<Object> history = new ArrayList<>();
  public String idempotencyKey;
  public String ownerApp;
  public String createdBy;
  public String updatedBy;
  /** The store's serialized input and definition from the last save (see store.WorkflowDocument); never JSON. */
  @JsonIgnore
  public transient Object storedParts;
  /**
   * The definition while store.WorkflowDocument serializes the workflow without it (it is stored
   * apart), so that workflowName and workflowVersion, derived from it, are right in what is stored.
   */
  @JsonIgnore
  public transient WorkflowDef detachedDefinition;

  @JsonProperty("startTime")
  public long startTime() {
    return createTime;
  }

  @JsonProperty("workflowName")
  public String workflowName() {
    WorkflowDef def = workflowDefinition != null ? workflowDefinition : detachedDefinition;
    return def == null ? null : def.name;
  }

  @JsonProperty("workflowVersion")
  public int workflowVersion() {
    WorkflowDef def = workflowDefinition != null ? workflowDefinition : detachedDefinition;
    return def == null ? 0 : def.version;
  }
}
