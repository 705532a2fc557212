package io.conductorvx.store.memory;

import io.conductorvx.model.Json;
import io.conductorvx.model.PollData;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.SearchResult;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.SearchQuery;
import io.conductorvx.store.WorkflowDocument;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Executions held in memory. Workflows and tasks are kept as JSON bytes, as a database would keep
 * them: a reader always gets its own copy, and an owner's later changes never leak into the store
 * before it saves them.
 */
public final class MemoryExecutionStore implements ExecutionStore {
  /** A stored workflow row: its bytes plus the few fields the lookups filter on. */
  private record Row(byte[] json, String name, int version, String correlationId, WorkflowStatus status, long createTime) {}

  private final Map<String, Row> workflows = new ConcurrentHashMap<>();
  private final Map<String, byte[]> tasks = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> taskIdsByWorkflow = new ConcurrentHashMap<>();
  private final Map<String, List<TaskExecLog>> logs = new ConcurrentHashMap<>();
  private final Map<String, PollData> pollData = new ConcurrentSkipListMap<>();

  @Override
  public Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds) {
    byte[] json = WorkflowDocument.encode(workflow).whole();
    Set<String> ids = taskIdsByWorkflow.computeIfAbsent(workflow.workflowId, k -> ConcurrentHashMap.newKeySet());
    for (Task task : changedTasks) {
      tasks.put(task.taskId, Json.toBytes(task));
      ids.add(task.taskId);
    }
    for (String id : removedTaskIds) {
      tasks.remove(id);
      ids.remove(id);
      logs.remove(id);
    }
    workflows.put(workflow.workflowId, new Row(json, workflow.workflowDefinition.name,
        workflow.workflowDefinition.version, workflow.correlationId, workflow.status, workflow.createTime));
    return Future.succeededFuture();
  }

  @Override
  public Future<Workflow> getWorkflow(String workflowId, boolean includeTasks) {
    return Future.succeededFuture(read(workflowId, includeTasks));
  }

  private Workflow read(String workflowId, boolean includeTasks) {
    Row row = workflows.get(workflowId);
    if (row == null) {
      return null;
    }
    Workflow wf = Json.fromBytes(row.json(), Workflow.class);
    wf.tasks = new ArrayList<>();
    if (includeTasks) {
      for (String id : taskIdsByWorkflow.getOrDefault(workflowId, Set.of())) {
        byte[] bytes = tasks.get(id);
        if (bytes != null) {
          wf.tasks.add(Json.fromBytes(bytes, Task.class));
        }
      }
      wf.tasks.sort(Comparator.comparingInt(t -> t.seq));
    }
    return wf;
  }

  @Override
  public Future<Task> getTask(String taskId) {
    byte[] bytes = tasks.get(taskId);
    return Future.succeededFuture(bytes == null ? null : Json.fromBytes(bytes, Task.class));
  }

  @Override
  public Future<Boolean> removeWorkflow(String workflowId) {
    Row row = workflows.remove(workflowId);
    Set<String> ids = taskIdsByWorkflow.remove(workflowId);
    if (ids != null) {
      ids.forEach(id -> {
        tasks.remove(id);
        logs.remove(id);
      });
    }
    return Future.succeededFuture(row != null);
  }

  @Override
  public Future<List<String>> runningWorkflowIds(String name, int version) {
    List<String> out = new ArrayList<>();
    workflows.forEach((id, row) -> {
      if (row.name().equals(name) && row.version() == version && row.status() == WorkflowStatus.RUNNING) {
        out.add(id);
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<String>> workflowIdsCreatedBetween(String name, int version, long startTime, long endTime) {
    List<String> out = new ArrayList<>();
    workflows.forEach((id, row) -> {
      if (row.name().equals(name) && row.version() == version
          && row.createTime() >= startTime && row.createTime() <= endTime) {
        out.add(id);
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<Workflow>> workflowsByCorrelationId(String name, String correlationId, boolean includeClosed, boolean includeTasks) {
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    workflows.forEach((id, row) -> {
      if (row.name().equals(name) && correlationId.equals(row.correlationId())
          && (includeClosed || !row.status().isTerminal())) {
        ids.add(id);
        rows.add(row);
      }
    });
    List<Workflow> out = new ArrayList<>();
    for (String id : ids) {
      Workflow wf = read(id, includeTasks);
      if (wf != null) {
        out.add(wf);
      }
    }
    out.sort(Comparator.comparingLong(w -> w.createTime));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<String>> activeWorkflowIds() {
    List<String> out = new ArrayList<>();
    workflows.forEach((id, row) -> {
      if (!row.status().isTerminal()) {
        out.add(id);
      }
    });
    return Future.succeededFuture(out);
  }

  /** Scans every workflow: fine for the in-memory store's scale, and exact. */
  @Override
  public Future<SearchResult<Workflow>> searchWorkflows(SearchQuery query) {
    List<Workflow> hits = new ArrayList<>();
    workflows.values().forEach(row -> {
      Workflow wf = Json.fromBytes(row.json(), Workflow.class);
      String text = query.freeText().equals("*") ? "" : new String(row.json(), java.nio.charset.StandardCharsets.UTF_8);
      if (query.matches(field -> searchField(wf, field), text)) {
        hits.add(wf);
      }
    });
    Comparator<Workflow> order = Comparator.comparing(wf -> String.valueOf(searchField(wf, query.sortField() == null ? "startTime" : query.sortField())),
        MemoryExecutionStore::compareValues);
    hits.sort(query.sortField() != null && query.descending() ? order.reversed() : order);
    int from = Math.min(query.start(), hits.size());
    int to = Math.min(hits.size(), from + query.size());
    return Future.succeededFuture(new SearchResult<>(hits.size(), new ArrayList<>(hits.subList(from, to))));
  }

  private static int compareValues(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  private static Object searchField(Workflow wf, String field) {
    return switch (field) {
      case "workflowId" -> wf.workflowId;
      case "correlationId" -> wf.correlationId;
      case "workflowType", "workflowName" -> wf.workflowName();
      case "version" -> wf.workflowVersion();
      case "status" -> wf.status;
      case "startTime", "createTime" -> wf.createTime;
      case "updateTime" -> wf.updateTime;
      case "endTime" -> wf.endTime;
      case "parentWorkflowId" -> wf.parentWorkflowId == null ? "" : wf.parentWorkflowId;
      case "priority" -> wf.priority;
      case "idempotencyKey" -> wf.idempotencyKey;
      case "event" -> wf.event;
      default -> null;
    };
  }

  @Override
  public Future<Void> addTaskLogs(List<TaskExecLog> entries) {
    for (TaskExecLog log : entries) {
      logs.computeIfAbsent(log.taskId(), k -> new CopyOnWriteArrayList<>()).add(log);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<TaskExecLog>> getTaskLogs(String taskId) {
    return Future.succeededFuture(List.copyOf(logs.getOrDefault(taskId, List.of())));
  }

  @Override
  public Future<Void> savePollData(PollData data) {
    pollData.put(data.queueName() + "\u0000" + (data.domain() == null ? "" : data.domain()), data);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<PollData>> getPollData(String taskType) {
    List<PollData> out = new ArrayList<>();
    pollData.values().forEach(p -> {
      if (p.queueName().equals(taskType)) {
        out.add(p);
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<PollData>> getAllPollData() {
    return Future.succeededFuture(new ArrayList<>(pollData.values()));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
