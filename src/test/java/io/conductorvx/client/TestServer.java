package io.conductorvx.client;

import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.metrics.MetricsVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One in-process conductor-vx server on a free port plus official-client instances pointing at
 * it. Every HTTP exchange of the clients is recorded (method, path+query, status, content type)
 * so failures can show what the SDK actually sent.
 */
public final class TestServer implements AutoCloseable {
  /** Settings that make timers fire quickly in tests. */
  public static JsonObject fastSettings() {
    return new JsonObject()
        .put("port", 0)
        .put("sweepIntervalMs", 100)
        .put("workflowRecheckSeconds", 1);
  }

  private final Vertx vertx;
  private final ConductorServer server;
  private final ConductorClient conductorClient;
  private final MetadataClient metadataClient;
  private final WorkflowClient workflowClient;
  private final TaskClient taskClient;
  private final Deque<String> exchanges = new ArrayDeque<>();

  private TestServer(Vertx vertx, ConductorServer server) {
    this.vertx = vertx;
    this.server = server;
    this.conductorClient = ConductorClient.builder()
        .basePath(baseUrl())
        .connectTimeout(5_000)
        .readTimeout(20_000)
        .writeTimeout(10_000)
        .configureOkHttp(b -> b.addInterceptor(chain -> {
          okhttp3.Request req = chain.request();
          long sent = System.currentTimeMillis();
          okhttp3.Response res = chain.proceed(req);
          record((sent % 100_000) + "+" + (System.currentTimeMillis() - sent) + "ms " + req.method() + " " + req.url().encodedPath()
              + (req.url().encodedQuery() != null ? "?" + req.url().encodedQuery() : "")
              + " -> " + res.code() + " " + res.header("Content-Type", ""));
          return res;
        }))
        .build();
    this.metadataClient = new MetadataClient(conductorClient);
    this.workflowClient = new WorkflowClient(conductorClient);
    this.taskClient = new TaskClient(conductorClient);
  }

  /**
   * Starts a server with {@link #fastSettings()} overridden by {@code overrides} (port 0 = a free
   * port chosen by the server; read it back with {@link #port()}).
   */
  public static TestServer start(JsonObject overrides) {
    return start(overrides, java.time.Clock.systemUTC());
  }

  /** As {@link #start(JsonObject)}, with the clock the server's scheduler reads. */
  public static TestServer start(JsonObject overrides, java.time.Clock schedulerClock) {
    JsonObject settings = fastSettings().mergeIn(overrides == null ? new JsonObject() : overrides);
    ServerConfig config = ServerConfig.fromJson(settings);
    Vertx vertx = MetricsVertx.create(config);
    try {
      ConductorServer server = await(ConductorServer.start(vertx, config, schedulerClock), 30);
      return new TestServer(vertx, server);
    } catch (RuntimeException e) {
      try {
        await(vertx.close(), 10);
      } catch (RuntimeException ignored) {
        // already failing
      }
      throw e;
    }
  }

  public static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("server future failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("server future did not complete within " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private synchronized void record(String line) {
    exchanges.addLast(line);
    while (exchanges.size() > 400) {
      exchanges.removeFirst();
    }
  }

  /** The last recorded HTTP exchanges, oldest first. */
  public synchronized List<String> lastExchanges(int n) {
    List<String> all = List.copyOf(exchanges);
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  public synchronized List<String> allExchanges() {
    return List.copyOf(exchanges);
  }

  public synchronized void clearExchanges() {
    exchanges.clear();
  }

  /**
   * Writes a workflow definition (the client's model) straight to the metadata store, past the
   * API's validation: a definition registered before today's rules, which the engine must still
   * cope with at run time.
   */
  public void storeWithoutValidation(Object clientDefinition) {
    try {
      byte[] json = new com.netflix.conductor.common.config.ObjectMapperProvider().getObjectMapper()
          .writeValueAsBytes(clientDefinition);
      io.conductorvx.model.WorkflowDef def = io.conductorvx.model.Json.MAPPER.readValue(json, io.conductorvx.model.WorkflowDef.class);
      await(server.backends().metadata().saveWorkflowDef(def), 10);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server itself (backends, engine), for tests that look behind the API. */
  public ConductorServer conductorServer() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** The running server itself (its backends, configuration, Vert.x and retention loop). */
  public ConductorServer server() {
    return server;
  }

  public String baseUrl() {
    return "http://localhost:" + server.port() + "/api";
  }

  public ConductorClient conductorClient() {
    return conductorClient;
  }

  public MetadataClient metadataClient() {
    return metadataClient;
  }

  public WorkflowClient workflowClient() {
    return workflowClient;
  }

  public TaskClient taskClient() {
    return taskClient;
  }

  @Override
  public void close() {
    try {
      conductorClient.shutdown();
    } finally {
      try {
        await(server.stop(), 15);
      } finally {
        await(vertx.close(), 15);
      }
    }
  }
}
