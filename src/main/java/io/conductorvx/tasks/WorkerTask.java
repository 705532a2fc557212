package io.conductorvx.tasks;

/**
 * A task run by workers: SIMPLE, and any type name the server does not know (Conductor's
 * USER_DEFINED). The decider queues it; polls and updates drive it.
 */
public final class WorkerTask implements TaskType {
  public static final String SIMPLE = "SIMPLE";

  @Override
  public String type() {
    return SIMPLE;
  }

  @Override
  public boolean isWorkerTask() {
    return true;
  }
}
