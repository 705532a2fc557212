package io.conductorvx.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of the server, typed, in one place. Built from defaults, then a JSON file, then
 * environment variables (see {@link ConfigLoader}); the README lists each key.
 */
public record ServerConfig(
    int port,
    String store,
    String queue,
    String postgresUrl,
    String redisUrl,
    String redisKeyPrefix,
    int postgresPoolSize,
    int redisPoolSize,
    int eventLoops,
    int httpInstances,
    int deciderPartitions,
    long sweepIntervalMs,
    long workflowRecheckSeconds,
    long queueLeaseSeconds,
    long maxBodyBytes,
    long maxPollTimeoutMs,
    long activeWorkerSeconds,
    long limitPostponeSeconds,
    long commandTimeoutMs,
    long scriptMaxExecutionSeconds,
    long retentionSeconds,
    long retentionMaxFinished,
    java.util.Map<String, Long> retentionOverrides,
    long retentionIntervalMs,
    int retentionBatchSize,
    boolean schedulerEnabled,
    long schedulerPollIntervalMs,
    // ---- environment, secrets and workflow messages (Conductor OSS parity) ----
    // environment / secrets: NAME -> value, read as ${workflow.env.NAME} / ${workflow.secrets.NAME};
    // ConfigLoader adds the process variables named <prefix>NAME. Secrets are never answered or logged.
    Map<String, String> environment,
    Map<String, String> secrets,
    String environmentEnvPrefix,
    String secretsEnvPrefix,
    int workflowMessageQueueMaxSize,
    int workflowMessageMaxBatchSize,
    // Event brokers and status listeners (events/amqp, events/nats, listeners). An empty URL leaves
    // its broker off (its queue types are then unknown); a configured broker that cannot be reached
    // is reported and retried in the background, the server starts anyway.
    String amqpUrl,                     // RabbitMQ, amqp://user:password@host:5672/vhost
    int amqpPrefetch,                   // unacknowledged messages per consumed AMQP queue
    String amqpQueueType,               // x-queue-type of the queues the server declares (classic, quorum)
    String natsUrl,                     // NATS with JetStream, nats://[user:password@]host:4222
    String jetStreamSubjectPrefix,      // put before jsm: subjects (Conductor's default; empty: as written)
    long jetStreamAckWaitMs,            // a JetStream message not acknowledged in this time is delivered again
    long brokerReconnectMs,             // first delay before reconnecting to a broker; doubles each time
    long brokerReconnectMaxMs,          // longest delay between reconnection attempts
    long brokerPublishTimeoutMs,        // an EVENT task or listener publish retries this long, then fails
    long eventQueueRefreshMs,           // how often handlers are re-read for the queues to consume
    String workflowStatusSuccessQueue,  // event queue for COMPLETED workflows that enable the listener
    String workflowStatusFailureQueue,  // ... for FAILED, TERMINATED and TIMED_OUT ones
    String workflowStatusFinalizeQueue, // ... for every one that ended
    String taskStatusQueue,             // event queue for every task status change (TaskDef may opt out)
    // metrics and health
    boolean metrics,
    boolean metricsVertx,
    long healthCheckIntervalMs,
    long healthCheckTimeoutMs,
    // cluster: several instances over one PostgreSQL (cluster/); needs store=postgres
    boolean cluster,                    // on: partitions leased in PostgreSQL, commands forwarded to owners
    int clusterPartitions,              // partitions of the cluster, fixed when the first member seeds them
    long clusterLeaseMs,                // a dead member's partitions move after this long (database clock)
    long clusterHeartbeatMs,            // heartbeat, lease renewal and rebalance period
    String clusterHost,                 // the host other members reach this one's cluster port at
    int clusterPort,                    // port of the members' internal endpoint (0: any free port)
    long clusterForwardTimeoutMs,       // a command for a moving partition waits this long, then 503
    // live feed, GET /api/live (live package)
    int liveMaxConnections,             // open WebSocket connections of this server; one more is refused (503)
    int liveMaxSubscriptions,           // subscriptions per connection; one more is an error message (429)
    int liveMaxFrameBytes,              // largest frame (and message) a client may send; larger closes with 1009
    long liveBufferBytes,               // outbound bytes held for one connection; beyond it events drop, resync follows
    String liveAllowedOrigins,          // Origins allowed besides this server's own: comma list, or * for any
    long livePingIntervalMs,            // ping period; a connection silent for two periods is closed
    // API contract
    boolean apiValidation) {              // requests checked against the OpenAPI document (openapi/)

  public static final String MEMORY = "memory";

  /** Keys as they appear in the config file, with their defaults. */
  public static JsonObject defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    // Half the cores for event loops (at least one): a loop's share of a command that hops to another
    // loop costs a wake-up, and the other cores go to GC, JIT and, often, the database and workers on
    // the same host. On 2 cores shared with the load, one loop took 0.76-0.96 ms of CPU per 5-task
    // workflow in memory mode and 1.20-1.39 with PostgreSQL+Redis, two loops 1.13-1.17 and 1.58-1.68
    // (benchmarks/README.md, "One event loop on two cores"). A host running only the server can
    // set eventLoops to its cores for more throughput at more CPU per workflow.
    int loops = Math.max(1, cores / 2);
    return new JsonObject()
        .put("port", 8080)
        .put("store", MEMORY)
        .put("queue", MEMORY)
        .put("postgresUrl", "postgresql://postgres@127.0.0.1:5432/test")
        .put("redisUrl", "redis://127.0.0.1:6379")
        .put("redisKeyPrefix", "cvx:")
        .put("postgresPoolSize", 8)
        .put("redisPoolSize", 8)
        .put("eventLoops", loops)
        .put("httpInstances", loops)
        .put("deciderPartitions", loops)
        .put("sweepIntervalMs", 500)
        .put("workflowRecheckSeconds", 30)
        .put("queueLeaseSeconds", 60)
        .put("maxBodyBytes", 10L * 1024 * 1024)
        .put("maxPollTimeoutMs", 5000)
        .put("activeWorkerSeconds", 10)
        .put("limitPostponeSeconds", 1)
        .put("commandTimeoutMs", 30_000)
        .put("scriptMaxExecutionSeconds", 4)
        .put("retentionSeconds", 7L * 24 * 3600)
        .put("retentionMaxFinished", 100_000)
        .put("retentionOverrides", "")
        .put("retentionIntervalMs", 1000)
        .put("retentionBatchSize", 100)
        .put("schedulerEnabled", true)
        .put("schedulerPollIntervalMs", 100)
        // ---- environment, secrets and workflow messages
        .put("environment", new JsonObject())
        .put("secrets", new JsonObject())
        .put("environmentEnvPrefix", "CONDUCTOR_ENV_")
        .put("secretsEnvPrefix", "CONDUCTOR_SECRET_")
        .put("workflowMessageQueueMaxSize", 1000)
        .put("workflowMessageMaxBatchSize", 100)
        // event brokers and status listeners
        .put("amqpUrl", "")
        .put("amqpPrefetch", 10)
        .put("amqpQueueType", "classic")
        .put("natsUrl", "")
        .put("jetStreamSubjectPrefix", "conductor_jsm_notify_test_")
        .put("jetStreamAckWaitMs", 60_000)
        .put("brokerReconnectMs", 500)
        .put("brokerReconnectMaxMs", 30_000)
        .put("brokerPublishTimeoutMs", 30_000)
        .put("eventQueueRefreshMs", 5_000)
        .put("workflowStatusSuccessQueue", "")
        .put("workflowStatusFailureQueue", "")
        .put("workflowStatusFinalizeQueue", "")
        .put("taskStatusQueue", "")
        // metrics and health
        .put("metrics", true)
        .put("metricsVertx", false)
        .put("apiValidation", true)
        .put("healthCheckIntervalMs", 5000)
        .put("healthCheckTimeoutMs", 2000)
        .put("cluster", false)
        .put("clusterPartitions", 256)
        .put("clusterLeaseMs", 10_000)
        .put("clusterHeartbeatMs", 1_000)
        .put("clusterHost", "127.0.0.1")
        .put("clusterPort", 0)
        .put("clusterForwardTimeoutMs", 5_000)
        // live feed
        .put("liveMaxConnections", 1000)
        .put("liveMaxSubscriptions", 100)
        .put("liveMaxFrameBytes", 65_536)
        .put("liveBufferBytes", 1024L * 1024)
        .put("liveAllowedOrigins", "")
        .put("livePingIntervalMs", 30_000);
  }

  /** Builds the config from defaults overridden by the given keys. Unknown keys are an error. */
  public static ServerConfig fromJson(JsonObject overrides) {
    JsonObject d = defaults();
    for (String key : overrides.fieldNames()) {
      if (!d.containsKey(key)) {
        throw new IllegalArgumentException("Unknown configuration key: " + key);
      }
    }
    JsonObject c = d.copy().mergeIn(overrides);
    try {
      return new ServerConfig(
          c.getInteger("port"),
          c.getString("store"),
          c.getString("queue"),
          c.getString("postgresUrl"),
          c.getString("redisUrl"),
          redisKeyPrefix(c.getString("redisKeyPrefix")),
          c.getInteger("postgresPoolSize"),
          c.getInteger("redisPoolSize"),
          Math.max(1, c.getInteger("eventLoops")),
          Math.max(1, c.getInteger("httpInstances")),
          Math.max(1, c.getInteger("deciderPartitions")),
          c.getLong("sweepIntervalMs"),
          c.getLong("workflowRecheckSeconds"),
          c.getLong("queueLeaseSeconds"),
          c.getLong("maxBodyBytes"),
          c.getLong("maxPollTimeoutMs"),
          c.getLong("activeWorkerSeconds"),
          c.getLong("limitPostponeSeconds"),
          c.getLong("commandTimeoutMs"),
          c.getLong("scriptMaxExecutionSeconds"),
          c.getLong("retentionSeconds"),
          c.getLong("retentionMaxFinished"),
          retentionOverrides(c.getValue("retentionOverrides")),
          Math.max(10, c.getLong("retentionIntervalMs")),
          Math.max(1, c.getInteger("retentionBatchSize")),
          c.getBoolean("schedulerEnabled"),
          Math.max(1, c.getLong("schedulerPollIntervalMs")),
          strings(c.getJsonObject("environment"), "environment"),
          strings(c.getJsonObject("secrets"), "secrets"),
          c.getString("environmentEnvPrefix"),
          c.getString("secretsEnvPrefix"),
          positive(c.getInteger("workflowMessageQueueMaxSize"), "workflowMessageQueueMaxSize"),
          positive(c.getInteger("workflowMessageMaxBatchSize"), "workflowMessageMaxBatchSize"),
          // event brokers and status listeners
          c.getString("amqpUrl").trim(),
          Math.max(1, c.getInteger("amqpPrefetch")),
          c.getString("amqpQueueType"),
          c.getString("natsUrl").trim(),
          c.getString("jetStreamSubjectPrefix"),
          Math.max(1_000, c.getLong("jetStreamAckWaitMs")),
          Math.max(1, c.getLong("brokerReconnectMs")),
          Math.max(1, c.getLong("brokerReconnectMaxMs")),
          Math.max(1, c.getLong("brokerPublishTimeoutMs")),
          Math.max(100, c.getLong("eventQueueRefreshMs")),
          c.getString("workflowStatusSuccessQueue").trim(),
          c.getString("workflowStatusFailureQueue").trim(),
          c.getString("workflowStatusFinalizeQueue").trim(),
          c.getString("taskStatusQueue").trim(),
          // metrics and health
          c.getBoolean("metrics"),
          c.getBoolean("metricsVertx"),
          Math.max(100, c.getLong("healthCheckIntervalMs")),
          Math.max(1, c.getLong("healthCheckTimeoutMs")),
          c.getBoolean("cluster"),
          Math.max(1, c.getInteger("clusterPartitions")),
          Math.max(1_000, c.getLong("clusterLeaseMs")),
          Math.max(50, c.getLong("clusterHeartbeatMs")),
          c.getString("clusterHost").trim(),
          c.getInteger("clusterPort"),
          Math.max(100, c.getLong("clusterForwardTimeoutMs")),
          // live feed
          Math.max(0, c.getInteger("liveMaxConnections")),
          Math.max(1, c.getInteger("liveMaxSubscriptions")),
          Math.max(1024, c.getInteger("liveMaxFrameBytes")),
          Math.max(64 * 1024, c.getLong("liveBufferBytes")),
          c.getString("liveAllowedOrigins").trim(),
          Math.max(10, c.getLong("livePingIntervalMs")),
          // API contract
          c.getBoolean("apiValidation"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("Invalid configuration value: " + e.getMessage(), e);
    }
  }

  /** Every Redis key of the server starts with it, so several servers (or tests) can share a Redis. */
  private static String redisKeyPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("redisKeyPrefix must not be empty");
    }
    return prefix;
  }

  /**
   * Retention per workflow name, in seconds: {@code "name=seconds,other=seconds"} (the form an
   * environment variable can hold) or, in the file, a JSON object of name to seconds.
   */
  static java.util.Map<String, Long> retentionOverrides(Object value) {
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    if (value instanceof JsonObject obj) {
      for (String name : obj.fieldNames()) {
        Object seconds = obj.getValue(name);
        if (!(seconds instanceof Number n)) {
          throw new IllegalArgumentException("retentionOverrides: seconds for " + name + " must be a number, got: " + seconds);
        }
        out.put(name, n.longValue());
      }
      return java.util.Collections.unmodifiableMap(out);
    }
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException("retentionOverrides must be an object or \"name=seconds,...\", got: " + value);
    }
    String text = value == null ? "" : ((String) value).trim();
    if (text.isEmpty()) {
      return java.util.Map.of();
    }
    for (String entry : text.split(",")) {
      int eq = entry.lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("retentionOverrides entries are name=seconds, got: " + entry.trim());
      }
      String name = entry.substring(0, eq).trim();
      try {
        out.put(name, Long.parseLong(entry.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("retentionOverrides: seconds for " + name + " must be a whole number, got: "
            + entry.substring(eq + 1).trim());
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** NAME -> value; a value that is not a string is kept as its JSON text (readable with NAME.path). */
  private static Map<String, String> strings(JsonObject object, String key) {
    if (object == null) {
      throw new IllegalArgumentException(key + " must be a JSON object of NAME -> value");
    }
    Map<String, String> out = new LinkedHashMap<>();
    object.forEach(e -> {
      Object v = e.getValue();
      if (v != null) {
        out.put(e.getKey(), v instanceof String str ? str : io.vertx.core.json.Json.encode(v));
      }
    });
    return Map.copyOf(out);
  }

  private static int positive(int value, String key) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  /** Secrets are left out of the text form, so a logged configuration never shows them. */
  @Override
  public String toString() {
    return "ServerConfig" + toJson().encode();
  }

  /** The settings for display: secret values are replaced by "***" (names stay). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("port", port)
        .put("store", store)
        .put("queue", queue)
        .put("postgresUrl", postgresUrl)
        .put("redisUrl", redisUrl)
        .put("redisKeyPrefix", redisKeyPrefix)
        .put("postgresPoolSize", postgresPoolSize)
        .put("redisPoolSize", redisPoolSize)
        .put("eventLoops", eventLoops)
        .put("httpInstances", httpInstances)
        .put("deciderPartitions", deciderPartitions)
        .put("sweepIntervalMs", sweepIntervalMs)
        .put("workflowRecheckSeconds", workflowRecheckSeconds)
        .put("queueLeaseSeconds", queueLeaseSeconds)
        .put("maxBodyBytes", maxBodyBytes)
        .put("maxPollTimeoutMs", maxPollTimeoutMs)
        .put("activeWorkerSeconds", activeWorkerSeconds)
        .put("limitPostponeSeconds", limitPostponeSeconds)
        .put("commandTimeoutMs", commandTimeoutMs)
        .put("scriptMaxExecutionSeconds", scriptMaxExecutionSeconds)
        .put("retentionSeconds", retentionSeconds)
        .put("retentionMaxFinished", retentionMaxFinished)
        .put("retentionOverrides", new JsonObject(new java.util.LinkedHashMap<>(retentionOverrides)))
        .put("retentionIntervalMs", retentionIntervalMs)
        .put("retentionBatchSize", retentionBatchSize)
        .put("schedulerEnabled", schedulerEnabled)
        .put("schedulerPollIntervalMs", schedulerPollIntervalMs)
        .put("environment", new JsonObject(new LinkedHashMap<>(environment)))
        .put("secrets", redacted(secrets))
        .put("environmentEnvPrefix", environmentEnvPrefix)
        .put("secretsEnvPrefix", secretsEnvPrefix)
        .put("workflowMessageQueueMaxSize", workflowMessageQueueMaxSize)
        .put("workflowMessageMaxBatchSize", workflowMessageMaxBatchSize)
        // event brokers and status listeners
        .put("amqpUrl", amqpUrl)
        .put("amqpPrefetch", amqpPrefetch)
        .put("amqpQueueType", amqpQueueType)
        .put("natsUrl", natsUrl)
        .put("jetStreamSubjectPrefix", jetStreamSubjectPrefix)
        .put("jetStreamAckWaitMs", jetStreamAckWaitMs)
        .put("brokerReconnectMs", brokerReconnectMs)
        .put("brokerReconnectMaxMs", brokerReconnectMaxMs)
        .put("brokerPublishTimeoutMs", brokerPublishTimeoutMs)
        .put("eventQueueRefreshMs", eventQueueRefreshMs)
        .put("workflowStatusSuccessQueue", workflowStatusSuccessQueue)
        .put("workflowStatusFailureQueue", workflowStatusFailureQueue)
        .put("workflowStatusFinalizeQueue", workflowStatusFinalizeQueue)
        .put("taskStatusQueue", taskStatusQueue)
        .put("metrics", metrics)
        .put("metricsVertx", metricsVertx)
        .put("healthCheckIntervalMs", healthCheckIntervalMs)
        .put("healthCheckTimeoutMs", healthCheckTimeoutMs)
        .put("cluster", cluster)
        .put("clusterPartitions", clusterPartitions)
        .put("clusterLeaseMs", clusterLeaseMs)
        .put("clusterHeartbeatMs", clusterHeartbeatMs)
        .put("clusterHost", clusterHost)
        .put("clusterPort", clusterPort)
        .put("clusterForwardTimeoutMs", clusterForwardTimeoutMs)
        .put("liveMaxConnections", liveMaxConnections)
        .put("liveMaxSubscriptions", liveMaxSubscriptions)
        .put("liveMaxFrameBytes", liveMaxFrameBytes)
        .put("liveBufferBytes", liveBufferBytes)
        .put("liveAllowedOrigins", liveAllowedOrigins)
        .put("livePingIntervalMs", livePingIntervalMs)
        .put("apiValidation", apiValidation);
  }

  private static JsonObject redacted(Map<String, String> secrets) {
    JsonObject out = new JsonObject();
    secrets.keySet().stream().sorted().forEach(name -> out.put(name, "***"));
    return out;
  }
}
