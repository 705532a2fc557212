package io.conductorvx.store.memory;

import io.conductorvx.error.ConductorException;
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
import io.conductorvx.store.Fence;
import io.conductorvx.store.SearchQuery;
import io.conductorvx.store.TaskDocument;
import io.conductorvx.store.WorkflowDocument;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Executions held in memory. Workflows and tasks are kept as JSON bytes, as a database would keep
 * them: a reader always gets its own copy, and an owner's later changes never leak into the store
 * before it saves them. A workflow's definition is kept once for all the workflows that run the
 * same one, and searches filter on fields kept beside the bytes.
 *
 * <p>A finished workflow is packed shortly after it ends ({@link PackedWorkflow}: its parts and
 * tasks in one deflated array, about a sixth of their size), by a worker thread, not the owner's
 * event loop. Every change of one workflow (a save, packing, removal) happens inside
 * {@code workflows.compute} on its key, so they never interleave; readers that meet a workflow
 * being packed read it again. With a Vert.x instance, packing and searches (which may unpack
 * many finished workflows) run on worker threads; without one (unit tests) they run in the caller.
 */
public final class MemoryExecutionStore implements ExecutionStore {
  /** How often packing looks for newly finished workflows. */
  private static final long PACK_INTERVAL_MS = 250;

  /**
   * A stored workflow: its JSON in the parts WorkflowDocument encodes (or, once finished, packed
   * with its tasks, whose ids stay beside it), and the fields lookups and searches use.
   */
  private record Row(byte[] rest, byte[] input, byte[] packed, String[] packedTaskIds, byte[] definition,
      String workflowId, String name, int version, String correlationId, WorkflowStatus status, long createTime,
      long updateTime, long endTime, String parentWorkflowId, int priority, String idempotencyKey, String event) {

    boolean isPacked() {
      return packed != null;
    }

    byte[] json() {
      if (packed != null) {
        PackedWorkflow.Parts parts = PackedWorkflow.unpack(packed);
        return new WorkflowDocument.Encoded(parts.rest(), parts.input(), definition, true).whole();
      }
      return new WorkflowDocument.Encoded(rest, input, definition, true).whole();
    }

    Row pack(byte[] bytes, String[] taskIds) {
      return new Row(null, null, bytes, taskIds, definition, workflowId, name, version, correlationId, status,
          createTime, updateTime, endTime, parentWorkflowId, priority, idempotencyKey, event);
    }

    Execution execution() {
      return new Execution(workflowId, name, status, status.isTerminal() ? endTime : 0);
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
      String workerId, long scheduledTime, long startTime, long updateTime, long endTime, int seq) {

    static TaskRow of(Task t) {
      return of(t, TaskDocument.encode(t));
    }

    static TaskRow of(Task t, byte[] json) {
      return new TaskRow(json, t.taskId, t.taskType, t.taskDefName, t.status, t.workflowInstanceId,
          t.workflowType, t.correlationId, t.referenceTaskName, t.domain, t.workerId, t.scheduledTime, t.startTime,
          t.updateTime, t.endTime, t.seq);
    }

    /** A packed task's row again (its fields read from its JSON). */
    static TaskRow parse(byte[] json) {
      return of(Json.fromBytes(json, Task.class), json);
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

  /** Finished workflows in (end time, id) order: retention's oldest first. */
  private static final Comparator<Execution> END_ORDER =
      Comparator.comparingLong(Execution::endTime).thenComparing(Execution::workflowId);

  private final Map<String, Row> workflows = new ConcurrentHashMap<>();
  /** The latest definition bytes per workflow name and version, shared by the rows holding equal ones. */
  private final Map<String, byte[]> sharedDefinitions = new ConcurrentHashMap<>();
  /** Tasks of workflows not packed. */
  private final Map<String, TaskRow> tasks = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> taskIdsByWorkflow = new ConcurrentHashMap<>();
  /** Tasks of packed workflows: their workflow's id. */
  private final Map<String, String> packedTaskOwners = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> childrenByParent = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<Execution> finished = new ConcurrentSkipListSet<>(END_ORDER);
  private final AtomicLong finishedCount = new AtomicLong();
  /** Finished workflows not packed yet. */
  private final Queue<String> toPack = new ConcurrentLinkedQueue<>();
  private final Map<String, List<TaskExecLog>> logs = new ConcurrentHashMap<>();
  private final Map<String, PollData> pollData = new ConcurrentSkipListMap<>();
  private final Vertx vertx;
  private final boolean packing;
  private long packTimer = -1;
  private final AtomicBoolean packRunning = new AtomicBoolean();

  /** Unpacked, searches in the caller's thread: for unit tests of the store alone. */
  public MemoryExecutionStore() {
    this(null, false);
  }

  /** The server's store: finished workflows packed and searches run on worker threads of {@code vertx}. */
  public MemoryExecutionStore(Vertx vertx) {
    this(vertx, true);
  }

  /**
   * @param vertx null: everything in the caller's thread
   * @param packing whether finished workflows are packed (without Vert.x: only by {@link #packFinished})
   */
  public MemoryExecutionStore(Vertx vertx, boolean packing) {
    this.vertx = vertx;
    this.packing = packing;
    if (vertx != null && packing) {
      packTimer = vertx.setPeriodic(PACK_INTERVAL_MS, id -> {
        if (!toPack.isEmpty() && packRunning.compareAndSet(false, true)) {
          vertx.executeBlocking(this::packFinished, false).onComplete(done -> packRunning.set(false));
        }
      });
    }
  }

  @Override
  public Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds) {
    WorkflowDocument.Encoded doc = WorkflowDocument.encode(workflow);
    WorkflowDef def = workflow.workflowDefinition;
    List<TaskRow> changed = rows(changedTasks);
    byte[] definition = shared(def, doc.definition());
    String id = workflow.workflowId;
    Row saved = new Row(doc.rest(), doc.input(), null, null, definition, id, def.name, def.version,
        workflow.correlationId, workflow.status, workflow.createTime, workflow.updateTime,
        ExecutionStore.endTimeOf(workflow), workflow.parentWorkflowId, workflow.priority, workflow.idempotencyKey,
        workflow.event);
    workflows.compute(id, (key, old) -> {
      if (old != null && old.isPacked()) {
        unpackTasks(old);
      }
      Set<String> ids = putTasks(id, changed);
      for (String taskId : removedTaskIds) {
        tasks.remove(taskId);
        ids.remove(taskId);
        logs.remove(taskId);
      }
      if (old == null && saved.parentWorkflowId() != null) {
        childrenByParent.computeIfAbsent(saved.parentWorkflowId(), k -> ConcurrentHashMap.newKeySet()).add(id);
      }
      track(old, saved);
      return saved;
    });
    if (packing && saved.status().isTerminal()) {
      toPack.add(id);
    }
    return Future.succeededFuture();
  }

  /** Only the tasks: the workflow's row (its encoded document) stays as it is. */
  @Override
  public Future<Void> saveTasks(Workflow workflow, Collection<Task> changedTasks, Fence fence) {
    List<TaskRow> changed = rows(changedTasks);
    String id = workflow.workflowId;
    boolean[] whole = {false};
    Row row = workflows.computeIfPresent(id, (key, old) -> {
      if (old.isPacked()) {
        whole[0] = true; // finished and packed: the full save reopens it
        return old;
      }
      putTasks(id, changed);
      return old;
    });
    if (row == null) {
      return Future.failedFuture(ConductorException.notFound("Workflow " + id + " was removed"));
    }
    return whole[0] ? save(workflow, changedTasks, List.of()) : Future.succeededFuture();
  }

  private static List<TaskRow> rows(Collection<Task> changedTasks) {
    List<TaskRow> rows = new ArrayList<>(changedTasks.size());
    for (Task task : changedTasks) {
      rows.add(TaskRow.of(task));
    }
    return rows;
  }

  /** Stores the rows as the workflow's tasks (inside its row's compute). @return the workflow's task ids */
  private Set<String> putTasks(String workflowId, List<TaskRow> changed) {
    Set<String> ids = taskIdsByWorkflow.computeIfAbsent(workflowId, k -> ConcurrentHashMap.newKeySet());
    for (TaskRow task : changed) {
      tasks.put(task.taskId(), task);
      ids.add(task.taskId());
    }
    return ids;
  }

  /** Keeps the finished index and count in step with a row's change ({@code now} null: removed). */
  private void track(Row old, Row now) {
    Execution before = old != null && old.status().isTerminal() ? old.execution() : null;
    Execution after = now != null && now.status().isTerminal() ? now.execution() : null;
    if (before != null && before.equals(after)) {
      return;
    }
    if (before != null && finished.remove(before)) {
      finishedCount.decrementAndGet();
    }
    if (after != null && finished.add(after)) {
      finishedCount.incrementAndGet();
    }
  }

  /** A packed workflow's tasks back among the live ones (it is being saved again: reopened). */
  private void unpackTasks(Row row) {
    PackedWorkflow.Parts parts = PackedWorkflow.unpack(row.packed());
    Set<String> ids = taskIdsByWorkflow.computeIfAbsent(row.workflowId(), k -> ConcurrentHashMap.newKeySet());
    for (byte[] json : parts.tasks()) {
      TaskRow task = TaskRow.parse(json);
      tasks.put(task.taskId(), task);
      ids.add(task.taskId());
    }
    for (String taskId : row.packedTaskIds()) {
      packedTaskOwners.remove(taskId, row.workflowId());
    }
  }

  /**
   * Packs the finished workflows saved since the last call; they read back identical. Runs on a
   * worker thread in the server (tests may call it directly). @return how many it packed
   */
  public int packFinished() {
    Deflater deflater = new Deflater();
    int packed = 0;
    try {
      for (String id = toPack.poll(); id != null; id = toPack.poll()) {
        if (pack(id, deflater)) {
          packed++;
        }
      }
    } finally {
      deflater.end();
    }
    return packed;
  }

  private boolean pack(String id, Deflater deflater) {
    Row[] swapped = new Row[1];
    workflows.computeIfPresent(id, (key, row) -> {
      if (row.isPacked() || !row.status().isTerminal()) {
        return row;
      }
      List<TaskRow> rows = new ArrayList<>();
      for (String taskId : taskIdsByWorkflow.getOrDefault(id, Set.of())) {
        TaskRow task = tasks.get(taskId);
        if (task != null) {
          rows.add(task);
        }
      }
      rows.sort(Comparator.comparingInt(TaskRow::seq));
      List<byte[]> json = new ArrayList<>(rows.size());
      String[] taskIds = new String[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        json.add(rows.get(i).json());
        taskIds[i] = rows.get(i).taskId();
        packedTaskOwners.put(taskIds[i], id);
      }
      swapped[0] = row.pack(PackedWorkflow.pack(new PackedWorkflow.Parts(row.rest(), row.input(), json), deflater), taskIds);
      return swapped[0];
    });
    if (swapped[0] == null) {
      return false;
    }
    // Only now that the packed row is visible: a reader that misses a task finds the packed row.
    workflows.computeIfPresent(id, (key, row) -> {
      if (row == swapped[0]) {
        Set<String> ids = taskIdsByWorkflow.remove(id);
        if (ids != null) {
          ids.forEach(tasks::remove);
        }
      }
      return row;
    });
    return true;
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

  /** The stored document as it is: its rest was serialized with an empty task list. */
  @Override
  public Future<byte[]> getWorkflowJson(String workflowId) {
    Row row = workflows.get(workflowId);
    return Future.succeededFuture(row == null ? null : row.json());
  }

  private Workflow read(String workflowId, boolean includeTasks) {
    Row row = workflows.get(workflowId);
    return row == null ? null : read(row, includeTasks);
  }

  private Workflow read(Row row, boolean includeTasks) {
    if (row.isPacked()) {
      PackedWorkflow.Parts parts = PackedWorkflow.unpack(row.packed());
      Workflow wf = Json.fromBytes(new WorkflowDocument.Encoded(parts.rest(), parts.input(), row.definition(), true).whole(),
          Workflow.class);
      wf.tasks = new ArrayList<>(includeTasks ? parts.tasks().size() : 0);
      if (includeTasks) {
        for (byte[] json : parts.tasks()) {
          wf.tasks.add(Json.fromBytes(json, Task.class));
        }
      }
      return wf;
    }
    Workflow wf = Json.fromBytes(row.json(), Workflow.class);
    wf.tasks = new ArrayList<>();
    if (includeTasks) {
      for (String id : taskIdsByWorkflow.getOrDefault(row.workflowId(), Set.of())) {
        TaskRow task = tasks.get(id);
        if (task == null) {
          Row now = workflows.get(row.workflowId());
          if (now != row && now != null) {
            return read(now, true); // packed meanwhile: its tasks moved with it
          }
          continue;
        }
        wf.tasks.add(Json.fromBytes(task.json(), Task.class));
      }
      if (!taskIdsByWorkflow.containsKey(row.workflowId())) {
        Row now = workflows.get(row.workflowId());
        if (now != row && now != null) {
          return read(now, true);
        }
      }
      wf.tasks.sort(Comparator.comparingInt(t -> t.seq));
    }
    return wf;
  }

  @Override
  public Future<Task> getTask(String taskId) {
    TaskRow task = tasks.get(taskId);
    if (task != null) {
      return Future.succeededFuture(Json.fromBytes(task.json(), Task.class));
    }
    String owner = packedTaskOwners.get(taskId);
    Row row = owner == null ? null : workflows.get(owner);
    if (row == null) {
      return Future.succeededFuture(null);
    }
    if (!row.isPacked()) {
      TaskRow again = tasks.get(taskId); // reopened meanwhile
      return Future.succeededFuture(again == null ? null : Json.fromBytes(again.json(), Task.class));
    }
    String[] ids = row.packedTaskIds();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i].equals(taskId)) {
        return Future.succeededFuture(Json.fromBytes(PackedWorkflow.unpack(row.packed()).tasks().get(i), Task.class));
      }
    }
    return Future.succeededFuture(null);
  }

  @Override
  public Future<Boolean> removeWorkflow(String workflowId) {
    boolean[] existed = new boolean[1];
    workflows.computeIfPresent(workflowId, (key, row) -> {
      existed[0] = true;
      if (row.isPacked()) {
        for (String taskId : row.packedTaskIds()) {
          packedTaskOwners.remove(taskId, workflowId);
          logs.remove(taskId);
        }
      }
      Set<String> ids = taskIdsByWorkflow.remove(workflowId);
      if (ids != null) {
        ids.forEach(id -> {
          tasks.remove(id);
          logs.remove(id);
        });
      }
      if (row.parentWorkflowId() != null) {
        childrenByParent.computeIfPresent(row.parentWorkflowId(), (p, children) -> {
          children.remove(workflowId);
          return children.isEmpty() ? null : children;
        });
      }
      track(row, null);
      return null;
    });
    return Future.succeededFuture(existed[0]);
  }

  @Override
  public Future<List<Execution>> finishedBefore(long endedBefore, Collection<String> names, boolean excludeNames,
      Execution after, int limit) {
    Set<String> nameSet = new HashSet<>(names);
    return offLoop(() -> {
      List<Execution> out = new ArrayList<>(Math.min(limit, 1024));
      for (Execution e : after == null ? finished : finished.tailSet(after, false)) {
        if (out.size() >= limit || e.endTime() >= endedBefore) {
          break;
        }
        if (nameSet.contains(e.name()) == excludeNames) {
          continue;
        }
        Row row = workflows.get(e.workflowId());
        if (row != null && (row.parentWorkflowId() == null || !workflows.containsKey(row.parentWorkflowId()))) {
          out.add(e);
        }
      }
      return out;
    });
  }

  @Override
  public Future<Execution> execution(String workflowId) {
    Row row = workflows.get(workflowId);
    return Future.succeededFuture(row == null ? null : row.execution());
  }

  @Override
  public Future<List<Execution>> childrenOf(String workflowId) {
    List<Execution> out = new ArrayList<>();
    for (String id : childrenByParent.getOrDefault(workflowId, Set.of())) {
      Row row = workflows.get(id);
      if (row != null) {
        out.add(row.execution());
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Long> finishedCount() {
    return Future.succeededFuture(finishedCount.get());
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
    return offLoop(() -> search(workflows.values(), query, "startTime", Row::field, Row::json, row -> read(row, false)));
  }

  @Override
  public Future<SearchResult<Task>> searchTasks(SearchQuery query) {
    return offLoop(() -> search(allTasks(), query, "scheduledTime", TaskRow::field, TaskRow::json,
        row -> Json.fromBytes(row.json(), Task.class)));
  }

  /** Live tasks, then those of packed workflows (unpacked one workflow at a time, as the scan reaches it). */
  private Iterable<TaskRow> allTasks() {
    return () -> new java.util.Iterator<>() {
      private final java.util.Iterator<TaskRow> live = tasks.values().iterator();
      private final java.util.Iterator<Row> rows = workflows.values().iterator();
      private java.util.Iterator<byte[]> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        if (live.hasNext() || current.hasNext()) {
          return true;
        }
        while (rows.hasNext()) {
          Row row = rows.next();
          if (row.isPacked()) {
            current = PackedWorkflow.unpack(row.packed()).tasks().iterator();
            if (current.hasNext()) {
              return true;
            }
          }
        }
        return false;
      }

      @Override
      public TaskRow next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return live.hasNext() ? live.next() : TaskRow.parse(current.next());
      }
    };
  }

  @Override
  public Future<SearchResult<Workflow>> searchWorkflowsByTasks(SearchQuery query) {
    return offLoop(() -> {
      Set<String> owners = new HashSet<>();
      for (TaskRow row : allTasks()) {
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
      return search(rows, pageOnly, "startTime", Row::field, Row::json, row -> read(row, false));
    });
  }

  /** On a worker thread when there is a Vert.x: a scan may unpack many finished workflows. */
  private <T> Future<T> offLoop(java.util.concurrent.Callable<T> work) {
    if (vertx == null) {
      try {
        return Future.succeededFuture(work.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.executeBlocking(work, false);
  }

  private static <R, T> SearchResult<T> search(Iterable<R> rows, SearchQuery query, String defaultSort,
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
    if (vertx != null && packTimer >= 0) {
      vertx.cancelTimer(packTimer);
    }
    return Future.succeededFuture();
  }
}
