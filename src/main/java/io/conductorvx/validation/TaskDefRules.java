package io.conductorvx.validation;

import io.conductorvx.error.ConductorException.Violation;
import io.conductorvx.model.TaskDef;
import java.util.List;

/** Conductor's rules for a task definition, registered or inline in a workflow task. */
final class TaskDefRules {
  private TaskDefRules() {}

  static List<Violation> validate(TaskDef def) {
    Violations v = new Violations();
    if (def.name == null || def.name.isBlank()) {
      v.add("name", "TaskDef name cannot be null or empty");
    }
    if (def.retryCount < 0) {
      v.add("retryCount", "TaskDef retryCount must be >= 0");
    }
    if (def.retryDelaySeconds < 0) {
      v.add("retryDelaySeconds", "must be >= 0");
    }
    if (def.timeoutSeconds < 0) {
      v.add("timeoutSeconds", "must be >= 0");
    }
    if (def.responseTimeoutSeconds < 1) {
      v.add("responseTimeoutSeconds", "TaskDef responseTimeoutSeconds must be >= 1");
    }
    if (def.timeoutSeconds > 0 && def.responseTimeoutSeconds > def.timeoutSeconds) {
      v.add("responseTimeoutSeconds", "TaskDef " + def.name + " responseTimeoutSeconds: " + def.responseTimeoutSeconds
          + " must be less than timeoutSeconds: " + def.timeoutSeconds);
    }
    if (def.totalTimeoutSeconds > 0 && def.totalTimeoutSeconds < def.timeoutSeconds) {
      v.add("totalTimeoutSeconds", "must be >= timeoutSeconds");
    }
    if (def.pollTimeoutSeconds != null && def.pollTimeoutSeconds < 0) {
      v.add("pollTimeoutSeconds", "TaskDef pollTimeoutSeconds must be >= 0");
    }
    if (def.backoffScaleFactor < 1) {
      v.add("backoffScaleFactor", "TaskDef backoffScaleFactor must be >= 1");
    }
    if (def.concurrentExecLimit != null && def.concurrentExecLimit < 0) {
      v.add("concurrentExecLimit", "must be >= 0");
    }
    if (def.rateLimitPerFrequency != null && def.rateLimitPerFrequency < 0) {
      v.add("rateLimitPerFrequency", "must be >= 0");
    }
    if (def.rateLimitFrequencyInSeconds != null && def.rateLimitFrequencyInSeconds < 0) {
      v.add("rateLimitFrequencyInSeconds", "must be >= 0");
    }
    return v.list();
  }
}
