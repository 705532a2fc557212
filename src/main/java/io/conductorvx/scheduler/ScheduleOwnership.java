package io.conductorvx.scheduler;

/**
 * Whether this instance fires a schedule's slots. ConductorServer supplies it; with several
 * instances the owner of partition(hash(schedule name)) fires, the same ownership that gives each
 * workflow one writer. A slot claimed by a non-owner would still fire once (the claim is a
 * conditional write), the predicate only keeps instances from racing for every slot.
 */
@FunctionalInterface
public interface ScheduleOwnership {
  /** One instance, or every instance may fire every schedule. */
  ScheduleOwnership EVERY_SCHEDULE = name -> true;

  boolean ownsSchedule(String scheduleName);
}
