package io.conductorvx.model;

/** What happens when a task or workflow runs out of time. Workflows accept TIME_OUT_WF and ALERT_ONLY. */
public enum TimeoutPolicy {
  RETRY,
  TIME_OUT_WF,
  ALERT_ONLY
}
