package io.conductorvx.store.postgres;

import io.conductorvx.model.EventHandler;
import io.conductorvx.store.EventHandlerStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Event handlers in PostgreSQL, read fresh on every lookup so a change takes effect at once. */
public final class PostgresEventHandlerStore implements EventHandlerStore {
  private static final String INSERT = """
      INSERT INTO event_handler (name, event, active, json) VALUES ($1, $2, $3, $4::text::json)
      ON CONFLICT (name) DO NOTHING""";
  private static final String UPDATE =
      "UPDATE event_handler SET event = $2, active = $3, json = $4::text::json WHERE name = $1";
  private static final String LIST = "SELECT json::text FROM event_handler ORDER BY name";
  private static final String FOR_EVENT = "SELECT json::text FROM event_handler WHERE event = $1 ORDER BY name";
  private static final String FOR_EVENT_ACTIVE =
      "SELECT json::text FROM event_handler WHERE event = $1 AND active ORDER BY name";
  private static final String DELETE = "DELETE FROM event_handler WHERE name = $1";

  private final PostgresDatabase db;
  private final Pool pool;

  public PostgresEventHandlerStore(PostgresDatabase db) {
    this.db = db.retain();
    this.pool = db.pool();
  }

  private static Tuple row(EventHandler h) {
    return Tuple.of(h.name, h.event, h.active, PgJson.write(h));
  }

  @Override
  public Future<Boolean> create(EventHandler handler) {
    return pool.preparedQuery(INSERT).execute(row(handler)).recover(db::unavailable).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Boolean> update(EventHandler handler) {
    return pool.preparedQuery(UPDATE).execute(row(handler)).recover(db::unavailable).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<List<EventHandler>> list() {
    return pool.query(LIST).execute().recover(db::unavailable).map(rows -> PgJson.all(rows, EventHandler.class));
  }

  @Override
  public Future<List<EventHandler>> forEvent(String event, boolean activeOnly) {
    return pool.preparedQuery(activeOnly ? FOR_EVENT_ACTIVE : FOR_EVENT).execute(Tuple.of(event))
        .recover(db::unavailable)
        .map(rows -> PgJson.all(rows, EventHandler.class));
  }

  @Override
  public Future<Boolean> delete(String name) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(name)).recover(db::unavailable).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Void> close() {
    return db.release();
  }
}
