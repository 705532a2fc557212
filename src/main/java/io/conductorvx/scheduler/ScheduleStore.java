package io.conductorvx.scheduler;

import io.conductorvx.model.SearchResult;
import io.vertx.core.Future;
import java.util.List;

/**
 * Schedules and the history of their runs. Every schedule write is conditional on the version the
 * writer read, so API calls and the schedulers of several instances never overwrite each other;
 * firing a slot is one such write (the slot advances) together with the run it claims, both or
 * neither. A failed future means the backend failed. What a store returns is a copy.
 */
public interface ScheduleStore {
  Future<StoredSchedule> get(String name);

  /** Every schedule, or those starting that workflow, ordered by name. */
  Future<List<StoredSchedule>> list(String workflowName);

  Future<SearchResult<StoredSchedule>> search(ScheduleSearch search);

  /**
   * Writes the schedule if the stored one is still at {@code expectedVersion} (0: if there is none).
   * @return false when another write came first
   */
  Future<Boolean> write(StoredSchedule schedule, long expectedVersion);

  /** @return false when there was no such schedule */
  Future<Boolean> delete(String name);

  /**
   * Schedules with a slot due at {@code now}, earliest slot first (then by name), after the
   * position (afterTime, afterName) of a previous page; null afterName starts at the beginning.
   * The store keeps them ordered: reading the due ones costs the due ones, not all schedules.
   */
  Future<List<StoredSchedule>> due(long now, long afterTime, String afterName, int limit);

  /**
   * Fires slots: writes {@code advanced} if the stored schedule is still at {@code expectedVersion}
   * and records each run as POLLED with a lease until {@code leaseUntil}, in one atomic step.
   * @return false when another writer came first (nothing was written)
   */
  Future<Boolean> claim(StoredSchedule advanced, long expectedVersion, List<ScheduleExecution> runs, long leaseUntil);

  /** Replaces a run's record with its final state (EXECUTED or FAILED). */
  Future<Void> finish(ScheduleExecution run);

  /** POLLED runs whose lease ended at or before {@code now}: starts that may not have happened. */
  Future<List<ScheduleExecution>> expiredRuns(long now, int limit);

  /**
   * Takes an expired POLLED run for a retry: extends its lease if it is still POLLED and expired.
   * @return false when it finished or another instance took it first
   */
  Future<Boolean> renewLease(String executionId, long now, long leaseUntil);

  /** Ends the lease of every POLLED run, so the next recovery retries them. @return their ids */
  Future<List<String>> expireLeases();

  Future<SearchResult<ScheduleExecution>> searchExecutions(ExecutionQuery query);

  /**
   * Deletes finished runs (EXECUTED, FAILED) whose slot is older than {@code scheduledBefore};
   * POLLED runs stay until they finish. For the retention policy. @return how many
   */
  Future<Integer> removeExecutionsOlderThan(long scheduledBefore);

  Future<Void> close();
}
