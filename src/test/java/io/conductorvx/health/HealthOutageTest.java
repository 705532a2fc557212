package io.conductorvx.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.ConductorServer;
import io.conductorvx.client.Await;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.metrics.MetricsVertx;
import io.conductorvx.metrics.Scrape;
import io.conductorvx.testing.TcpProxy;
import io.conductorvx.testing.TestBrokers;
import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on PostgreSQL + Redis, each behind a {@link TcpProxy}: when one is cut, {@code /health}
 * (and Conductor's and the actuator's paths, and readiness) answers 503 naming that backend, since
 * when it is down, while liveness stays 200; when it is back, 200 again with a new "since".
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Vertx proxies;
  private Vertx serverVertx;
  private String schema;
  private String prefix;
  private ConductorServer server;

  @BeforeEach
  void setUp() throws Exception {
    proxies = Vertx.vertx();
    schema = TestBackends.uniqueSchema();
    prefix = TestBackends.uniqueRedisPrefix();
    await(TestBackends.admin("CREATE SCHEMA " + schema));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (server != null) {
        await(server.stop().recover(err -> Future.succeededFuture()));
      }
      await(TestBackends.dropSchema(schema));
      await(TestBackends.deleteRedisKeys(prefix));
    } finally {
      if (serverVertx != null) {
        await(serverVertx.close());
      }
      await(proxies.close());
    }
  }

  @Test
  void healthTurns503NamingTheBackendThatIsDownAnd200WhenItIsBack() throws Exception {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestBackends.POSTGRES_URL);
    URI redis = URI.create(TestBackends.REDIS_URL);
    TcpProxy pgProxy = await(TcpProxy.start(proxies, pg.getHost(), pg.getPort()));
    TcpProxy redisProxy = await(TcpProxy.start(proxies, redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379));
    ServerConfig config = ServerConfig.fromJson(new JsonObject()
        .put("port", 0)
        .put("store", "postgres")
        .put("queue", "redis")
        .put("postgresUrl", TestBackends.postgresUrl("127.0.0.1", pgProxy.port(), schema))
        .put("redisUrl", "redis://127.0.0.1:" + redisProxy.port() + (redis.getPath() == null ? "" : redis.getPath()))
        .put("redisKeyPrefix", prefix)
        .put("healthCheckIntervalMs", 500)
        .put("healthCheckTimeoutMs", 1000));
    serverVertx = MetricsVertx.create(config);
    server = await(ConductorServer.start(serverVertx, config));
    int port = server.port();

    JsonObject healthy = get(port, "/health").json();
    assertEquals(true, healthy.getBoolean("healthy"));
    assertEquals("UP", healthy.getString("status"));
    assertEquals(List.of("postgres", "redis"), names(healthy.getJsonArray("healthResults")));
    for (Object o : healthy.getJsonArray("healthResults")) {
      JsonObject b = (JsonObject) o;
      assertEquals(true, b.getBoolean("healthy"));
      assertEquals(true, b.getBoolean("required"));
      assertNotNull(Instant.parse(b.getString("since")));
    }
    assertEquals(0, healthy.getJsonArray("suppressedHealthResults").size());

    outage(port, redisProxy, "redis", "postgres");
    outage(port, pgProxy, "postgres", "redis");
  }

  /**
   * An event broker is listed apart (suppressedHealthResults): down, it does not make the server
   * unhealthy, since only its handlers and EVENT tasks wait for it.
   */
  @Test
  void aBrokerThatIsDownIsReportedButDoesNotFailHealth() throws Exception {
    TcpProxy amqpProxy = await(TcpProxy.start(proxies, TestBrokers.amqpHost(), TestBrokers.amqpPort()));
    ServerConfig config = ServerConfig.fromJson(new JsonObject()
        .put("port", 0)
        .put("amqpUrl", TestBrokers.amqpUrlVia(amqpProxy.port()))
        .put("brokerReconnectMs", 100)
        .put("brokerReconnectMaxMs", 500)
        .put("healthCheckIntervalMs", 500));
    serverVertx = MetricsVertx.create(config);
    server = await(ConductorServer.start(serverVertx, config));
    int port = server.port();

    JsonObject up = Await.await("the broker to be up", WAIT, () -> get(port, "/health").json(),
        b -> brokerUp(b, "amqp") == Boolean.TRUE);
    assertEquals(0, up.getJsonArray("healthResults").size(), "memory backends have no entry: " + up);
    JsonObject amqp = up.getJsonArray("suppressedHealthResults").getJsonObject(0);
    assertEquals(false, amqp.getBoolean("required"));
    assertFalse(amqp.getJsonObject("details").getString("address").contains("guest"), "no credentials: " + amqp);

    await(amqpProxy.cut());
    try {
      Answer down = Await.await("the broker to be reported down", WAIT, () -> get(port, "/health"),
          a -> brokerUp(a.json(), "amqp") == Boolean.FALSE);
      assertEquals(200, down.status(), "a broker is not required: " + down.body());
      assertEquals(true, down.json().getBoolean("healthy"));
      assertEquals(200, get(port, "/health/readiness").status());
    } finally {
      amqpProxy.restore();
    }
    Await.await("the broker to be up again", WAIT, () -> get(port, "/health").json(), b -> brokerUp(b, "amqp") == Boolean.TRUE);
  }

  private static Boolean brokerUp(JsonObject health, String name) {
    for (Object o : health.getJsonArray("suppressedHealthResults")) {
      JsonObject b = (JsonObject) o;
      if (name.equals(b.getString("name"))) {
        return b.getBoolean("healthy");
      }
    }
    return null;
  }

  /** Cuts the backend behind {@code proxy}: 503 naming it; restores it: 200 again. */
  private void outage(int port, TcpProxy proxy, String down, String stillUp) throws Exception {
    long cutAt = System.currentTimeMillis();
    await(proxy.cut());
    Answer answer;
    long restoredAt;
    try {
      answer = Await.await("/health to answer 503 naming " + down, WAIT, () -> get(port, "/health"), a -> a.status() == 503);
      JsonObject body = answer.json();
      System.out.println("[health] " + down + " cut: " + body.encode());
      assertEquals(false, body.getBoolean("healthy"));
      assertEquals("DOWN", body.getString("status"));
      assertEquals(List.of(down), body.getJsonArray("down").getList());
      JsonObject entry = entry(body, down);
      assertEquals(false, entry.getBoolean("healthy"));
      assertEquals("DOWN", entry.getString("status"));
      assertFalse(entry.getString("errorMessage", "").isBlank(), "the error is given: " + entry);
      assertTrue(Instant.parse(entry.getString("since")).toEpochMilli() >= cutAt, "down since the cut: " + entry);
      assertTrue(entry.getLong("forMs") >= 0);
      assertEquals(true, entry(body, stillUp).getBoolean("healthy"), "the other backend is up: " + body);
      // Conductor's path, the actuator's and readiness agree; liveness does not depend on backends
      for (String path : List.of("/api/health", "/actuator/health", "/health/readiness", "/actuator/health/readiness")) {
        assertEquals(503, get(port, path).status(), path);
      }
      assertEquals(200, get(port, "/health/liveness").status());
      assertEquals(200, get(port, "/actuator/health/liveness").status());
      Scrape scrape = Scrape.of(port, "/metrics");
      assertEquals(0, scrape.sum("conductorvx_backend_up", Map.of("backend", down)), "backend_up reads 0 for " + down);
      assertEquals(1, scrape.sum("conductorvx_backend_up", Map.of("backend", stillUp)));
    } finally {
      restoredAt = System.currentTimeMillis();
      proxy.restore();
    }
    answer = Await.await("/health to answer 200 again after " + down + " is back", WAIT, () -> get(port, "/health"),
        a -> a.status() == 200);
    JsonObject entry = entry(answer.json(), down);
    assertEquals(true, entry.getBoolean("healthy"));
    assertTrue(Instant.parse(entry.getString("since")).toEpochMilli() >= restoredAt, "up since it came back: " + entry);
    assertEquals(200, get(port, "/health/readiness").status());
  }

  private record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static Answer get(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> names(JsonArray results) {
    return results.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static JsonObject entry(JsonObject body, String name) {
    for (Object o : body.getJsonArray("healthResults")) {
      if (name.equals(((JsonObject) o).getString("name"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no entry for " + name + " in " + body);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
