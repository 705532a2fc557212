package io.conductorvx.client;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;

/**
 * A client test whose server runs on one backend: {@code memory}, {@code postgres+redis} or
 * {@code postgres} (store and queues in PostgreSQL), each in a PostgreSQL schema and Redis key
 * prefix of its own that are dropped after the class.
 */
abstract class BackendTestBase extends ClientTestBase {
  protected String schema;
  protected String redisPrefix;

  /** memory, postgres+redis or postgres. */
  protected abstract String backend();

  /** Settings of the test class on top of the backend's. */
  protected JsonObject moreSettings() {
    return new JsonObject();
  }

  @Override
  protected JsonObject serverSettings() {
    return backendSettings().mergeIn(moreSettings());
  }

  /** The backend's settings; the schema is created on the first call, so a restarted server finds its data. */
  protected JsonObject backendSettings() {
    if (!"memory".equals(backend()) && schema == null) {
      schema = TestBackends.uniqueSchema();
      TestServer.await(TestBackends.admin("CREATE SCHEMA " + schema), 30);
      redisPrefix = TestBackends.uniqueRedisPrefix();
    }
    return switch (backend()) {
      case "postgres+redis" -> new JsonObject().put("store", "postgres").put("queue", "redis")
          .put("postgresUrl", TestBackends.postgresUrl(schema)).put("redisUrl", TestBackends.REDIS_URL)
          .put("redisKeyPrefix", redisPrefix);
      case "postgres" -> new JsonObject().put("store", "postgres").put("queue", "postgres")
          .put("postgresUrl", TestBackends.postgresUrl(schema));
      case "memory" -> new JsonObject();
      default -> throw new IllegalArgumentException("unknown backend " + backend());
    };
  }

  /** Stops this class's server and starts a new one on the same backends (and settings). */
  protected void restartServer() {
    server.close();
    server = TestServer.start(serverSettings());
    metadataClient = server.metadataClient();
    workflowClient = server.workflowClient();
    taskClient = server.taskClient();
  }

  @Override
  @AfterAll
  void stopServer() {
    try {
      super.stopServer();
    } finally {
      if (schema != null) {
        TestServer.await(TestBackends.dropSchema(schema), 30);
        TestServer.await(TestBackends.deleteRedisKeys(redisPrefix), 30);
      }
    }
  }
}
