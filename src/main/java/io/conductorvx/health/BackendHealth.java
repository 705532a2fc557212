package io.conductorvx.health;

import java.util.Map;

/**
 * One backend's state: up or down since {@code sinceMillis} (the check that saw it change; the
 * server's start for a backend never seen down), the last check's error when down, and what the
 * check shows of the backend ({@link HealthCheck#details()}).
 */
public record BackendHealth(String name, boolean required, boolean up, long sinceMillis, long checkedAtMillis, String error,
    Map<String, Object> details) {}
