package io.conductorvx.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request to start a workflow (Conductor's StartWorkflowRequest). */
public class StartWorkflowRequest {
  public String name;
  public Integer version;
  public String correlationId;
  public Map<String, Object> input = new LinkedHashMap<>();
  public Map<String, String> taskToDomain = new LinkedHashMap<>();
  public WorkflowDef workflowDef;
  public String externalInputPayloadStoragePath;
  public Integer priority = 0;
  public String createdBy;
  public String idempotencyKey;
  public String idempotencyStrategy;
}
