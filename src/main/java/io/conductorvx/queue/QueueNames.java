package io.conductorvx.queue;

/** How queue names are formed, in one place. */
public final class QueueNames {
  /** Workflows waiting for their next check by the sweeper. */
  public static final String DECIDER = "_deciderQueue";

  private QueueNames() {}

  /** A task type's queue: {@code type}, or {@code domain:type} for a domain. */
  public static String taskQueue(String taskType, String domain) {
    return domain == null || domain.isEmpty() ? taskType : domain + ":" + taskType;
  }
}
