package io.conductorvx.store.memory;

import io.conductorvx.model.Json;
import io.conductorvx.model.PollData;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.SearchResult;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.SearchQuery;
import io.conductorvx.store.TaskDocument;
import io.conductorvx.store.WorkflowDocument;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Executions held in memory. Workflows and tasks are kept as JSON bytes, as a database would keep
 * them: a reader always gets its own copy, and an owner's later changes never leak into the store
 * before it saves them. A workflow's definition is kept once for all the workflows that run the
 * same one, and searches filter on fields kept beside the bytes: finished workflows stay cheap to
 * hold and to search through.
 */
public final class MemoryExecutionStore implements ExecutionStore {
  /** A stored workflow: its JSON in the parts WorkflowDocument encodes, and the fields lookups and searches use. */
  private record Row(byte[] rest, byte[] input, byte[] definition, String workflowId, String name, int version,
      String correlationId, WorkflowStatus status, long createTime, long updateTime, long endTime,
      String parentWorkflowId, int priority, String idempotencyKey, String event) {

    byte[] json() {
      return new WorkflowDocument.Encoded(rest, input, definition, true).whole();
    }

    Object field(String field) {
      return switch (field) {
        case "workflowId" -> workflowId;
        case "correlationId" -> correlationId;
        case "workflowType", "workflowName" -> name;
        case "version" -> version;
        case "status" -> status;
        case "startTime", "createTime" -> createTime;
        case "updateTime" -> updateTime;
        case "endTime" -> endTime;
        case "parentWorkflowId" -> parentWorkflowId == null ? "" : parentWorkflowId;
        case "priority" -> priority;
        case "idempotencyKey" -> idempotencyKey;
        case "event" -> event;
        default -> null;
      };
    }
  }

  /** A stored task: its bytes and the fields task searches filter on. */
  private record TaskRow(byte[] json, String taskId, String taskType, String taskDefName, TaskStatus status,
      String workflowId, String workflowType, String correlationId, String referenceTaskName, String domain,
      String workerId, long scheduledTime, long startTime, long updateTime, long endTime) {

    static TaskRow of(Task t) {
      return new TaskRow(TaskDocument.encode(t), t.taskId, t.taskType, t.taskDefName, t.status, t.workflowInstanceId,
          t.workflowType, t.correlationId, t.referenceTaskName, t.domain, t.workerId, t.scheduledTime, t.startTime,
          t.updateTime, t.endTime);
    }

    Object field(String field) {
      return switch (field) {
        case "taskId" -> taskId;
        case "taskType" -> taskType;
        case "taskDefName" -> taskDefName;
        case "status" -> status;
        case "workflowId" -> workflowId;
        case "workflowType" -> workflowType;
        case "correlationId" -> correlationId;
        case "referenceTaskName", "taskRefName" -> referenceTaskName;
        case "domain" -> domain;
        case "workerId" -> workerId;
        case "scheduledTime" -> scheduledTime;
        case "startTime" -> startTime;
        case "updateTime" -> updateTime;
        case "endTime" -> endTime;
        default -> null;
      };
    }
  }

  private final Map<String, Row> workflows = new ConcurrentHashMap<>();
  /** The latest definition bytes per workflow name and version, shared by the rows holding equal ones. */
  private final Map<String, byte[]> sharedDefinitions = new ConcurrentHashMap<>();
  private final Map<String, TaskRow> tasks = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> taskIdsByWorkflow = new ConcurrentHashMap<>();
  private final Map<String, List<TaskExecLog>> logs = new ConcurrentHashMap<>();
  private final Map<String, PollData> pollData = new ConcurrentSkipListMap<>();

  @Override
  public Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds) {
    WorkflowDocument.Encoded doc = WorkflowDocument.encode(workflow);
    WorkflowDef def = workflow.workflowDefinition;
    Set<String> ids = taskIdsByWorkflow.computeIfAbsent(workflow.workflowId, k -> ConcurrentHashMap.newKeySet());
    for (Task task : changedTasks) {
      tasks.put(task.taskId, TaskRow.of(task));
      ids.add(task.taskId);
    }
    for (String id : removedTaskIds) {
      tasks.remove(id);
      ids.remove(id);
      logs.remove(id);
    }
    workflows.put(workflow.workflowId, new Row(doc.rest(), doc.input(), shared(def, doc.definition()),
        workflow.workflowId, def.name, def.version, workflow.correlationId, workflow.status, workflow.createTime,
        workflow.updateTime, workflow.endTime, workflow.parentWorkflowId, workflow.priority, workflow.idempotencyKey,
        workflow.event));
    return Future.succeededFuture();
  }

  /** The bytes already held for an equal definition of that name and version, else these (held from now on). */
  private byte[] shared(WorkflowDef def, byte[] json) {
    if (json == null) {
      return null;
    }
    String key = def.name + '\u0000' + def.version;
    byte[] held = sharedDefinitions.get(key);
    if (held == json || Arrays.equals(held, json)) {
      return held;
    }
    sharedDefinitions.put(key, json);
    return json;
  }

  @Override
  public Future<Workflow> getWorkflow(String workflowId, boolean includeTasks) {
    return Future.succeededFuture(read(workflowId, includeTasks));
  }

  private Workflow read(String workflowId, boolean includeTasks) {
    Row row = workflows.get(workflowId);
    return row == null ? null : read(row, includeTasks);
  }

  private Workflow read(Row row, boolean includeTasks) {
    Workflow wf = Json.fromBytes(row.json(), Workflow.class);
    wf.tasks = new ArrayList<>();
    if (includeTasks) {
      for (String id : taskIdsByWorkflow.getOrDefault(row.workflowId(), Set.of())) {
        TaskRow task = tasks.get(id);
        if (task != null) {
          wf.tasks.add(Json.fromBytes(task.json(), Task.class));
        }
      }
      wf.tasks.sort(Comparator.comparingInt(t -> t.seq));
    }
    return wf;
  }

  @Override
  public Future<Task> getTask(String taskId) {
    TaskRow task = tasks.get(taskId);
    return Future.succeededFuture(task == null ? null : Json.fromBytes(task.json(), Task.class));
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
    List<Workflow> out = new ArrayList<>();
    workflows.forEach((id, row) -> {
      if (row.name().equals(name) && correlationId.equals(row.correlationId())
          && (includeClosed || !row.status().isTerminal())) {
        out.add(read(row, includeTasks));
      }
    });
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

  /** Scans every row's fields (and its JSON only for free text); only the page returned is read. */
  @Override
  public Future<SearchResult<Workflow>> searchWorkflows(SearchQuery query) {
    return Future.succeededFuture(search(workflows.values(), query, "startTime", Row::field, Row::json,
        row -> read(row, false)));
  }

  @Override
  public Future<SearchResult<Task>> searchTasks(SearchQuery query) {
    return Future.succeededFuture(search(tasks.values(), query, "scheduledTime", TaskRow::field, TaskRow::json,
        row -> Json.fromBytes(row.json(), Task.class)));
  }

  @Override
  public Future<SearchResult<Workflow>> searchWorkflowsByTasks(SearchQuery query) {
    Set<String> owners = new HashSet<>();
    for (TaskRow row : tasks.values()) {
      if (query.matches(row::field, () -> new String(row.json(), StandardCharsets.UTF_8))) {
        owners.add(row.workflowId());
      }
    }
    List<Row> rows = new ArrayList<>(owners.size());
    for (String id : owners) {
      Row row = workflows.get(id);
      if (row != null) {
        rows.add(row);
      }
    }
    SearchQuery pageOnly = new SearchQuery(List.of(), "*", query.start(), query.size(), query.sortField(), query.descending());
    return Future.succeededFuture(search(rows, pageOnly, "startTime", Row::field, Row::json, row -> read(row, false)));
  }

  private static <R, T> SearchResult<T> search(Collection<R> rows, SearchQuery query, String defaultSort,
      BiFunction<R, String, Object> field, Function<R, byte[]> json, Function<R, T> read) {
    List<R> hits = new ArrayList<>();
    for (R row : rows) {
      if (query.matches(name -> field.apply(row, name), () -> new String(json.apply(row), StandardCharsets.UTF_8))) {
        hits.add(row);
      }
    }
    String sortField = query.sortField() == null ? defaultSort : query.sortField();
    Comparator<R> order = (a, b) -> compareValues(field.apply(a, sortField), field.apply(b, sortField));
    hits.sort(query.sortField() != null && query.descending() ? order.reversed() : order);
    int from = Math.min(query.start(), hits.size());
    int to = Math.min(hits.size(), from + query.size());
    List<T> page = new ArrayList<>(to - from);
    for (R row : hits.subList(from, to)) {
      page.add(read.apply(row));
    }
    return new SearchResult<>(hits.size(), page);
  }

  /** Numbers by value, text that reads as a number by value too, the rest as text. */
  private static int compareValues(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Long.compare(x.longValue(), y.longValue());
    }
    String left = String.valueOf(a);
    String right = String.valueOf(b);
    try {
      return Long.compare(Long.parseLong(left), Long.parseLong(right));
    } catch (NumberFormatException e) {
      return left.compareTo(right);
    }
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
