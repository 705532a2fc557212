package io.conductorvx.queue;

/**
 * Where a message stands in its queue, for "why is this task waiting?".
 *
 * @param found  whether the queue holds the id at all
 * @param leased whether a reader holds it now (handed out, not yet acknowledged)
 * @param dueAt  epoch ms from which it can be handed out (0 when not found)
 * @param ahead  waiting messages that go out before it: higher priority, or due earlier
 */
public record QueuePosition(boolean found, boolean leased, long dueAt, long ahead) {
  public static final QueuePosition ABSENT = new QueuePosition(false, false, 0, 0);
}
