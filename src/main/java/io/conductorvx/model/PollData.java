package io.conductorvx.model;

/** When a worker last polled a task type in a domain. */
public record PollData(String queueName, String domain, String workerId, long lastPollTime) {}
