package io.conductorvx.store.postgres;

import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.PollData;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskExecLog;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.store.ExecutionStore;
import io.conductorvx.store.Fence;
import io.conductorvx.store.GroupCommit;
import io.conductorvx.store.TaskDocument;
import io.conductorvx.store.WorkflowDocument;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Executions in PostgreSQL: a workflow row (its JSON without the task list) and one row per task,
 * written together in one transaction; task logs and poll data in their own tables.
 */
public final class PostgresExecutionStore implements ExecutionStore {
  /** Non-terminal statuses, from the enum, so the SQL cannot drift from the model. */
  private static final String ACTIVE = Arrays.stream(WorkflowStatus.values())
      .filter(s -> !s.isTerminal())
      .map(s -> "'" + s.name() + "'")
      .collect(Collectors.joining(", ", "status IN (", ")"));

  // Documents are bound as the UTF-8 bytes Jackson wrote (bytea) and cast on the server: a Java
  // String bound to a json parameter would be stored as a JSON string, not as the object it spells,
  // and the client encoded a string parameter a character at a time (8% of the durable-mode CPU).
  // A workflow's input and definition are written when they are new to the store; other saves
  // update the small rest only (see WorkflowDocument).
  // end_time (NULL until finished) and parent_workflow_id are what retention selects on (V7).
  private static final String UPSERT_WORKFLOW = """
      INSERT INTO workflow (workflow_id, name, version, status, correlation_id, create_time, json, input, definition,
        end_time, parent_workflow_id)
      VALUES ($1, $2, $3, $4, $5, $6, convert_from($7, 'UTF8')::json, convert_from($8, 'UTF8')::json,
        convert_from($9, 'UTF8')::json, $10, $11)
      ON CONFLICT (workflow_id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version,
        status = EXCLUDED.status, correlation_id = EXCLUDED.correlation_id,
        create_time = EXCLUDED.create_time, json = EXCLUDED.json, input = EXCLUDED.input,
        definition = EXCLUDED.definition, end_time = EXCLUDED.end_time,
        parent_workflow_id = EXCLUDED.parent_workflow_id""";
  private static final String UPDATE_WORKFLOW = """
      UPDATE workflow SET status = $2, correlation_id = $3, json = convert_from($4, 'UTF8')::json, end_time = $5
      WHERE workflow_id = $1""";
  private static final String UPSERT_TASK = """
      INSERT INTO task (task_id, workflow_id, seq, json) VALUES ($1, $2, $3, convert_from($4, 'UTF8')::json)
      ON CONFLICT (task_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id, seq = EXCLUDED.seq,
        json = EXCLUDED.json""";
  private static final String DELETE_TASKS = "DELETE FROM task WHERE task_id = ANY($1)";
  private static final String DELETE_LOGS_OF_TASKS = "DELETE FROM task_log WHERE task_id = ANY($1)";

  // One statement reads the workflow and its tasks, so both come from the same snapshot.
  private static final String WORKFLOW = "w.json::text, w.input::text, w.definition::text";
  private static final String WORKFLOW_AND_TASKS = """
      w.json::text, w.input::text, w.definition::text, (SELECT coalesce(json_agg(t.json ORDER BY t.seq, t.task_id), '[]')::text
                     FROM task t WHERE t.workflow_id = w.workflow_id)""";
  private static final String BY_ID = " FROM workflow w WHERE w.workflow_id = $1";
  private static final String GET_WORKFLOW = "SELECT " + WORKFLOW + BY_ID;
  private static final String GET_WORKFLOW_WITH_TASKS = "SELECT " + WORKFLOW_AND_TASKS + BY_ID;
  private static final String BY_CORRELATION = " FROM workflow w WHERE w.name = $1 AND w.correlation_id = $2";
  private static final String OLDEST_FIRST = " ORDER BY w.create_time, w.workflow_id";
  private static final String BY_CORRELATION_ALL = "SELECT " + WORKFLOW + BY_CORRELATION + OLDEST_FIRST;
  private static final String BY_CORRELATION_ALL_WITH_TASKS = "SELECT " + WORKFLOW_AND_TASKS + BY_CORRELATION + OLDEST_FIRST;
  private static final String BY_CORRELATION_OPEN = "SELECT " + WORKFLOW + BY_CORRELATION + " AND " + ACTIVE + OLDEST_FIRST;
  private static final String BY_CORRELATION_OPEN_WITH_TASKS =
      "SELECT " + WORKFLOW_AND_TASKS + BY_CORRELATION + " AND " + ACTIVE + OLDEST_FIRST;

  private static final String GET_TASK = "SELECT json::text FROM task WHERE task_id = $1";
  private static final String DELETE_LOGS_OF_WORKFLOW =
      "DELETE FROM task_log WHERE task_id IN (SELECT task_id FROM task WHERE workflow_id = $1)";
  // Its tasks go with it (ON DELETE CASCADE).
  private static final String DELETE_WORKFLOW = "DELETE FROM workflow WHERE workflow_id = $1";
  private static final String RUNNING_IDS =
      "SELECT workflow_id FROM workflow WHERE name = $1 AND version = $2 AND status = 'RUNNING'";
  private static final String CREATED_BETWEEN_IDS =
      "SELECT workflow_id FROM workflow WHERE name = $1 AND version = $2 AND create_time BETWEEN $3 AND $4";
  private static final String ACTIVE_IDS = "SELECT workflow_id FROM workflow WHERE " + ACTIVE;

  // Retention: finished rows in (end time, id) order from the partial indexes of V7, past a cursor;
  // a sub-workflow whose parent is still stored is left to its parent. NOT EXISTS alone (a NULL
  // parent matches nothing) plans as a nested-loop anti-join on the primary key; inside an OR it
  // became a hashed subplan that read the whole table.
  private static final String FINISHED = "SELECT w.workflow_id, w.name, w.status, w.end_time FROM workflow w"
      + " WHERE w.end_time IS NOT NULL AND w.end_time < $1 AND (w.end_time, w.workflow_id) > ($2, $3)";
  private static final String ROOTS_ONLY = " AND NOT EXISTS (SELECT 1 FROM workflow p WHERE p.workflow_id = w.parent_workflow_id)"
      + " ORDER BY w.end_time, w.workflow_id LIMIT $5";
  private static final String FINISHED_OF_NAMES = FINISHED + " AND w.name = ANY($4)" + ROOTS_ONLY;
  private static final String FINISHED_OF_OTHER_NAMES = FINISHED + " AND NOT (w.name = ANY($4))" + ROOTS_ONLY;
  private static final String EXECUTION =
      "SELECT workflow_id, name, status, coalesce(end_time, 0) FROM workflow WHERE workflow_id = $1";
  private static final String CHILDREN =
      "SELECT workflow_id, name, status, coalesce(end_time, 0) FROM workflow WHERE parent_workflow_id = $1";

  private static final String ADD_LOG = "INSERT INTO task_log (task_id, log, created_time) VALUES ($1, $2, $3)";
  private static final String GET_LOGS = "SELECT log, task_id, created_time FROM task_log WHERE task_id = $1 ORDER BY id";

  private static final String UPSERT_POLL_DATA = """
      INSERT INTO poll_data (queue_name, domain, worker_id, last_poll_time) VALUES ($1, $2, $3, $4)
      ON CONFLICT (queue_name, domain) DO UPDATE SET worker_id = EXCLUDED.worker_id,
        last_poll_time = EXCLUDED.last_poll_time""";
  private static final String POLL_DATA_COLUMNS = "SELECT queue_name, domain, worker_id, last_poll_time FROM poll_data";
  private static final String GET_POLL_DATA = POLL_DATA_COLUMNS + " WHERE queue_name = $1 ORDER BY domain";
  private static final String ALL_POLL_DATA = POLL_DATA_COLUMNS + " ORDER BY queue_name, domain";

  /** Search fields: their SQL expression, and whether they compare as numbers. */
  private record SearchField(String sql, boolean numeric) {}

  private static final java.util.Map<String, SearchField> SEARCH_FIELDS = java.util.Map.ofEntries(
      java.util.Map.entry("workflowId", new SearchField("workflow_id", false)),
      java.util.Map.entry("correlationId", new SearchField("correlation_id", false)),
      java.util.Map.entry("workflowType", new SearchField("name", false)),
      java.util.Map.entry("workflowName", new SearchField("name", false)),
      java.util.Map.entry("version", new SearchField("version", true)),
      java.util.Map.entry("status", new SearchField("status", false)),
      java.util.Map.entry("startTime", new SearchField("create_time", true)),
      java.util.Map.entry("createTime", new SearchField("create_time", true)),
      java.util.Map.entry("updateTime", new SearchField("(json->>'updateTime')::bigint", true)),
      java.util.Map.entry("endTime", new SearchField("coalesce((json->>'endTime')::bigint, 0)", true)),
      java.util.Map.entry("parentWorkflowId", new SearchField("coalesce(json->>'parentWorkflowId', '')", false)),
      java.util.Map.entry("priority", new SearchField("coalesce((json->>'priority')::int, 0)", true)),
      java.util.Map.entry("idempotencyKey", new SearchField("coalesce(json->>'idempotencyKey', '')", false)),
      java.util.Map.entry("event", new SearchField("coalesce(json->>'event', '')", false)));

  private static final java.util.Map<String, SearchField> TASK_SEARCH_FIELDS = java.util.Map.ofEntries(
      java.util.Map.entry("taskId", new SearchField("task_id", false)),
      java.util.Map.entry("workflowId", new SearchField("workflow_id", false)),
      java.util.Map.entry("taskType", new SearchField("coalesce(json->>'taskType', '')", false)),
      java.util.Map.entry("taskDefName", new SearchField("coalesce(json->>'taskDefName', '')", false)),
      java.util.Map.entry("status", new SearchField("coalesce(json->>'status', '')", false)),
      java.util.Map.entry("workflowType", new SearchField("coalesce(json->>'workflowType', '')", false)),
      java.util.Map.entry("correlationId", new SearchField("coalesce(json->>'correlationId', '')", false)),
      java.util.Map.entry("referenceTaskName", new SearchField("coalesce(json->>'referenceTaskName', '')", false)),
      java.util.Map.entry("taskRefName", new SearchField("coalesce(json->>'referenceTaskName', '')", false)),
      java.util.Map.entry("domain", new SearchField("coalesce(json->>'domain', '')", false)),
      java.util.Map.entry("workerId", new SearchField("coalesce(json->>'workerId', '')", false)),
      java.util.Map.entry("scheduledTime", new SearchField("coalesce((json->>'scheduledTime')::bigint, 0)", true)),
      java.util.Map.entry("startTime", new SearchField("coalesce((json->>'startTime')::bigint, 0)", true)),
      java.util.Map.entry("updateTime", new SearchField("coalesce((json->>'updateTime')::bigint, 0)", true)),
      java.util.Map.entry("endTime", new SearchField("coalesce((json->>'endTime')::bigint, 0)", true)));

  private final PostgresDatabase db;
  private final Pool pool;
  private final GroupCommit<WorkflowWrite, Void> saves = GroupCommit.withoutAnswers(this::writeTogether);

  public PostgresExecutionStore(PostgresDatabase db) {
    this.db = db.retain();
    this.pool = db.pool();
  }

  @Override
  public Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds) {
    return save(workflow, changedTasks, removedTaskIds, null);
  }

  @Override
  public Future<Void> save(Workflow workflow, Collection<Task> changedTasks, Collection<String> removedTaskIds,
      Fence fence) {
    WorkflowDocument.Encoded doc = WorkflowDocument.encode(workflow);
    Long endTime = workflow.status.isTerminal() ? ExecutionStore.endTimeOf(workflow) : null;
    Tuple workflowRow = doc.partsStored()
        ? Tuple.of(workflow.workflowId, workflow.status.name(), workflow.correlationId, bytes(doc.rest()), endTime)
        : Tuple.of(workflow.workflowId, workflow.workflowDefinition.name, workflow.workflowDefinition.version,
            workflow.status.name(), workflow.correlationId, workflow.createTime, bytes(doc.rest()), bytes(doc.input()),
            bytes(doc.definition()), endTime, workflow.parentWorkflowId);
    return saves.submit(new WorkflowWrite(workflow.workflowId, doc.partsStored(), workflowRow, taskRows(workflow, changedTasks),
            List.copyOf(removedTaskIds), fence))
        .onSuccess(v -> WorkflowDocument.saved(workflow, doc))
        .recover(db::unavailable);
  }

  /** Only the tasks: the workflow's row stays as it is (its document did not change). */
  @Override
  public Future<Void> saveTasks(Workflow workflow, Collection<Task> changedTasks, Fence fence) {
    return saves.submit(new WorkflowWrite(workflow.workflowId, true, null, taskRows(workflow, changedTasks), List.of(), fence))
        .recover(err -> isMissingWorkflow(err)
            ? Future.failedFuture(ConductorException.notFound("Workflow " + workflow.workflowId + " was removed"))
            : db.unavailable(err));
  }

  private static List<Tuple> taskRows(Workflow workflow, Collection<Task> tasks) {
    List<Tuple> rows = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      rows.add(Tuple.of(task.taskId, workflow.workflowId, task.seq, bytes(TaskDocument.encode(task))));
    }
    return rows;
  }

  /** A task row whose workflow row is gone: the foreign key refuses it. */
  private static boolean isMissingWorkflow(Throwable err) {
    return err instanceof io.vertx.pgclient.PgException pg && "23503".equals(pg.getSqlState());
  }

  /**
   * One workflow's save, as rows: its workflow row (an update when its large parts are stored; null
   * when only tasks are saved), tasks, removals.
   */
  private record WorkflowWrite(String workflowId, boolean update, Tuple workflowRow, List<Tuple> taskRows,
      List<String> removedTaskIds, Fence fence) {}

  // The fence: the partitions' lease rows, read under a key-share lock that a change of owner (which
  // locks them FOR UPDATE) waits for, so a new owner reads the store only after the old owner's
  // writes in flight have committed, and every later write of the old owner sees the new epoch.
  private static final String FENCE =
      "SELECT partition_id, epoch FROM cluster_partition WHERE partition_id = ANY($1) FOR KEY SHARE";

  /** Writes the saves of several workflows in one transaction, each kind of statement as one batch. */
  private Future<Void> writeTogether(List<WorkflowWrite> writes) {
    List<Tuple> inserts = new ArrayList<>();
    List<Tuple> updates = new ArrayList<>();
    List<String> updatedIds = new ArrayList<>();
    List<Tuple> tasks = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    java.util.Map<Integer, Long> fences = new java.util.HashMap<>();
    for (WorkflowWrite w : writes) {
      if (w.fence() != null) {
        fences.put(w.fence().partition(), w.fence().epoch());
      }
      if (w.workflowRow() != null) { // null: tasks only (saveTasks)
        if (w.update()) {
          updates.add(w.workflowRow());
          updatedIds.add(w.workflowId());
        } else {
          inserts.add(w.workflowRow());
        }
      }
      tasks.addAll(w.taskRows());
      removed.addAll(w.removedTaskIds());
    }
    return pool.withTransaction(conn -> {
      // Issued without waiting for each other: the connection pipelines them, in this order
      // (workflow rows before the task rows that reference them).
      List<Future<?>> steps = new ArrayList<>(6);
      if (!fences.isEmpty()) {
        steps.add(conn.preparedQuery(FENCE).execute(Tuple.tuple().addValue(fences.keySet().toArray(Integer[]::new)))
            .compose(rows -> checkFences(rows, fences, writes)));
      }
      if (!inserts.isEmpty()) {
        steps.add(conn.preparedQuery(UPSERT_WORKFLOW).executeBatch(inserts));
      }
      if (!updates.isEmpty()) {
        steps.add(conn.preparedQuery(UPDATE_WORKFLOW).executeBatch(updates).compose(rows -> {
          int i = 0;
          for (RowSet<Row> r = rows; r != null; r = r.next(), i++) {
            if (r.rowCount() != 1) {
              return Future.failedFuture(ConductorException.notFound("Workflow " + updatedIds.get(i) + " was removed"));
            }
          }
          return Future.succeededFuture();
        }));
      }
      if (!tasks.isEmpty()) {
        steps.add(conn.preparedQuery(UPSERT_TASK).executeBatch(tasks));
      }
      if (!removed.isEmpty()) {
        String[] ids = removed.toArray(String[]::new);
        steps.add(conn.preparedQuery(DELETE_TASKS).execute(Tuple.tuple().addArrayOfString(ids)));
        steps.add(conn.preparedQuery(DELETE_LOGS_OF_TASKS).execute(Tuple.tuple().addArrayOfString(ids)));
      }
      return Future.all(steps).<Void>mapEmpty();
    });
  }

  /** Fails when a partition's epoch is not the one its writes were made under (the group is then retried write by write). */
  private static Future<Void> checkFences(RowSet<Row> rows, java.util.Map<Integer, Long> fences, List<WorkflowWrite> writes) {
    java.util.Map<Integer, Long> current = new java.util.HashMap<>();
    for (Row row : rows) {
      current.put(row.getInteger(0), row.getLong(1));
    }
    for (var e : fences.entrySet()) {
      if (!e.getValue().equals(current.get(e.getKey()))) {
        return Future.failedFuture(new io.conductorvx.store.FencedWriteException(new io.conductorvx.store.Fence(e.getKey(), e.getValue())));
      }
    }
    // two writes of one group under different epochs of one partition: one of them is stale
    for (WorkflowWrite w : writes) {
      if (w.fence() != null && !Long.valueOf(w.fence().epoch()).equals(current.get(w.fence().partition()))) {
        return Future.failedFuture(new io.conductorvx.store.FencedWriteException(w.fence()));
      }
    }
    return Future.succeededFuture();
  }

  private static Buffer bytes(byte[] json) {
    return json == null ? null : Buffer.buffer(json);
  }

  /** Translates the query to one count and one page query over the workflow table, all values bound. */
  @Override
  public Future<io.conductorvx.model.SearchResult<Workflow>> searchWorkflows(io.conductorvx.store.SearchQuery query) {
    Tuple params = Tuple.tuple();
    return workflowPage(" FROM workflow" + where(query, SEARCH_FIELDS, "json::text || coalesce(input::text, '')", params),
        params, query);
  }

  @Override
  public Future<io.conductorvx.model.SearchResult<Workflow>> searchWorkflowsByTasks(io.conductorvx.store.SearchQuery query) {
    Tuple params = Tuple.tuple();
    return workflowPage(" FROM workflow WHERE workflow_id IN (SELECT workflow_id FROM task"
        + where(query, TASK_SEARCH_FIELDS, "json::text", params) + ")", params, query);
  }

  /** The count and the page (sorted by a workflow field) of the workflows {@code from} selects. */
  private Future<io.conductorvx.model.SearchResult<Workflow>> workflowPage(String from, Tuple params,
      io.conductorvx.store.SearchQuery query) {
    String page = "SELECT json::text, input::text, definition::text" + from + orderBy(query, SEARCH_FIELDS, "startTime", "workflow_id");
    return pool.preparedQuery("SELECT count(*)" + from).execute(params)
        .compose(count -> pool.preparedQuery(page).execute(params)
            .map(rows -> new io.conductorvx.model.SearchResult<>(count.iterator().next().getLong(0), workflows(rows, false))))
        .recover(db::unavailable);
  }

  /** The same over the task table. */
  @Override
  public Future<io.conductorvx.model.SearchResult<Task>> searchTasks(io.conductorvx.store.SearchQuery query) {
    Tuple params = Tuple.tuple();
    String where = " FROM task" + where(query, TASK_SEARCH_FIELDS, "json::text", params);
    String page = "SELECT json::text" + where + orderBy(query, TASK_SEARCH_FIELDS, "scheduledTime", "task_id");
    return pool.preparedQuery("SELECT count(*)" + where).execute(params)
        .compose(count -> pool.preparedQuery(page).execute(params)
            .map(rows -> new io.conductorvx.model.SearchResult<>(count.iterator().next().getLong(0), PgJson.all(rows, Task.class))))
        .recover(db::unavailable);
  }

  /** A WHERE clause for the query's clauses and free text, its values appended to {@code params}. */
  private static String where(io.conductorvx.store.SearchQuery query, java.util.Map<String, SearchField> fields,
      String freeTextSql, Tuple params) {
    StringBuilder where = new StringBuilder(" WHERE TRUE");
    for (io.conductorvx.store.SearchQuery.Clause c : query.clauses()) {
      SearchField f = searchField(fields, c.field());
      where.append(" AND ").append(f.sql());
      switch (c.op()) {
        case "IN" -> {
          where.append(" IN (");
          for (int i = 0; i < c.values().size(); i++) {
            where.append(i > 0 ? ", " : "").append('$').append(params.size() + 1);
            params.addValue(bind(f, c.values().get(i)));
          }
          where.append(c.values().isEmpty() ? "NULL)" : ")");
        }
        case "=", "!=" -> {
          boolean like = !f.numeric() && c.values().get(0).contains("*");
          where.append(like ? ("=".equals(c.op()) ? " LIKE $" : " NOT LIKE $") : " " + ("=".equals(c.op()) ? "=" : "<>") + " $")
              .append(params.size() + 1);
          params.addValue(like ? c.values().get(0).replace("%", "\\%").replace("_", "\\_").replace('*', '%') : bind(f, c.values().get(0)));
        }
        default -> {
          where.append(' ').append(c.op()).append(" $").append(params.size() + 1);
          params.addValue(bind(f, c.values().get(0)));
        }
      }
    }
    if (!"*".equals(query.freeText())) {
      where.append(" AND (").append(freeTextSql).append(") ILIKE $").append(params.size() + 1);
      params.addValue("%" + query.freeText().replace("%", "\\%").replace("_", "\\_") + "%");
    }
    return where.toString();
  }

  private static String orderBy(io.conductorvx.store.SearchQuery query, java.util.Map<String, SearchField> fields,
      String defaultSort, String tieBreak) {
    return " ORDER BY " + searchField(fields, query.sortField() == null ? defaultSort : query.sortField()).sql()
        + (query.descending() ? " DESC" : " ASC") + ", " + tieBreak + " LIMIT " + query.size() + " OFFSET " + query.start();
  }

  private static SearchField searchField(java.util.Map<String, SearchField> fields, String name) {
    SearchField f = fields.get(name);
    if (f == null) {
      throw io.conductorvx.error.ConductorException.badRequest("Unknown search field: " + name);
    }
    return f;
  }

  private static Object bind(SearchField f, String value) {
    if (!f.numeric()) {
      return value;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw io.conductorvx.error.ConductorException.badRequest("Search value for a number field must be a number: " + value);
    }
  }

  @Override
  public Future<Workflow> getWorkflow(String workflowId, boolean includeTasks) {
    return pool.preparedQuery(includeTasks ? GET_WORKFLOW_WITH_TASKS : GET_WORKFLOW).execute(Tuple.of(workflowId))
        .recover(db::unavailable)
        .map(rows -> {
          List<Workflow> found = workflows(rows, includeTasks);
          return found.isEmpty() ? null : found.get(0);
        });
  }

  /**
   * The stored parts joined as they are, as the memory store answers (a GET without tasks is among
   * the most frequent reads: no parse, definition included, and no encode again). A row written
   * before the stored document named its workflow is parsed and written again, which names it.
   */
  @Override
  public Future<byte[]> getWorkflowJson(String workflowId) {
    return pool.preparedQuery(GET_WORKFLOW).execute(Tuple.of(workflowId))
        .recover(db::unavailable)
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          String rest = row.getString(0);
          return WorkflowDocument.namesItsWorkflow(rest)
              ? WorkflowDocument.join(rest, row.getString(1), row.getString(2)).getBytes(StandardCharsets.UTF_8)
              : Json.toBytes(workflows(rows, false).get(0));
        });
  }

  private static List<Workflow> workflows(RowSet<Row> rows, boolean withTasks) {
    List<Workflow> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Workflow wf = PgJson.read(WorkflowDocument.join(row.getString(0), row.getString(1), row.getString(2)), Workflow.class);
      wf.tasks = withTasks ? PgJson.readList(row.getString(3), Task.class) : new ArrayList<>();
      out.add(wf);
    }
    return out;
  }

  @Override
  public Future<Task> getTask(String taskId) {
    return pool.preparedQuery(GET_TASK).execute(Tuple.of(taskId))
        .recover(db::unavailable)
        .map(rows -> PgJson.first(rows, Task.class));
  }

  @Override
  public Future<Boolean> removeWorkflow(String workflowId) {
    return removeWorkflow(workflowId, null);
  }

  @Override
  public Future<Boolean> removeWorkflow(String workflowId, Fence fence) {
    Tuple id = Tuple.of(workflowId);
    return pool.withTransaction(conn -> {
          // the lease row read under a key-share lock, as for a save: a change of owner waits for this delete
          Future<Void> fenced = fence == null ? Future.succeededFuture()
              : conn.preparedQuery(FENCE).execute(Tuple.tuple().addValue(new Integer[] {fence.partition()}))
                  .compose(rows -> checkFences(rows, java.util.Map.of(fence.partition(), fence.epoch()), List.of()));
          return fenced.compose(v -> conn.preparedQuery(DELETE_LOGS_OF_WORKFLOW).execute(id))
              .compose(logsGone -> conn.preparedQuery(DELETE_WORKFLOW).execute(id));
        })
        .recover(err -> err instanceof io.conductorvx.store.FencedWriteException ? Future.failedFuture(err) : db.unavailable(err))
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<List<String>> runningWorkflowIds(String name, int version) {
    return ids(RUNNING_IDS, Tuple.of(name, version));
  }

  @Override
  public Future<List<String>> workflowIdsCreatedBetween(String name, int version, long startTime, long endTime) {
    return ids(CREATED_BETWEEN_IDS, Tuple.of(name, version, startTime, endTime));
  }

  @Override
  public Future<List<Workflow>> workflowsByCorrelationId(String name, String correlationId, boolean includeClosed, boolean includeTasks) {
    String sql = includeClosed
        ? (includeTasks ? BY_CORRELATION_ALL_WITH_TASKS : BY_CORRELATION_ALL)
        : (includeTasks ? BY_CORRELATION_OPEN_WITH_TASKS : BY_CORRELATION_OPEN);
    return pool.preparedQuery(sql).execute(Tuple.of(name, correlationId))
        .recover(db::unavailable)
        .map(rows -> workflows(rows, includeTasks));
  }

  @Override
  public Future<List<String>> activeWorkflowIds() {
    return ids(ACTIVE_IDS, Tuple.tuple());
  }

  private Future<List<String>> ids(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params)
        .recover(db::unavailable)
        .map(rows -> {
          List<String> out = new ArrayList<>(rows.size());
          rows.forEach(row -> out.add(row.getString(0)));
          return out;
        });
  }

  @Override
  public Future<List<Execution>> finishedBefore(long endedBefore, Collection<String> names, boolean excludeNames,
      Execution after, int limit) {
    if (names.isEmpty() && !excludeNames) {
      return Future.succeededFuture(List.of());
    }
    // A single name is a range of the per-name index; several fall back to the end-time one.
    Tuple params = Tuple.of(endedBefore, after == null ? Long.MIN_VALUE : after.endTime(),
        after == null ? "" : after.workflowId()).addArrayOfString(names.toArray(String[]::new)).addInteger(limit);
    return executions(pool.preparedQuery(excludeNames ? FINISHED_OF_OTHER_NAMES : FINISHED_OF_NAMES).execute(params));
  }

  @Override
  public Future<Execution> execution(String workflowId) {
    return executions(pool.preparedQuery(EXECUTION).execute(Tuple.of(workflowId)))
        .map(found -> found.isEmpty() ? null : found.get(0));
  }

  @Override
  public Future<List<Execution>> childrenOf(String workflowId) {
    return executions(pool.preparedQuery(CHILDREN).execute(Tuple.of(workflowId)));
  }

  private Future<List<Execution>> executions(Future<RowSet<Row>> query) {
    return query.recover(db::unavailable).map(rows -> {
      List<Execution> out = new ArrayList<>(rows.size());
      for (Row row : rows) {
        out.add(new Execution(row.getString(0), row.getString(1), WorkflowStatus.valueOf(row.getString(2)), row.getLong(3)));
      }
      return out;
    });
  }

  @Override
  public Future<Void> addTaskLogs(List<TaskExecLog> logs) {
    if (logs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(logs.size());
    for (TaskExecLog log : logs) {
      batch.add(Tuple.of(log.taskId(), log.log(), log.createdTime()));
    }
    return pool.preparedQuery(ADD_LOG).executeBatch(batch)
        .recover(db::unavailable)
        .mapEmpty();
  }

  @Override
  public Future<List<TaskExecLog>> getTaskLogs(String taskId) {
    return pool.preparedQuery(GET_LOGS).execute(Tuple.of(taskId))
        .recover(db::unavailable)
        .map(rows -> {
          List<TaskExecLog> out = new ArrayList<>(rows.size());
          rows.forEach(row -> out.add(new TaskExecLog(row.getString(0), row.getString(1), row.getLong(2))));
          return out;
        });
  }

  @Override
  public Future<Void> savePollData(PollData data) {
    Tuple row = Tuple.of(data.queueName(), data.domain() == null ? "" : data.domain(), data.workerId(), data.lastPollTime());
    return pool.preparedQuery(UPSERT_POLL_DATA).execute(row)
        .recover(db::unavailable)
        .mapEmpty();
  }

  @Override
  public Future<List<PollData>> getPollData(String taskType) {
    return pollData(pool.preparedQuery(GET_POLL_DATA).execute(Tuple.of(taskType)));
  }

  @Override
  public Future<List<PollData>> getAllPollData() {
    return pollData(pool.query(ALL_POLL_DATA).execute());
  }

  private Future<List<PollData>> pollData(Future<RowSet<Row>> query) {
    return query.recover(db::unavailable).map(rows -> {
      List<PollData> out = new ArrayList<>(rows.size());
      for (Row row : rows) {
        String domain = row.getString(1);
        out.add(new PollData(row.getString(0), domain.isEmpty() ? null : domain, row.getString(2), row.getLong(3)));
      }
      return out;
    });
  }

  @Override
  public Future<Void> close() {
    return db.release();
  }
}
