package io.conductorvx.store.postgres;

import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Definitions in PostgreSQL, as json rows keyed by name (and version). */
public final class PostgresMetadataStore implements MetadataStore {
  // Parameters are bound as text and cast on the server: a Java String bound to a json
  // parameter would be stored as a JSON string, not as the object it spells.
  private static final String UPSERT_TASK_DEF = """
      INSERT INTO task_def (name, json) VALUES ($1, $2::text::json)
      ON CONFLICT (name) DO UPDATE SET json = EXCLUDED.json""";
  private static final String GET_TASK_DEF = "SELECT json::text FROM task_def WHERE name = $1";
  private static final String LIST_TASK_DEFS = "SELECT json::text FROM task_def ORDER BY name";
  private static final String DELETE_TASK_DEF = "DELETE FROM task_def WHERE name = $1";
  private static final String INSERT_WORKFLOW_DEF = """
      INSERT INTO workflow_def (name, version, json) VALUES ($1, $2, $3::text::json)
      ON CONFLICT (name, version) DO NOTHING""";
  private static final String UPSERT_WORKFLOW_DEF = """
      INSERT INTO workflow_def (name, version, json) VALUES ($1, $2, $3::text::json)
      ON CONFLICT (name, version) DO UPDATE SET json = EXCLUDED.json""";
  private static final String GET_WORKFLOW_DEF = "SELECT json::text FROM workflow_def WHERE name = $1 AND version = $2";
  private static final String GET_LATEST_WORKFLOW_DEF =
      "SELECT json::text FROM workflow_def WHERE name = $1 ORDER BY version DESC LIMIT 1";
  private static final String LIST_WORKFLOW_DEFS = "SELECT json::text FROM workflow_def ORDER BY name, version";
  private static final String DELETE_WORKFLOW_DEF = "DELETE FROM workflow_def WHERE name = $1 AND version = $2";

  private final PostgresDatabase db;
  private final Pool pool;

  public PostgresMetadataStore(PostgresDatabase db) {
    this.db = db.retain();
    this.pool = db.pool();
  }

  @Override
  public Future<Void> saveTaskDefs(List<TaskDef> defs) {
    if (defs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(defs.size());
    for (TaskDef def : defs) {
      batch.add(Tuple.of(def.name, PgJson.write(def)));
    }
    // All or nothing: the whole batch commits or none of it.
    return pool.withTransaction(conn -> conn.preparedQuery(UPSERT_TASK_DEF).executeBatch(batch))
        .recover(db::unavailable)
        .mapEmpty();
  }

  @Override
  public Future<TaskDef> getTaskDef(String name) {
    return pool.preparedQuery(GET_TASK_DEF).execute(Tuple.of(name))
        .recover(db::unavailable)
        .map(rows -> PgJson.first(rows, TaskDef.class));
  }

  @Override
  public Future<List<TaskDef>> listTaskDefs() {
    return pool.query(LIST_TASK_DEFS).execute()
        .recover(db::unavailable)
        .map(rows -> PgJson.all(rows, TaskDef.class));
  }

  @Override
  public Future<Boolean> deleteTaskDef(String name) {
    return pool.preparedQuery(DELETE_TASK_DEF).execute(Tuple.of(name))
        .recover(db::unavailable)
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Boolean> createWorkflowDef(WorkflowDef def) {
    return pool.preparedQuery(INSERT_WORKFLOW_DEF).execute(Tuple.of(def.name, def.version, PgJson.write(def)))
        .recover(db::unavailable)
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Void> saveWorkflowDef(WorkflowDef def) {
    return pool.preparedQuery(UPSERT_WORKFLOW_DEF).execute(Tuple.of(def.name, def.version, PgJson.write(def)))
        .recover(db::unavailable)
        .mapEmpty();
  }

  @Override
  public Future<String> getWorkflowDefJson(String name, Integer version) {
    Future<RowSet<Row>> rows = version == null
        ? pool.preparedQuery(GET_LATEST_WORKFLOW_DEF).execute(Tuple.of(name))
        : pool.preparedQuery(GET_WORKFLOW_DEF).execute(Tuple.of(name, version));
    return rows.recover(db::unavailable).map(r -> {
      var it = r.iterator();
      return it.hasNext() ? it.next().getString(0) : null;
    });
  }

  @Override
  public Future<List<WorkflowDef>> listWorkflowDefs() {
    return pool.query(LIST_WORKFLOW_DEFS).execute()
        .recover(db::unavailable)
        .map(rows -> PgJson.all(rows, WorkflowDef.class));
  }

  @Override
  public Future<Boolean> deleteWorkflowDef(String name, int version) {
    return pool.preparedQuery(DELETE_WORKFLOW_DEF).execute(Tuple.of(name, version))
        .recover(db::unavailable)
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Void> close() {
    return db.release();
  }
}
