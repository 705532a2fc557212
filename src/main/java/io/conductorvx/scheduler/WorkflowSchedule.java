package io.conductorvx.scheduler;

import io.conductorvx.model.StartWorkflowRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Conductor's WorkflowSchedule: which workflow to start, on which crons (each in its zone), between
 * which bounds. The JSON shape of {@code /api/scheduler/schedules}.
 */
public class WorkflowSchedule {
  public static final String DEFAULT_ZONE = "UTC";

  public String name;
  public String cronExpression;
  public String zoneId = DEFAULT_ZONE;
  /** When not empty, these crons (each with its own zone) replace cronExpression and zoneId. */
  public List<CronSchedule> cronSchedules = new ArrayList<>();
  public boolean runCatchupScheduleInstances;
  public boolean paused;
  public String pausedReason;
  public StartWorkflowRequest startWorkflowRequest;
  public Long scheduleStartTime;
  public Long scheduleEndTime;
  public String description;
  public Long createTime;
  public Long updatedTime;
  public String createdBy;
  public String updatedBy;
  /** The earliest pending slot over its crons; set when read, never stored. */
  public Long nextRunTime;
  public List<Tag> tags = new ArrayList<>();

  /** The crons that make its slots, in order: cronSchedules when given, else cronExpression in zoneId. */
  public List<CronSchedule> triggers() {
    if (cronSchedules != null && !cronSchedules.isEmpty()) {
      List<CronSchedule> out = new ArrayList<>(cronSchedules.size());
      for (CronSchedule c : cronSchedules) {
        out.add(c == null ? null : c.withDefaultZone());
      }
      return out;
    }
    if (cronExpression == null || cronExpression.isBlank()) {
      return List.of();
    }
    return List.of(new CronSchedule(cronExpression, zoneId).withDefaultZone());
  }

  /** A cron and the zone it is read in. */
  public record CronSchedule(String cronExpression, String zoneId) {
    CronSchedule withDefaultZone() {
      return zoneId == null || zoneId.isBlank() ? new CronSchedule(cronExpression, DEFAULT_ZONE) : this;
    }

    /** As the injected {@code _schedulerCron} input spells it: "<cron> <zone>". */
    public String describe() {
      return cronExpression + " " + zoneId;
    }
  }

  /** A schedule tag (Orkes' TagObject without its deprecated type). */
  public record Tag(String key, String value) {}
}
