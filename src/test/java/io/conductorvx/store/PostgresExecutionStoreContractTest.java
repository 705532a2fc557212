package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conductorvx.model.Json;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.conductorvx.store.postgres.PostgresExecutionStore;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each test works in its own schema, dropped afterwards. */
class PostgresExecutionStoreContractTest extends ExecutionStoreContract {
  private final String schema = TestBackends.uniqueSchema();
  private PostgresDatabase db;

  @Override
  protected Future<ExecutionStore> open(Vertx vertx) {
    return TestBackends.postgres(vertx, schema).map(opened -> {
      db = opened;
      return new PostgresExecutionStore(opened);
    });
  }

  @Override
  protected Future<Void> cleanUp() {
    return TestBackends.dropSchema(schema);
  }

  @Test
  void aRowWrittenBeforeTheDocumentNamedItsWorkflowIsAnsweredWithItsName(VertxTestContext ctx) {
    Workflow wf = running("old");
    wf.output.put("child", Map.of("workflowName", "not this one"));
    store.save(wf, List.of(), List.of())
        // what earlier versions stored: the rest without workflowName, and workflowVersion 0
        .compose(v -> db.pool().preparedQuery("SELECT json::text FROM workflow WHERE workflow_id = $1").execute(Tuple.of("old")))
        .compose(rows -> {
          Map<?, ?> rest = Json.fromBytes(rows.iterator().next().getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.class);
          assertEquals("flow", rest.get("workflowName"));
          Map<String, Object> older = new java.util.LinkedHashMap<>();
          rest.forEach((key, value) -> older.put((String) key, value));
          older.remove("workflowName");
          older.put("workflowVersion", 0);
          return db.pool().preparedQuery("UPDATE workflow SET json = $2::text::json WHERE workflow_id = $1")
              .execute(Tuple.of("old", Json.toString(older)));
        })
        .compose(v -> store.getWorkflowJson("old"))
        .onComplete(ctx.succeeding(json -> ctx.verify(() -> {
          Map<?, ?> answered = Json.fromBytes(json, Map.class);
          assertEquals("flow", answered.get("workflowName"));
          assertEquals(1, answered.get("workflowVersion"));
          assertEquals(Map.of("workflowName", "not this one"), ((Map<?, ?>) answered.get("output")).get("child"));
          ctx.completeNow();
        })));
  }
}
