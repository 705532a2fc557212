package io.conductorvx.scheduler;

import io.conductorvx.error.ConductorException;
import java.util.Locale;

/**
 * A search of schedules ({@code GET /api/scheduler/schedules/search}): optional workflow name
 * (exact), schedule name (contains, any case), paused flag and free text (in the name, workflow
 * name or description), a page and one sort field (default the name).
 */
public record ScheduleSearch(String workflowName, String scheduleName, Boolean paused, String freeText, int start,
    int size, String sortField, boolean descending) {
  public static final int MAX_SIZE = 5000;

  public static ScheduleSearch of(String workflowName, String scheduleName, Boolean paused, String freeText, int start,
      int size, String sort) {
    if (size > MAX_SIZE) {
      throw ConductorException.badRequest("Cannot return more than " + MAX_SIZE + " schedules. Please use pagination.");
    }
    if (start < 0 || size < 0) {
      throw ConductorException.badRequest("start and size must not be negative");
    }
    String field = "name";
    boolean desc = false;
    if (sort != null) {
      for (String item : sort.split("[;,]")) {
        String[] parts = item.split(":");
        String f = switch (parts[0].trim()) {
          case "name", "scheduleName" -> "name";
          case "workflowName" -> "workflowName";
          case "createTime" -> "createTime";
          case "updatedTime", "updateTime" -> "updatedTime";
          case "nextRunTime" -> "nextRunTime";
          default -> null;
        };
        if (f != null) {
          field = f;
          desc = parts.length > 1 && "DESC".equalsIgnoreCase(parts[1].trim());
          break;
        }
      }
    }
    String text = freeText == null || freeText.isBlank() || "*".equals(freeText.trim()) ? null : freeText.trim();
    return new ScheduleSearch(blankToNull(workflowName), blankToNull(scheduleName), paused, text, start, size, field, desc);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  public boolean matches(StoredSchedule s) {
    WorkflowSchedule w = s.schedule();
    String wf = w.startWorkflowRequest == null ? null : w.startWorkflowRequest.name;
    if (workflowName != null && !workflowName.equals(wf)) {
      return false;
    }
    if (scheduleName != null && !lower(w.name).contains(scheduleName.toLowerCase(Locale.ROOT))) {
      return false;
    }
    if (paused != null && paused != w.paused) {
      return false;
    }
    String t = freeText == null ? null : freeText.toLowerCase(Locale.ROOT);
    return t == null || lower(w.name).contains(t) || lower(wf).contains(t) || lower(w.description).contains(t);
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
