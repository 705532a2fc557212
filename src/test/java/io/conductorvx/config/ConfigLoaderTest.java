package io.conductorvx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  @Test
  void onOffSettingsReadTrueOrFalseFromTheEnvironment() {
    ServerConfig defaults = ConfigLoader.load(Map.of());
    assertTrue(defaults.metrics());
    assertFalse(defaults.metricsVertx(), "Vert.x's own meters are off unless asked for");
    assertTrue(ConfigLoader.load(Map.of("CONDUCTOR_METRICS_VERTX", "TRUE")).metricsVertx());
    ServerConfig off = ConfigLoader.load(Map.of("CONDUCTOR_METRICS", "false", "CONDUCTOR_METRICS_VERTX", "FALSE",
        "CONDUCTOR_HEALTH_CHECK_TIMEOUT_MS", "500"));
    assertFalse(off.metrics());
    assertFalse(off.metricsVertx());
    assertEquals(500, off.healthCheckTimeoutMs());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.load(Map.of("CONDUCTOR_METRICS", "maybe")));
    assertEquals("CONDUCTOR_METRICS must be true or false, got: maybe", e.getMessage());
  }
}
