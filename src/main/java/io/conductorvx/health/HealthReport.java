package io.conductorvx.health;

import java.util.List;

/** Every backend's state after one round of checks; {@link #up()} when every required one is up. */
public record HealthReport(List<BackendHealth> backends, long checkedAtMillis) {
  public boolean up() {
    for (BackendHealth b : backends) {
      if (b.required() && !b.up()) {
        return false;
      }
    }
    return true;
  }

  /** Names of the required backends that are down. */
  public List<String> down() {
    return backends.stream().filter(b -> b.required() && !b.up()).map(BackendHealth::name).toList();
  }
}
