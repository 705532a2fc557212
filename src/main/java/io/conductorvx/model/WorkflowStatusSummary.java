package io.conductorvx.model;

import java.util.Map;

/** The body of GET /workflow/{id}/status. */
public record WorkflowStatusSummary(
    String workflowId, String correlationId, WorkflowStatus status, Map<String, Object> output, Map<String, Object> variables) {}
