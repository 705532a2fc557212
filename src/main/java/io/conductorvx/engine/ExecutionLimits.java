package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A task definition's concurrentExecLimit and rateLimitPerFrequency, enforced when a task is handed
 * to a worker. Shared by every partition of this server (so each definition has its own monitor);
 * counts are this process's view and start empty after a restart.
 */
public final class ExecutionLimits {
  /** Per definition name: tasks in progress now, and when recent tasks were handed out. */
  private static final class UsageState {
    final Set<String> inProgress = new HashSet<>();
    final Deque<Long> starts = new ArrayDeque<>();
  }

  private final Map<String, UsageState> usage = new ConcurrentHashMap<>();

  /** Takes a slot for the task if its limits allow; false means: hand it out later. */
  boolean tryAcquire(Task task, long now) {
    TaskDef def = task.taskDefinition();
    if (def == null || !hasLimits(def)) {
      return true;
    }
    UsageState u = usage.computeIfAbsent(task.taskDefName, n -> new UsageState());
    synchronized (u) {
      if (u.inProgress.contains(task.taskId)) {
        return true;
      }
      int concurrent = def.concurrentExecLimit == null ? 0 : def.concurrentExecLimit;
      if (concurrent > 0 && u.inProgress.size() >= concurrent) {
        return false;
      }
      int perWindow = def.rateLimitPerFrequency == null ? 0 : def.rateLimitPerFrequency;
      int windowSeconds = def.rateLimitFrequencyInSeconds == null ? 0 : def.rateLimitFrequencyInSeconds;
      if (perWindow > 0 && windowSeconds > 0) {
        long windowStart = now - windowSeconds * 1000L;
        while (!u.starts.isEmpty() && u.starts.peekFirst() <= windowStart) {
          u.starts.pollFirst();
        }
        if (u.starts.size() >= perWindow) {
          return false;
        }
        u.starts.addLast(now);
      }
      u.inProgress.add(task.taskId);
      return true;
    }
  }

  /** Frees the slot of a task that is no longer in progress. */
  void observe(Task task) {
    if (task.status == TaskStatus.IN_PROGRESS) {
      return;
    }
    UsageState u = usage.get(task.taskDefName);
    if (u != null) {
      synchronized (u) {
        u.inProgress.remove(task.taskId);
      }
    }
  }

  /**
   * What a definition's limits hold back now: tasks in progress against concurrentExecLimit, and
   * tasks handed out in the current rate window with the time the oldest of them leaves it.
   */
  public record Usage(int inProgress, int startedInWindow, long windowFreesAt) {}

  Usage usage(TaskDef def, long now) {
    UsageState u = usage.get(def.name);
    if (u == null) {
      return new Usage(0, 0, 0);
    }
    int windowSeconds = def.rateLimitFrequencyInSeconds == null ? 0 : def.rateLimitFrequencyInSeconds;
    synchronized (u) {
      long windowStart = now - windowSeconds * 1000L;
      int inWindow = 0;
      long oldest = 0;
      for (long start : u.starts) {
        if (windowSeconds > 0 && start > windowStart) {
          inWindow++;
          oldest = oldest == 0 ? start : Math.min(oldest, start);
        }
      }
      return new Usage(u.inProgress.size(), inWindow, oldest == 0 ? 0 : oldest + windowSeconds * 1000L);
    }
  }

  private static boolean hasLimits(TaskDef def) {
    return (def.concurrentExecLimit != null && def.concurrentExecLimit > 0)
        || (def.rateLimitPerFrequency != null && def.rateLimitPerFrequency > 0);
  }
}
