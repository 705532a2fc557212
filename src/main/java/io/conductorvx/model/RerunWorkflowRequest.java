package io.conductorvx.model;

import java.util.Map;

/** Where and with what input to re-run a finished workflow. */
public class RerunWorkflowRequest {
  public String reRunFromWorkflowId;
  public Map<String, Object> workflowInput;
  public String reRunFromTaskId;
  public Map<String, Object> taskInput;
  public String correlationId;
}
