package io.conductorvx.model;

/** Name and version of a workflow definition, for listings. */
public record WorkflowDefSummary(String name, int version, Long createTime, Long updateTime) {}
