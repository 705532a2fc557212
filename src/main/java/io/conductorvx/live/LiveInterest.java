package io.conductorvx.live;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this server's live-feed clients are watching, readable from any thread: the deciders ask it
 * before building events, so a server nobody watches pays nothing per commit. A watch is added on
 * the workflow's owner partition, in order with its commands (so the snapshot taken there and the
 * events after it join with no gap); it is removed by the feed when the subscription ends.
 */
public final class LiveInterest {
  /** Workflow id → watchers; each change is one atomic map operation, so a watch and an unwatch never race. */
  private final ConcurrentHashMap<String, Integer> watched = new ConcurrentHashMap<>();
  private final AtomicInteger statusListeners = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger subscriptions = new AtomicInteger();

  public void watch(String workflowId) {
    watched.merge(workflowId, 1, Integer::sum);
  }

  public void unwatch(String workflowId) {
    watched.computeIfPresent(workflowId, (id, n) -> n <= 1 ? null : n - 1);
  }

  public boolean watching(String workflowId) {
    return watched.containsKey(workflowId);
  }

  /** Workflows with at least one watcher; 0 once every subscription has ended. */
  public int watchedWorkflows() {
    return watched.size();
  }

  /** A {@code workflows}-topic subscription started (+1) or ended (-1). */
  public void statusListeners(int delta) {
    statusListeners.addAndGet(delta);
  }

  public boolean anyStatusListener() {
    return statusListeners.get() > 0;
  }

  public int statusListenerCount() {
    return statusListeners.get();
  }

  /** Takes a connection slot; false when {@code max} are open already. */
  public boolean tryConnect(int max) {
    while (true) {
      int n = connections.get();
      if (n >= max) {
        return false;
      }
      if (connections.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void disconnected() {
    connections.decrementAndGet();
  }

  /** Subscriptions of every open connection added (+n) or ended (-n). */
  public void subscriptions(int delta) {
    subscriptions.addAndGet(delta);
  }

  public int subscriptionCount() {
    return subscriptions.get();
  }

  public int connectionCount() {
    return connections.get();
  }
}
