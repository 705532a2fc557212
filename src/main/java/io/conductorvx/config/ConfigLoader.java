package io.conductorvx.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Layers the configuration: built-in defaults, then a JSON file ({@code CONDUCTOR_CONFIG}, else
 * {@code config/conductor.json} when present), then environment variables named
 * {@code CONDUCTOR_} + the key in upper snake case (port → CONDUCTOR_PORT,
 * deciderPartitions → CONDUCTOR_DECIDER_PARTITIONS).
 */
public final class ConfigLoader {
  static final String DEFAULT_FILE = "config/conductor.json";

  private ConfigLoader() {}

  /** Runs once at startup, before any event loop exists, so reading the file here is fine. */
  public static ServerConfig load(Map<String, String> env) {
    JsonObject merged = new JsonObject();
    String file = env.get("CONDUCTOR_CONFIG");
    Path path = Path.of(file != null ? file : DEFAULT_FILE);
    if (file != null || Files.exists(path)) {
      merged.mergeIn(readFile(path));
    }
    JsonObject defaults = ServerConfig.defaults();
    for (String key : defaults.fieldNames()) {
      String value = env.get(envName(key));
      if (value != null && !value.isBlank()) {
        Object d = defaults.getValue(key);
        Object typed = d instanceof String ? value
            : d instanceof Boolean ? parseBoolean(key, value)
            : d instanceof JsonObject ? parseObject(key, value) : parseNumber(key, value);
        merged.put(key, typed);
      }
    }
    // <prefix>NAME process variables join the environment and secrets settings (and win over them)
    addPrefixed(merged, env, "environment", prefix(merged, defaults, "environmentEnvPrefix"));
    addPrefixed(merged, env, "secrets", prefix(merged, defaults, "secretsEnvPrefix"));
    return ServerConfig.fromJson(merged);
  }

  public static String envName(String key) {
    return "CONDUCTOR_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static JsonObject readFile(Path path) {
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read configuration file " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Configuration file " + path + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  private static String prefix(JsonObject merged, JsonObject defaults, String key) {
    Object p = merged.getValue(key, defaults.getValue(key));
    return p instanceof String s ? s : null;
  }

  private static void addPrefixed(JsonObject merged, Map<String, String> env, String key, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return;
    }
    Object configured = merged.getValue(key);
    JsonObject values = configured instanceof JsonObject o ? o.copy() : new JsonObject();
    env.forEach((name, value) -> {
      if (name.startsWith(prefix) && name.length() > prefix.length() && value != null) {
        values.put(name.substring(prefix.length()), value);
      }
    });
    if (!values.isEmpty() || configured != null) {
      merged.put(key, configured == null || configured instanceof JsonObject ? values : configured);
    }
  }

  private static JsonObject parseObject(String key, String value) {
    try {
      return new JsonObject(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(envName(key) + " must be a JSON object, got: " + value);
    }
  }

  private static Boolean parseBoolean(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(envName(key) + " must be true or false, got: " + value);
    }
    return Boolean.valueOf(v);
  }

  private static Long parseNumber(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(envName(key) + " must be a whole number, got: " + value);
    }
  }
}
