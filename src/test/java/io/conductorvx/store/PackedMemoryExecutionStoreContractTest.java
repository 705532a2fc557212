package io.conductorvx.store;

import io.conductorvx.model.PollData;
import io.conductorvx.model.SearchResult;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.memory.MemoryExecutionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;

/**
 * The whole contract again with every finished workflow packed right after each save: a packed
 * workflow reads back identical, searches and lookups find it, and a save reopens it.
 */
class PackedMemoryExecutionStoreContractTest extends ExecutionStoreContract {
  @Override
  protected Future<ExecutionStore> open(Vertx vertx) {
    MemoryExecutionStore memory = new MemoryExecutionStore(null, true);
    return Future.succeededFuture(new PackingAfterEverySave(memory));
  }

  /** Delegates everything; packs what finished after every save. */
  private record PackingAfterEverySave(MemoryExecutionStore store) implements ExecutionStore {
    @Override
    public Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds) {
      return store.save(workflow, changedTasks, removedTaskIds).onSuccess(v -> store.packFinished());
    }

    @Override
    public Future<Void> saveTasks(Workflow workflow, Collection<Task> changedTasks, Fence fence) {
      return store.saveTasks(workflow, changedTasks, fence).onSuccess(v -> store.packFinished());
    }

    @Override
    public Future<Workflow> getWorkflow(String workflowId, boolean includeTasks) {
      return store.getWorkflow(workflowId, includeTasks);
    }

    @Override
    public Future<byte[]> getWorkflowJson(String workflowId) {
      return store.getWorkflowJson(workflowId);
    }

    @Override
    public Future<Task> getTask(String taskId) {
      return store.getTask(taskId);
    }

    @Override
    public Future<Boolean> removeWorkflow(String workflowId) {
      return store.removeWorkflow(workflowId);
    }

    @Override
    public Future<List<String>> runningWorkflowIds(String name, int version) {
      return store.runningWorkflowIds(name, version);
    }

    @Override
    public Future<List<String>> workflowIdsCreatedBetween(String name, int version, long startTime, long endTime) {
      return store.workflowIdsCreatedBetween(name, version, startTime, endTime);
    }

    @Override
    public Future<List<Workflow>> workflowsByCorrelationId(String name, String correlationId, boolean includeClosed,
        boolean includeTasks) {
      return store.workflowsByCorrelationId(name, correlationId, includeClosed, includeTasks);
    }

    @Override
    public Future<List<String>> activeWorkflowIds() {
      return store.activeWorkflowIds();
    }

    @Override
    public Future<SearchResult<Workflow>> searchWorkflows(SearchQuery query) {
      return store.searchWorkflows(query);
    }

    @Override
    public Future<SearchResult<Task>> searchTasks(SearchQuery query) {
      return store.searchTasks(query);
    }

    @Override
    public Future<SearchResult<Workflow>> searchWorkflowsByTasks(SearchQuery query) {
      return store.searchWorkflowsByTasks(query);
    }

    @Override
    public Future<List<Execution>> finishedBefore(long endedBefore, Collection<String> names, boolean excludeNames,
        Execution after, int limit) {
      return store.finishedBefore(endedBefore, names, excludeNames, after, limit);
    }

    @Override
    public Future<Execution> execution(String workflowId) {
      return store.execution(workflowId);
    }

    @Override
    public Future<List<Execution>> childrenOf(String workflowId) {
      return store.childrenOf(workflowId);
    }

    @Override
    public Future<Long> finishedCount() {
      return store.finishedCount();
    }

    @Override
    public Future<Void> addTaskLogs(List<TaskExecLog> logs) {
      return store.addTaskLogs(logs);
    }

    @Override
    public Future<List<TaskExecLog>> getTaskLogs(String taskId) {
      return store.getTaskLogs(taskId);
    }

    @Override
    public Future<Void> savePollData(PollData pollData) {
      return store.savePollData(pollData);
    }

    @Override
    public Future<List<PollData>> getPollData(String taskType) {
      return store.getPollData(taskType);
    }

    @Override
    public Future<List<PollData>> getAllPollData() {
      return store.getAllPollData();
    }

    @Override
    public Future<Void> close() {
      return store.close();
    }
  }
}
