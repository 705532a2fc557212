package io.conductorvx.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/** A search hit (Conductor's WorkflowSummary): times as ISO strings, input and output as JSON text. */
public record WorkflowSummary(
    String workflowType, int version, String workflowId, String correlationId, String startTime,
    String updateTime, String endTime, WorkflowStatus status, String input, String output,
    String reasonForIncompletion, long executionTime, String event, String failedReferenceTaskNames,
    Set<String> failedTaskNames, String externalInputPayloadStoragePath, String externalOutputPayloadStoragePath,
    int priority, String createdBy, Map<String, String> taskToDomain, String idempotencyKey, String parentWorkflowId) {

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public static WorkflowSummary of(Workflow wf) {
    return new WorkflowSummary(wf.workflowName(), wf.workflowVersion(), wf.workflowId, wf.correlationId,
        iso(wf.createTime), iso(wf.updateTime), iso(wf.endTime), wf.status, Json.toString(wf.input),
        Json.toString(wf.output), wf.reasonForIncompletion, wf.endTime > 0 ? wf.endTime - wf.createTime : 0,
        wf.event, String.join(",", wf.failedReferenceTaskNames), wf.failedTaskNames,
        wf.externalInputPayloadStoragePath, wf.externalOutputPayloadStoragePath, wf.priority, wf.createdBy,
        wf.taskToDomain, wf.idempotencyKey, wf.parentWorkflowId == null ? "" : wf.parentWorkflowId);
  }

  /** Epoch milliseconds as the ISO-8601 UTC text summaries carry; null for 0 (not happened yet). */
  static String iso(long epochMs) {
    return epochMs > 0 ? ISO.format(Instant.ofEpochMilli(epochMs)) : null;
  }
}
