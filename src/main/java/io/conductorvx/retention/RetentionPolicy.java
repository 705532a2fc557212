package io.conductorvx.retention;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.model.WorkflowDef;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long finished executions are kept: a default window, per-name windows, and (memory store)
 * a limit on how many finished executions are held. A negative window keeps forever; a negative
 * limit means no limit. A name's window comes from the configuration
 * ({@code retentionOverrides}) when set there, else from the latest version of its definition
 * ({@code metadata.retentionSeconds}), else the default: the operator has the last word.
 */
public record RetentionPolicy(long defaultSeconds, long maxFinished, Map<String, Long> secondsByName) {
  /** The definition field that sets a name's window: inside {@code metadata}, a map every SDK and Conductor keep. */
  public static final String DEFINITION_KEY = "retentionSeconds";

  public RetentionPolicy {
    secondsByName = Collections.unmodifiableMap(new LinkedHashMap<>(secondsByName));
  }

  /** The configuration's policy combined with what the definitions ask for. */
  public static RetentionPolicy of(ServerConfig config, List<WorkflowDef> definitions) {
    Map<String, WorkflowDef> latest = new HashMap<>();
    for (WorkflowDef def : definitions) {
      latest.merge(def.name, def, (a, b) -> a.version >= b.version ? a : b);
    }
    Map<String, Long> byName = new LinkedHashMap<>();
    latest.values().forEach(def -> {
      Long seconds = definitionSeconds(def);
      if (seconds != null) {
        byName.put(def.name, seconds);
      }
    });
    byName.putAll(config.retentionOverrides());
    return new RetentionPolicy(config.retentionSeconds(), config.retentionMaxFinished(), byName);
  }

  /** The definition's own window, or null when it sets none. Definitions are validated on registration. */
  public static Long definitionSeconds(WorkflowDef def) {
    Object value = def.metadata == null ? null : def.metadata.get(DEFINITION_KEY);
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** What is wrong with the definition's retention setting (at {@code metadata.retentionSeconds}), or null. */
  public static String validate(WorkflowDef def) {
    Object value = def.metadata == null ? null : def.metadata.get(DEFINITION_KEY);
    if (value == null || value instanceof Integer || value instanceof Long) {
      return null;
    }
    if (value instanceof String s && s.trim().matches("-?\\d{1,18}")) {
      return null;
    }
    return "must be a whole number of seconds (negative: keep forever), got " + value;
  }
}
