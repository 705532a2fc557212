package io.conductorvx.model;

import java.util.Map;

/** Which workflow a SUB_WORKFLOW task starts and how. Fields may hold ${...} expressions. */
public class SubWorkflowParams extends Extensible {
  public String name;
  public Object version;
  public Map<String, String> taskToDomain;
  public Object workflowDefinition;
  public Object priority;
  public String idempotencyKey;
  public String idempotencyStrategy;
}
