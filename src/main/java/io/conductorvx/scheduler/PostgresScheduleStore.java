package io.conductorvx.scheduler;

import io.conductorvx.model.Json;
import io.conductorvx.model.SearchResult;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Schedules and runs in PostgreSQL (migration V5): a row per schedule, a row per fired slot. */
public final class PostgresScheduleStore implements ScheduleStore {
  private static final String COLUMNS = "json::text, next_slots, version";
  private static final String GET = "SELECT " + COLUMNS + " FROM scheduler_schedule WHERE name = $1";
  private static final String LIST = "SELECT " + COLUMNS + " FROM scheduler_schedule ORDER BY name";
  private static final String LIST_BY_WORKFLOW =
      "SELECT " + COLUMNS + " FROM scheduler_schedule WHERE workflow_name = $1 ORDER BY name";
  // Parameters are bound as text and cast: a Java String bound to json would be stored as a JSON string.
  private static final String INSERT = """
      INSERT INTO scheduler_schedule (name, workflow_name, paused, next_run_time, next_slots, version, json)
      VALUES ($1, $2, $3, $4, $5, $6, $7::text::json) ON CONFLICT (name) DO NOTHING""";
  private static final String UPDATE = """
      UPDATE scheduler_schedule SET workflow_name = $2, paused = $3, next_run_time = $4, next_slots = $5, version = $6,
        json = $7::text::json
      WHERE name = $1 AND version = $8""";
  private static final String DELETE = "DELETE FROM scheduler_schedule WHERE name = $1";
  private static final String DUE = "SELECT " + COLUMNS + " FROM scheduler_schedule"
      + " WHERE next_run_time <= $1 AND (next_run_time, name) > ($2, $3) ORDER BY next_run_time, name LIMIT $4";
  private static final String INSERT_RUN = """
      INSERT INTO scheduler_execution (execution_id, schedule_name, workflow_name, workflow_id, state, scheduled_time,
        execution_time, reason, lease_until, json)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::json) ON CONFLICT (execution_id) DO NOTHING""";
  private static final String FINISH_RUN = """
      INSERT INTO scheduler_execution (execution_id, schedule_name, workflow_name, workflow_id, state, scheduled_time,
        execution_time, reason, lease_until, json)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::json)
      ON CONFLICT (execution_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id, state = EXCLUDED.state,
        reason = EXCLUDED.reason, lease_until = 0, json = EXCLUDED.json""";
  private static final String EXPIRED_RUNS = "SELECT json::text FROM scheduler_execution"
      + " WHERE state = 'POLLED' AND lease_until <= $1 ORDER BY lease_until, execution_id LIMIT $2";
  private static final String RENEW_LEASE = "UPDATE scheduler_execution SET lease_until = $3"
      + " WHERE execution_id = $1 AND state = 'POLLED' AND lease_until <= $2";
  private static final String EXPIRE_LEASES =
      "UPDATE scheduler_execution SET lease_until = 0 WHERE state = 'POLLED' RETURNING execution_id";
  private static final String REMOVE_OLDER =
      "DELETE FROM scheduler_execution WHERE state <> 'POLLED' AND scheduled_time < $1";

  private final PostgresDatabase db;
  private final Pool pool;

  public PostgresScheduleStore(PostgresDatabase db) {
    this.db = db.retain();
    this.pool = db.pool();
  }

  @Override
  public Future<StoredSchedule> get(String name) {
    return pool.preparedQuery(GET).execute(Tuple.of(name)).recover(db::unavailable)
        .map(rows -> rows.size() == 0 ? null : schedule(rows.iterator().next()));
  }

  @Override
  public Future<List<StoredSchedule>> list(String workflowName) {
    Future<RowSet<Row>> rows = workflowName == null
        ? pool.query(LIST).execute()
        : pool.preparedQuery(LIST_BY_WORKFLOW).execute(Tuple.of(workflowName));
    return rows.recover(db::unavailable).map(PostgresScheduleStore::schedules);
  }

  @Override
  public Future<SearchResult<StoredSchedule>> search(ScheduleSearch search) {
    StringBuilder where = new StringBuilder(" WHERE true");
    Tuple args = Tuple.tuple();
    if (search.workflowName() != null) {
      args.addString(search.workflowName());
      where.append(" AND workflow_name = $").append(args.size());
    }
    if (search.scheduleName() != null) {
      args.addString(search.scheduleName().toLowerCase(java.util.Locale.ROOT));
      where.append(" AND strpos(lower(name), $").append(args.size()).append(") > 0");
    }
    if (search.paused() != null) {
      args.addBoolean(search.paused());
      where.append(" AND paused = $").append(args.size());
    }
    if (search.freeText() != null) {
      args.addString(search.freeText().toLowerCase(java.util.Locale.ROOT));
      where.append(" AND strpos(lower(concat_ws(' ', name, workflow_name, json->>'description')), $")
          .append(args.size()).append(") > 0");
    }
    String order = switch (search.sortField()) {
      case "workflowName" -> "workflow_name";
      case "createTime" -> "(json->>'createTime')::bigint";
      case "updatedTime" -> "(json->>'updatedTime')::bigint";
      case "nextRunTime" -> "next_run_time";
      default -> "name";
    };
    String dir = search.descending() ? " DESC" : " ASC";
    String page = "SELECT " + COLUMNS + " FROM scheduler_schedule" + where + " ORDER BY " + order + dir
        + (order.equals("name") ? "" : ", name" + dir) + " OFFSET " + search.start() + " LIMIT " + search.size();
    return count("SELECT count(*) FROM scheduler_schedule" + where, args)
        .compose(total -> pool.preparedQuery(page).execute(args).recover(db::unavailable)
            .map(rows -> new SearchResult<>(total, schedules(rows))));
  }

  @Override
  public Future<Boolean> write(StoredSchedule schedule, long expectedVersion) {
    return write(pool, schedule, expectedVersion);
  }

  private Future<Boolean> write(SqlClient client, StoredSchedule s, long expectedVersion) {
    WorkflowSchedule w = s.schedule();
    Tuple args = Tuple.of(s.name(), MemoryScheduleStore.workflowOf(w), w.paused, w.paused ? null : s.nextRunTime(),
        s.slots().toArray(new Long[0]), s.version(), Json.toString(w));
    Future<RowSet<Row>> done = expectedVersion == 0
        ? client.preparedQuery(INSERT).execute(args)
        : client.preparedQuery(UPDATE).execute(args.addLong(expectedVersion));
    return done.recover(db::unavailable).map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Boolean> delete(String name) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(name)).recover(db::unavailable).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<List<StoredSchedule>> due(long now, long afterTime, String afterName, int limit) {
    Tuple args = afterName == null ? Tuple.of(now, Long.MIN_VALUE, "", limit) : Tuple.of(now, afterTime, afterName, limit);
    return pool.preparedQuery(DUE).execute(args).recover(db::unavailable).map(PostgresScheduleStore::schedules);
  }

  @Override
  public Future<Boolean> claim(StoredSchedule advanced, long expectedVersion, List<ScheduleExecution> runs, long leaseUntil) {
    return pool.withTransaction(conn -> write(conn, advanced, expectedVersion).compose(won -> {
      if (!won || runs.isEmpty()) {
        return Future.succeededFuture(won);
      }
      List<Tuple> batch = new ArrayList<>(runs.size());
      for (ScheduleExecution run : runs) {
        batch.add(runArgs(run, leaseUntil));
      }
      return conn.preparedQuery(INSERT_RUN).executeBatch(batch).map(true);
    })).recover(db::unavailable);
  }

  @Override
  public Future<Void> finish(ScheduleExecution run) {
    return pool.preparedQuery(FINISH_RUN).execute(runArgs(run, 0)).recover(db::unavailable).mapEmpty();
  }

  @Override
  public Future<List<ScheduleExecution>> expiredRuns(long now, int limit) {
    return pool.preparedQuery(EXPIRED_RUNS).execute(Tuple.of(now, limit)).recover(db::unavailable).map(PostgresScheduleStore::runs);
  }

  @Override
  public Future<Boolean> renewLease(String executionId, long now, long leaseUntil) {
    return pool.preparedQuery(RENEW_LEASE).execute(Tuple.of(executionId, now, leaseUntil)).recover(db::unavailable)
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<List<String>> expireLeases() {
    return pool.query(EXPIRE_LEASES).execute().recover(db::unavailable).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  @Override
  public Future<SearchResult<ScheduleExecution>> searchExecutions(ExecutionQuery query) {
    StringBuilder where = new StringBuilder(" WHERE true");
    Tuple args = Tuple.tuple();
    for (ExecutionQuery.Condition c : query.conditions()) {
      String column = column(c.field());
      switch (c.op()) {
        case IN -> {
          args.addArrayOfString(c.values().toArray(new String[0]));
          where.append(" AND ").append(column).append(" = ANY($").append(args.size()).append(")");
        }
        case CONTAINS -> {
          args.addString(c.values().get(0).toLowerCase(java.util.Locale.ROOT));
          where.append(" AND strpos(lower(").append(column).append("), $").append(args.size()).append(") > 0");
        }
        case GT, LT -> {
          args.addLong(c.number());
          where.append(" AND ").append(column).append(c.op() == ExecutionQuery.Op.GT ? " > $" : " < $").append(args.size());
        }
      }
    }
    if (query.freeText() != null) {
      args.addString(query.freeText().toLowerCase(java.util.Locale.ROOT));
      where.append(" AND strpos(lower(concat_ws(' ', schedule_name, workflow_name, workflow_id, execution_id, reason)), $")
          .append(args.size()).append(") > 0");
    }
    String order = switch (query.sortField()) {
      case "executionTime" -> "execution_time";
      case "scheduleName" -> "schedule_name";
      case "workflowName" -> "workflow_name";
      case "state" -> "state";
      default -> "scheduled_time";
    };
    String dir = query.descending() ? " DESC" : " ASC";
    String page = "SELECT json::text FROM scheduler_execution" + where + " ORDER BY " + order + dir + ", execution_id" + dir
        + " OFFSET " + query.start() + " LIMIT " + query.size();
    return count("SELECT count(*) FROM scheduler_execution" + where, args)
        .compose(total -> pool.preparedQuery(page).execute(args).recover(db::unavailable)
            .map(rows -> new SearchResult<>(total, runs(rows))));
  }

  private static String column(ExecutionQuery.Field field) {
    return switch (field) {
      case SCHEDULE_NAME -> "schedule_name";
      case STATE -> "state";
      case WORKFLOW_NAME -> "workflow_name";
      case WORKFLOW_ID -> "workflow_id";
      case EXECUTION_ID -> "execution_id";
      case SCHEDULED_TIME -> "scheduled_time";
      case EXECUTION_TIME -> "execution_time";
    };
  }

  @Override
  public Future<Integer> removeExecutionsOlderThan(long scheduledBefore) {
    return pool.preparedQuery(REMOVE_OLDER).execute(Tuple.of(scheduledBefore)).recover(db::unavailable)
        .map(RowSet::rowCount);
  }

  @Override
  public Future<Void> close() {
    return db.release();
  }

  private Future<Long> count(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).recover(db::unavailable).map(rows -> rows.iterator().next().getLong(0));
  }

  private static Tuple runArgs(ScheduleExecution run, long leaseUntil) {
    return Tuple.tuple().addString(run.executionId()).addString(run.scheduleName()).addString(run.workflowName())
        .addString(run.workflowId()).addString(run.state().name()).addLong(run.scheduledTime()).addLong(run.executionTime())
        .addString(run.reason()).addLong(leaseUntil).addString(Json.toString(run));
  }

  private static StoredSchedule schedule(Row row) {
    Long[] slots = row.getArrayOfLongs(1);
    return new StoredSchedule(Json.fromBytes(row.getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        WorkflowSchedule.class), slots == null ? List.of() : Arrays.asList(slots), row.getLong(2));
  }

  private static List<StoredSchedule> schedules(RowSet<Row> rows) {
    List<StoredSchedule> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(schedule(r)));
    return out;
  }

  private static List<ScheduleExecution> runs(RowSet<Row> rows) {
    List<ScheduleExecution> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(Json.fromBytes(r.getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ScheduleExecution.class)));
    return out;
  }
}
