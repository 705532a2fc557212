package io.conductorvx.model;

/** A task as task search lists it (Conductor's TaskSummary): times as ISO strings, input and output as JSON text. */
public record TaskSummary(
    String workflowId, String workflowType, String correlationId, String scheduledTime, String startTime,
    String updateTime, String endTime, TaskStatus status, String reasonForIncompletion, long executionTime,
    long queueWaitTime, String taskDefName, String taskType, String input, String output, String taskId,
    String externalInputPayloadStoragePath, String externalOutputPayloadStoragePath, int workflowPriority,
    String domain) {

  public static TaskSummary of(Task t) {
    return new TaskSummary(t.workflowInstanceId, t.workflowType, t.correlationId, iso(t.scheduledTime),
        iso(t.startTime), iso(t.updateTime), iso(t.endTime), t.status, t.reasonForIncompletion,
        t.endTime > 0 && t.startTime > 0 ? t.endTime - t.startTime : 0, t.queueWaitTime(), t.taskDefName, t.taskType,
        Json.toString(t.inputData), Json.toString(t.outputData), t.taskId, t.externalInputPayloadStoragePath,
        t.externalOutputPayloadStoragePath, t.workflowPriority, t.domain);
  }

  private static String iso(long epochMs) {
    return WorkflowSummary.iso(epochMs);
  }
}
