package io.conductorvx.queue;

/**
 * Sees what the {@link TaskPoller}s do (metrics). Called on the HTTP event loops, concurrently:
 * implementations must be cheap and thread-safe.
 */
public interface PollObserver {
  PollObserver NONE = new PollObserver() {};

  /** A poll answered with {@code handedOut} tasks ({@code domain} null when none was asked for). */
  default void polled(String taskType, String domain, int handedOut) {}

  /** A poll failed: nothing was handed out, the client gets an error. */
  default void pollFailed(String taskType, String domain, Throwable failure) {}

  /** A long poll parked (+1) or left its parking, woken or timed out (-1). */
  default void parked(int delta) {}
}
