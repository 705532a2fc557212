package io.conductorvx.store.postgres;

import io.conductorvx.model.EventExecution;
import io.conductorvx.store.EventExecutionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Event executions in PostgreSQL (table event_execution, migration V4). */
public final class PostgresEventExecutionStore implements EventExecutionStore {
  private static final String UPSERT = """
      INSERT INTO event_execution (handler_name, event, execution_id, message_id, created, status, json)
      VALUES ($1, $2, $3, $4, $5, $6, $7::text::json)
      ON CONFLICT (handler_name, event, execution_id) DO UPDATE
      SET message_id = EXCLUDED.message_id, created = EXCLUDED.created, status = EXCLUDED.status, json = EXCLUDED.json""";
  private static final String FOR_MESSAGE = """
      SELECT json::text FROM event_execution WHERE handler_name = $1 AND message_id = $2 AND event = $3
      ORDER BY execution_id""";
  private static final String FOR_HANDLER = """
      SELECT json::text FROM event_execution WHERE handler_name = $1 AND created >= $2
      ORDER BY created DESC, execution_id LIMIT $3""";
  private static final String ACTIVITY = """
      SELECT handler_name, event, count(DISTINCT message_id), count(*) FILTER (WHERE status <> 'SKIPPED')
      FROM event_execution GROUP BY handler_name, event ORDER BY handler_name, event""";
  private static final String REMOVE_BEFORE = "DELETE FROM event_execution WHERE created < $1";

  private final PostgresDatabase db;
  private final Pool pool;

  public PostgresEventExecutionStore(PostgresDatabase db) {
    this.db = db.retain();
    this.pool = db.pool();
  }

  @Override
  public Future<Void> save(List<EventExecution> executions) {
    if (executions.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(executions.size());
    for (EventExecution e : executions) {
      rows.add(Tuple.of(e.name(), e.event(), e.id(), e.messageId(), e.created(), e.status().name(), PgJson.write(e)));
    }
    return pool.preparedQuery(UPSERT).executeBatch(rows).recover(db::unavailable).mapEmpty();
  }

  @Override
  public Future<List<EventExecution>> forMessage(String handlerName, String event, String messageId) {
    return pool.preparedQuery(FOR_MESSAGE).execute(Tuple.of(handlerName, messageId, event))
        .recover(db::unavailable)
        .map(rows -> PgJson.all(rows, EventExecution.class));
  }

  @Override
  public Future<List<EventExecution>> forHandler(String handlerName, long createdFrom, int limit) {
    return pool.preparedQuery(FOR_HANDLER).execute(Tuple.of(handlerName, createdFrom, limit))
        .recover(db::unavailable)
        .map(rows -> PgJson.all(rows, EventExecution.class));
  }

  @Override
  public Future<List<Activity>> activity() {
    return pool.query(ACTIVITY).execute().recover(db::unavailable).map(rows -> {
      List<Activity> out = new ArrayList<>(rows.size());
      for (Row row : rows) {
        out.add(new Activity(row.getString(0), row.getString(1), row.getLong(2), row.getLong(3)));
      }
      return out;
    });
  }

  @Override
  public Future<Long> removeCreatedBefore(long createdBefore) {
    return pool.preparedQuery(REMOVE_BEFORE).execute(Tuple.of(createdBefore)).recover(db::unavailable)
        .map(rows -> (long) rows.rowCount());
  }

  @Override
  public Future<Void> close() {
    return db.release();
  }
}
