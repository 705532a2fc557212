package io.conductorvx.engine;

import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Conductor's registration rules for definitions; each problem is one readable sentence. */
public final class DefinitionValidator {
  private DefinitionValidator() {}

  public static List<String> validate(WorkflowDef def) {
    List<String> problems = new ArrayList<>();
    if (def.name == null || def.name.isBlank()) {
      problems.add("name: WorkflowDef name cannot be null or empty");
    }
    if (def.schemaVersion != 2) {
      problems.add("schemaVersion: only schemaVersion 2 is supported, got " + def.schemaVersion);
    }
    if (def.version < 0) {
      problems.add("version: must not be negative");
    }
    if (def.timeoutSeconds < 0) {
      problems.add("timeoutSeconds: must not be negative");
    }
    String retention = io.conductorvx.retention.RetentionPolicy.validate(def);
    if (retention != null) {
      problems.add(retention);
    }
    if (def.tasks == null || def.tasks.isEmpty()) {
      problems.add("tasks: WorkflowTask list cannot be empty");
      return problems;
    }
    validateTasks(def.tasks, new HashSet<>(), problems);
    return problems;
  }

  private static void validateTasks(List<WorkflowTask> tasks, Set<String> refs, List<String> problems) {
    for (WorkflowTask t : tasks) {
      if (t == null) {
        problems.add("tasks: a task must not be null");
        continue;
      }
      if (t.name == null || t.name.isBlank()) {
        problems.add("tasks: WorkflowTask name cannot be empty or null");
      }
      if (t.taskReferenceName == null || t.taskReferenceName.isBlank()) {
        problems.add("tasks: WorkflowTask taskReferenceName name cannot be empty or null (task " + t.name + ")");
      } else if (!refs.add(t.taskReferenceName)) {
        problems.add("tasks: taskReferenceName " + t.taskReferenceName + " is used more than once");
      }
      if (t.type == null || t.type.isBlank()) {
        t.type = "SIMPLE";
      }
      if (t.startDelay < 0) {
        problems.add("tasks: startDelay of " + t.taskReferenceName + " must not be negative");
      }
      if (t.retryCount != null && t.retryCount < 0) {
        problems.add("tasks: retryCount of " + t.taskReferenceName + " must not be negative");
      }
      if (t.taskDefinition != null) {
        validate(t.taskDefinition).forEach(p -> problems.add("tasks: " + t.taskReferenceName + ".taskDefinition." + p));
      }
      validateTasks(t.children(), refs, problems);
    }
  }

  public static List<String> validate(TaskDef def) {
    List<String> problems = new ArrayList<>();
    if (def.name == null || def.name.isBlank()) {
      problems.add("name: TaskDef name cannot be null or empty");
    }
    if (def.retryCount < 0) {
      problems.add("retryCount: TaskDef retryCount must be >= 0");
    }
    if (def.retryDelaySeconds < 0) {
      problems.add("retryDelaySeconds: must be >= 0");
    }
    if (def.timeoutSeconds < 0) {
      problems.add("timeoutSeconds: must be >= 0");
    }
    if (def.responseTimeoutSeconds < 1) {
      problems.add("responseTimeoutSeconds: TaskDef responseTimeoutSeconds must be >= 1");
    }
    if (def.timeoutSeconds > 0 && def.responseTimeoutSeconds > def.timeoutSeconds) {
      problems.add("responseTimeoutSeconds: TaskDef " + def.name + " responseTimeoutSeconds: " + def.responseTimeoutSeconds
          + " must be less than timeoutSeconds: " + def.timeoutSeconds);
    }
    if (def.totalTimeoutSeconds > 0 && def.totalTimeoutSeconds < def.timeoutSeconds) {
      problems.add("totalTimeoutSeconds: must be >= timeoutSeconds");
    }
    if (def.pollTimeoutSeconds != null && def.pollTimeoutSeconds < 0) {
      problems.add("pollTimeoutSeconds: TaskDef pollTimeoutSeconds must be >= 0");
    }
    if (def.backoffScaleFactor < 1) {
      problems.add("backoffScaleFactor: TaskDef backoffScaleFactor must be >= 1");
    }
    if (def.concurrentExecLimit != null && def.concurrentExecLimit < 0) {
      problems.add("concurrentExecLimit: must be >= 0");
    }
    if (def.rateLimitPerFrequency != null && def.rateLimitPerFrequency < 0) {
      problems.add("rateLimitPerFrequency: must be >= 0");
    }
    if (def.rateLimitFrequencyInSeconds != null && def.rateLimitFrequencyInSeconds < 0) {
      problems.add("rateLimitFrequencyInSeconds: must be >= 0");
    }
    return problems;
  }
}
