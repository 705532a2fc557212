package io.conductorvx.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A schedule as a store keeps it: the API's document, the pending slot of each of its triggers
 * (null: none, because it is paused or past its end) and a version every write increments, so
 * concurrent writers (API calls, schedulers on several instances) update it conditionally.
 */
public record StoredSchedule(WorkflowSchedule schedule, List<Long> slots, long version) {
  public StoredSchedule {
    slots = Collections.unmodifiableList(new ArrayList<>(slots));
  }

  public String name() {
    return schedule.name;
  }

  /** The earliest pending slot, or null when none is pending. */
  public Long nextRunTime() {
    Long min = null;
    for (Long s : slots) {
      if (s != null && (min == null || s < min)) {
        min = s;
      }
    }
    return min;
  }

  /** The document as the API shows it: with its next run time. */
  public WorkflowSchedule view() {
    schedule.nextRunTime = nextRunTime();
    return schedule;
  }

  /** The same schedule with other slots, one version later. */
  public StoredSchedule advanced(List<Long> nextSlots) {
    return new StoredSchedule(schedule, nextSlots, version + 1);
  }
}
