package io.conductorvx.model;

/** One log line a worker attached to a task. */
public record TaskExecLog(String log, String taskId, long createdTime) {}
