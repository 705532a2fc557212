package io.conductorvx.engine;

/**
 * Seconds from definitions and workers become milliseconds here, capped at a century: a huge value
 * means "practically never", and capped values can be added to epoch times without overflowing.
 */
public final class Durations {
  static final long MAX_SECONDS = 100L * 366 * 24 * 3600;

  private Durations() {}

  public static long ms(long seconds) {
    return Math.max(0, Math.min(seconds, MAX_SECONDS)) * 1000;
  }
}
