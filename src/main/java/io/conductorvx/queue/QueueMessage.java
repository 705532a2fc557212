package io.conductorvx.queue;

/**
 * An entry of a queue: the id of what is queued (a task id, or a workflow id in the decider queue)
 * and a payload the reader needs to route it (the workflow id of a task).
 */
public record QueueMessage(String id, String payload, int priority) {}
