package io.conductorvx.durability;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a test schema's workflow and task tables directly (not through the server under test,
 * nor through a proxy that may be cut): the store is the truth of what survived.
 */
final class StoredWorkflows {
  private final Pool pool;

  StoredWorkflows(Vertx vertx, String schema) {
    this.pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(TestBackends.POSTGRES_URL).addProperty("search_path", schema))
        .using(vertx)
        .build();
  }

  /** A stored workflow: id, status, correlation id. */
  record Stored(String workflowId, String status, String correlationId) {}

  Future<Map<String, Stored>> all() {
    return pool.query("SELECT workflow_id, status, correlation_id FROM workflow").execute().map(rows -> {
      Map<String, Stored> out = new LinkedHashMap<>();
      for (Row row : rows) {
        out.put(row.getString(0), new Stored(row.getString(0), row.getString(1), row.getString(2)));
      }
      return out;
    });
  }

  /** Stored tasks counted by status (a retried task leaves its earlier attempt behind). */
  Future<Map<String, Long>> taskStatuses() {
    return pool.query("SELECT json->>'status', count(*) FROM task GROUP BY 1 ORDER BY 1").execute().map(rows -> {
      Map<String, Long> out = new LinkedHashMap<>();
      for (Row row : rows) {
        out.put(row.getString(0), row.getLong(1));
      }
      return out;
    });
  }

  /** Workflows with their tasks on one line each (ref:status:taskId), for failure messages. */
  Future<List<String>> describe(Collection<String> workflowIds) {
    String sql = """
        SELECT w.workflow_id, w.status, w.correlation_id,
          (SELECT string_agg((t.json->>'referenceTaskName') || ':' || (t.json->>'status') || ':' || t.task_id, ', '
                             ORDER BY t.seq)
           FROM task t WHERE t.workflow_id = w.workflow_id)
        FROM workflow w WHERE w.workflow_id = ANY($1)""";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addArrayOfString(workflowIds.toArray(String[]::new)))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          for (Row row : rows) {
            out.add(row.getString(0) + " " + row.getString(1) + " corr=" + row.getString(2) + " tasks=[" + row.getString(3) + "]");
          }
          return out;
        });
  }

  Future<Void> close() {
    return pool.close();
  }
}
