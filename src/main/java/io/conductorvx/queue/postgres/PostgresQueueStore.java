package io.conductorvx.queue.postgres;

import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueuePosition;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.store.GroupCommit;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queues in one PostgreSQL table, one row per message. A waiting row has no lease; pop leases
 * rows with {@code FOR UPDATE SKIP LOCKED}, so concurrent readers (on any server) never take the
 * same row and never wait for each other. Times come from the database clock, so servers with
 * skewed clocks still agree on what is due.
 */
public final class PostgresQueueStore implements QueueStore {
  private static final String NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

  // A new seq on every push and requeue: ties on due time go to the older entry.
  private static final String PUSH = """
      INSERT INTO queue_message (queue, id, payload, priority, due_at, lease_until, seq)
      VALUES ($1, $2, $3, $4, %s + $5, NULL, nextval('queue_message_seq'))
      ON CONFLICT (queue, id) DO UPDATE SET payload = EXCLUDED.payload, priority = EXCLUDED.priority,
        due_at = EXCLUDED.due_at, lease_until = NULL, seq = EXCLUDED.seq""".formatted(NOW_MS);
  // The clock is read once (a materialised CTE) so "due" and the lease start agree.
  // The pop's commit does not wait for its WAL to reach the disk (synchronous_commit off for this
  // transaction only): a lease lost in a database crash only makes the message due again, as an
  // expired lease does, and the claim that follows every handed-out message commits synchronously,
  // which flushes the WAL past this commit anyway. A pop's flush was the costliest commit left per
  // workflow in PostgreSQL-only mode (see GroupCommit for the others).
  private static final String POP = """
      WITH now AS MATERIALIZED (SELECT %s AS ms, set_config('synchronous_commit', 'off', true) AS async),
      picked AS (
        SELECT queue, id FROM queue_message
        WHERE queue = $1 AND lease_until IS NULL AND due_at <= (SELECT ms FROM now)
        ORDER BY priority DESC, due_at, seq
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
      UPDATE queue_message m SET lease_until = (SELECT ms FROM now) + $3
      FROM picked WHERE m.queue = picked.queue AND m.id = picked.id
      RETURNING m.id, m.payload, m.priority, m.due_at, m.seq""".formatted(NOW_MS);
  private static final String ACK = "DELETE FROM queue_message WHERE queue = $1 AND id = $2 AND lease_until IS NOT NULL";
  private static final String REMOVE = "DELETE FROM queue_message WHERE queue = $1 AND id = $2";
  private static final String DROP = "DELETE FROM queue_message WHERE queue = $1";
  private static final String CONTAINS = "SELECT EXISTS (SELECT 1 FROM queue_message WHERE queue = $1 AND id = $2)";
  // Row locks make this safe to run on several servers at once: a row requeued by one is no
  // longer leased when the other re-checks it, so it is counted once.
  private static final String REQUEUE_EXPIRED = """
      WITH now AS MATERIALIZED (SELECT %s AS ms)
      UPDATE queue_message SET lease_until = NULL, due_at = (SELECT ms FROM now), seq = nextval('queue_message_seq')
      WHERE lease_until IS NOT NULL AND lease_until <= (SELECT ms FROM now)""".formatted(NOW_MS);
  // Delivery order is priority, then due time, then seq; only what is due by the time this one is counts.
  private static final String LOCATE = """
      WITH now AS MATERIALIZED (SELECT %s AS ms)
      SELECT m.lease_until IS NOT NULL, m.due_at,
        (SELECT count(*) FROM queue_message o
         WHERE o.queue = m.queue AND o.lease_until IS NULL AND o.id <> m.id AND o.due_at <= greatest(m.due_at, (SELECT ms FROM now))
           AND (o.priority > m.priority OR (o.priority = m.priority AND (o.due_at < m.due_at
                OR (o.due_at = m.due_at AND o.seq < m.seq)))))
      FROM queue_message m WHERE m.queue = $1 AND m.id = $2""".formatted(NOW_MS);
  private static final String SIZE = "SELECT count(*) FROM queue_message WHERE queue = $1 AND lease_until IS NULL";
  private static final String DETAILS = """
      SELECT queue, count(*) FILTER (WHERE lease_until IS NULL), count(*) FILTER (WHERE lease_until IS NOT NULL)
      FROM queue_message GROUP BY queue ORDER BY queue""";

  /** Delivery order of a popped batch: UPDATE ... RETURNING gives rows in no particular order. */
  private record Popped(QueueMessage message, long dueAt, long seq) {
    static final Comparator<Popped> ORDER = Comparator.<Popped>comparingInt(p -> -p.message().priority())
        .thenComparingLong(Popped::dueAt)
        .thenComparingLong(Popped::seq);
  }

  /** A push, an ack or a removal: the writes that are grouped into shared transactions. */
  private record Write(String sql, Tuple row) {}

  private final PostgresDatabase db;
  private final Pool pool;
  /** Each write answers the rows it touched (a removal: whether it found its message). */
  private final GroupCommit<Write, Integer> writes;

  public PostgresQueueStore(PostgresDatabase db) {
    this.db = db.retain();
    this.pool = db.pool();
    this.writes = new GroupCommit<>(this::writeTogether);
  }

  /** Runs the writes in one transaction, pipelined, in the order they were made. */
  private Future<List<Integer>> writeTogether(List<Write> group) {
    return pool.withTransaction(conn -> {
      List<Future<RowSet<Row>>> steps = new ArrayList<>(group.size());
      for (Write w : group) {
        steps.add(conn.preparedQuery(w.sql()).execute(w.row()));
      }
      return Future.all(steps).map(all -> steps.stream().map(step -> step.result().rowCount()).toList());
    });
  }

  @Override
  public Future<Void> push(String queue, QueueMessage message, long delayMs) {
    Tuple row = Tuple.of(queue, message.id(), message.payload(), message.priority(), Math.min(Math.max(0, delayMs), MAX_DELAY_MS));
    return writes.submit(new Write(PUSH, row)).recover(db::unavailable).mapEmpty();
  }

  @Override
  public Future<List<QueueMessage>> pop(String queue, int count, long leaseMs) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(POP).execute(Tuple.of(queue, count, Math.max(0, leaseMs)))
        .recover(db::unavailable)
        .map(rows -> {
          List<Popped> popped = new ArrayList<>(rows.size());
          for (Row row : rows) {
            QueueMessage m = new QueueMessage(row.getString(0), row.getString(1), row.getInteger(2));
            popped.add(new Popped(m, row.getLong(3), row.getLong(4)));
          }
          popped.sort(Popped.ORDER);
          return popped.stream().map(Popped::message).toList();
        });
  }

  @Override
  public Future<Void> ack(String queue, String id) {
    return writes.submit(new Write(ACK, Tuple.of(queue, id))).recover(db::unavailable).mapEmpty();
  }

  @Override
  public Future<Void> drop(String queue) {
    return pool.preparedQuery(DROP).execute(Tuple.of(queue)).recover(db::unavailable).mapEmpty();
  }

  /** Grouped like pushes: a workflow's last save removes its decider-queue entry, one per workflow. */
  @Override
  public Future<Boolean> remove(String queue, String id) {
    return writes.submit(new Write(REMOVE, Tuple.of(queue, id)))
        .recover(db::unavailable)
        .map(rows -> rows > 0);
  }

  @Override
  public Future<Boolean> contains(String queue, String id) {
    return pool.preparedQuery(CONTAINS).execute(Tuple.of(queue, id))
        .recover(db::unavailable)
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  @Override
  public Future<QueuePosition> locate(String queue, String id) {
    return pool.preparedQuery(LOCATE).execute(Tuple.of(queue, id))
        .recover(db::unavailable)
        .map(rows -> {
          if (rows.size() == 0) {
            return QueuePosition.ABSENT;
          }
          Row row = rows.iterator().next();
          boolean leased = row.getBoolean(0);
          return new QueuePosition(true, leased, row.getLong(1), leased ? 0 : row.getLong(2));
        });
  }

  @Override
  public Future<Integer> requeueExpiredLeases() {
    return pool.query(REQUEUE_EXPIRED).execute()
        .recover(db::unavailable)
        .map(rows -> rows.rowCount());
  }

  @Override
  public Future<Long> size(String queue) {
    return pool.preparedQuery(SIZE).execute(Tuple.of(queue))
        .recover(db::unavailable)
        .map(rows -> rows.iterator().next().getLong(0));
  }

  @Override
  public Future<Map<String, Long>> sizes() {
    return details().map(details -> {
      Map<String, Long> out = new LinkedHashMap<>();
      details.forEach((queue, counts) -> out.put(queue, counts.get("size")));
      return out;
    });
  }

  @Override
  public Future<Map<String, Map<String, Long>>> details() {
    return pool.query(DETAILS).execute()
        .recover(db::unavailable)
        .map(rows -> {
          Map<String, Map<String, Long>> out = new LinkedHashMap<>();
          for (Row row : rows) {
            out.put(row.getString(0), Map.of("size", row.getLong(1), "uacked", row.getLong(2)));
          }
          return out;
        });
  }

  @Override
  public Future<Void> close() {
    return db.release();
  }
}
