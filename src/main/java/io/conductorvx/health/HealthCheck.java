package io.conductorvx.health;

import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One backend the server talks to (PostgreSQL, Redis, an event broker), as {@code /health} reports
 * it. {@code Backends} makes one for each backend the configuration uses.
 */
public interface HealthCheck {
  /** The name the health answer gives the backend: {@code postgres}, {@code redis}, {@code rabbitmq}… */
  String name();

  /**
   * Whether the server needs this backend to serve: when a required backend is down, {@code /health}
   * and readiness answer 503. An event broker is usually not required: only its handlers stall.
   */
  default boolean required() {
    return true;
  }

  /** Succeeds when the backend answers (a round trip, e.g. {@code SELECT 1} or {@code PING}). */
  Future<Void> check();

  /** What the health answer shows of the backend besides its state (address, queues…); no secrets. */
  default Map<String, Object> details() {
    return Map.of();
  }

  static HealthCheck of(String name, boolean required, Supplier<Future<Void>> check) {
    return of(name, required, check, Map::of);
  }

  static HealthCheck of(String name, boolean required, Supplier<Future<Void>> check, Supplier<Map<String, Object>> details) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean required() {
        return required;
      }

      @Override
      public Future<Void> check() {
        return check.get();
      }

      @Override
      public Map<String, Object> details() {
        return details.get();
      }
    };
  }
}
