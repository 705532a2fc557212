package io.conductorvx.store;

import io.conductorvx.model.Json;
import io.conductorvx.model.PollData;
import io.conductorvx.model.SearchResult;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.Workflow;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * Workflow executions and their tasks, task logs and poll data. Only a workflow's owner partition
 * writes its workflow and tasks; anyone may read. Reads answer null for a missing item. What a
 * store returns is a copy: changing it changes nothing stored.
 */
public interface ExecutionStore {
  /**
   * Writes the workflow (without its task list) and the given tasks in one atomic step, and deletes
   * the tasks named in {@code removedTaskIds}. Succeeds only once everything is durable.
   */
  Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds);

  /**
   * As {@link #save(Workflow, Collection, Collection)}, made under a partition's lease: a store
   * shared by instances refuses it with {@link FencedWriteException} when {@code fence} is stale.
   * A null fence (one instance) writes unconditionally; stores of one process ignore it.
   */
  default Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds, Fence fence) {
    return save(workflow, changedTasks, removedTaskIds);
  }

  /**
   * Saves tasks of a workflow whose own document has not changed since its last save (a claim
   * marks only the task it hands out): a store may leave the workflow's row as it is. Fails as
   * {@link #save} does, with a not-found when the workflow is no longer stored.
   */
  default Future<Void> saveTasks(Workflow workflow, Collection<Task> changedTasks, Fence fence) {
    return save(workflow, changedTasks, java.util.List.of(), fence);
  }

  /** @param includeTasks when false the returned workflow has an empty task list */
  Future<Workflow> getWorkflow(String workflowId, boolean includeTasks);

  /**
   * The workflow without its tasks as JSON, as {@code GET /api/workflow/{id}?includeTasks=false}
   * answers it (an empty task list); null when unknown. A store that keeps the document serialized
   * answers its bytes without parsing and serializing it again (a client's status check after
   * each workflow is one of the most frequent reads). Both stores do; PostgreSQL parses only rows
   * written by earlier versions, which lack the stored workflowName.
   */
  default Future<byte[]> getWorkflowJson(String workflowId) {
    return getWorkflow(workflowId, false).map(wf -> wf == null ? null : Json.toBytes(wf));
  }

  Future<Task> getTask(String taskId);

  /** Deletes the workflow, its tasks and their logs. @return false when it did not exist */
  Future<Boolean> removeWorkflow(String workflowId);

  /**
   * As {@link #removeWorkflow(String)}, under a partition's lease: a store shared by instances
   * refuses it with {@link FencedWriteException} when {@code fence} is stale, so a member that lost
   * the partition cannot delete what the new owner keeps. A null fence removes unconditionally.
   */
  default Future<Boolean> removeWorkflow(String workflowId, Fence fence) {
    return removeWorkflow(workflowId);
  }

  /** Ids of workflows of that name and version that are RUNNING. */
  Future<List<String>> runningWorkflowIds(String name, int version);

  /** Ids of workflows of that name and version created in [startTime, endTime]. */
  Future<List<String>> workflowIdsCreatedBetween(String name, int version, long startTime, long endTime);

  /** Workflows of that name with that correlation id, oldest first. */
  Future<List<Workflow>> workflowsByCorrelationId(String name, String correlationId, boolean includeClosed, boolean includeTasks);

  /** Ids of every workflow that is RUNNING or PAUSED: where the sweeper starts after a restart. */
  Future<List<String>> activeWorkflowIds();

  /** Workflows (without tasks) matching the query, with the total number of matches. */
  Future<SearchResult<Workflow>> searchWorkflows(SearchQuery query);

  /**
   * Tasks matching the query (fields: taskId, taskType, taskDefName, status, workflowId,
   * workflowType, correlationId, referenceTaskName, domain, workerId and the scheduled, start,
   * update and end times), with the total number of matches.
   */
  Future<SearchResult<Task>> searchTasks(SearchQuery query);

  /**
   * Workflows (without tasks) that have a task matching the query's clauses and free text (task
   * fields, as {@link #searchTasks}), sorted and paged as {@link #searchWorkflows}.
   */
  Future<SearchResult<Workflow>> searchWorkflowsByTasks(SearchQuery query);

  /** When a finished workflow ended, as stores index it (its last update if it has no end time); 0 while it runs. */
  static long endTimeOf(Workflow wf) {
    if (!wf.status.isTerminal()) {
      return 0;
    }
    return wf.endTime > 0 ? wf.endTime : wf.updateTime;
  }

  /** A stored workflow as retention sees it: end time 0 while it has not finished. */
  record Execution(String workflowId, String name, io.conductorvx.model.WorkflowStatus status, long endTime) {}

  /**
   * Finished workflows that ended before {@code endedBefore}, in (end time, id) order, at most
   * {@code limit}, after {@code after} in that order (null: from the first): of the given names,
   * or with {@code excludeNames} of every other name. A sub-workflow whose parent is still stored
   * is never among them (it goes with its parent).
   */
  Future<List<Execution>> finishedBefore(long endedBefore, Collection<String> names, boolean excludeNames,
      Execution after, int limit);

  /** The workflow's id, name, status and end time without reading its document; null if it does not exist. */
  Future<Execution> execution(String workflowId);

  /** The workflows whose parent is this one, finished or not. */
  Future<List<Execution>> childrenOf(String workflowId);

  /** How many finished workflows are stored, or -1 when the store does not count them (it has no count limit). */
  default Future<Long> finishedCount() {
    return Future.succeededFuture(-1L);
  }

  Future<Void> addTaskLogs(List<TaskExecLog> logs);

  Future<List<TaskExecLog>> getTaskLogs(String taskId);

  Future<Void> savePollData(PollData pollData);

  Future<List<PollData>> getPollData(String taskType);

  Future<List<PollData>> getAllPollData();

  Future<Void> close();
}
