package io.conductorvx.scheduler;

import io.conductorvx.model.StartWorkflowRequest;

/**
 * One run of a schedule (Conductor's WorkflowScheduleExecutionModel): the slot it fired for, when it
 * fired, the request it started and how that went. POLLED is a claimed slot whose start is not
 * known to have happened yet; EXECUTED and FAILED are final.
 */
public record ScheduleExecution(String executionId, String scheduleName, Long scheduledTime, Long executionTime,
    String workflowName, String workflowId, String reason, String stackTrace, StartWorkflowRequest startWorkflowRequest,
    State state, String zoneId) {

  public enum State { POLLED, FAILED, EXECUTED }

  static final int MAX_REASON = 999;

  public ScheduleExecution finished(State outcome, String workflow, String why) {
    String cut = why != null && why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why;
    return new ScheduleExecution(executionId, scheduleName, scheduledTime, executionTime, workflowName,
        workflow, cut, stackTrace, startWorkflowRequest, outcome, zoneId);
  }
}
