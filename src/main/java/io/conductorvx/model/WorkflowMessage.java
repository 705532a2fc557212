package io.conductorvx.model;

import java.util.Map;

/**
 * A message pushed into a running workflow (Conductor's WorkflowMessage): {@code payload} is the
 * caller's JSON object, {@code receivedAt} an ISO-8601 UTC instant. PULL_WORKFLOW_MESSAGES tasks
 * read them in the order they arrived.
 */
public record WorkflowMessage(String id, String workflowId, Map<String, Object> payload, String receivedAt) {}
