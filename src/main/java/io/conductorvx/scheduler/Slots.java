package io.conductorvx.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * When a schedule's triggers fire next: the first slot after a save or a resume, and the slot after
 * one that fired, by the catch-up rule and the start and end bounds.
 */
final class Slots {
  /** Conductor starts looking this much before scheduleStartTime, so a slot at the start itself fires. */
  private static final long START_LEAD_MS = 500;

  private Slots() {}

  /** Each trigger's first slot after {@code now}, or all null while paused. */
  static List<Long> first(WorkflowSchedule s, long now) {
    List<WorkflowSchedule.CronSchedule> triggers = s.triggers();
    List<Long> slots = new ArrayList<>(triggers.size());
    for (WorkflowSchedule.CronSchedule t : triggers) {
      slots.add(s.paused ? null : bounded(s, Cron.next(t, notBeforeStart(s, now))));
    }
    return slots;
  }

  /**
   * The slot after {@code fired}: with catch-up every slot in order, even those already past;
   * without it the first one after now, so a schedule overdue after downtime fires once and then
   * jumps to the future. Bounds apply either way (Conductor skips them with catch-up).
   */
  static Long after(WorkflowSchedule s, WorkflowSchedule.CronSchedule trigger, long fired, long now) {
    long from = s.runCatchupScheduleInstances ? fired : Math.max(fired, now);
    return bounded(s, Cron.next(trigger, notBeforeStart(s, from)));
  }

  /** The next few slots of a cron from now, within the bounds (GET /nextFewSchedules). */
  static List<Long> preview(WorkflowSchedule.CronSchedule trigger, Long start, Long end, int limit, long now) {
    WorkflowSchedule s = new WorkflowSchedule();
    s.scheduleStartTime = start;
    s.scheduleEndTime = end;
    List<Long> out = new ArrayList<>();
    long from = notBeforeStart(s, now);
    while (out.size() < limit) {
      Long next = bounded(s, Cron.next(trigger, from));
      if (next == null) {
        break;
      }
      out.add(next);
      from = next;
    }
    return out;
  }

  private static long notBeforeStart(WorkflowSchedule s, long from) {
    return s.scheduleStartTime != null ? Math.max(from, s.scheduleStartTime - START_LEAD_MS) : from;
  }

  private static Long bounded(WorkflowSchedule s, Long slot) {
    return slot == null || s.scheduleEndTime != null && slot > s.scheduleEndTime ? null : slot;
  }
}
