package io.conductorvx.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What this server's live-feed clients are watching, readable from any thread: the deciders ask it
 * before building events, so a server nobody watches pays nothing per commit. A watch is added on
 * the workflow's owner partition, in order with its commands (so the snapshot taken there and the
 * events after it join with no gap); it is removed by the feed when the subscription ends. In a
 * cluster the owner also counts other members' watches and listings, which {@code cluster.LiveRelay}
 * carries to them.
 */
public final class LiveInterest {
  /**
   * Workflow id → the watches of this server's clients, by watch id. A watch is a set entry, not a
   * count: a subscription's watch that reaches the owner twice (sent just before its partition moved,
   * and again as the move's rewatch) is still one watch, and one unwatch ends it.
   */
  private final ConcurrentHashMap<String, Set<String>> watched = new ConcurrentHashMap<>();
  /**
   * In a cluster, the watches other members' clients hold on workflows owned here: workflow id →
   * member ({@code memberId@host:port}) → watch ids. The inner maps and sets are replaced, never
   * changed, so the relay reads them from its own thread.
   */
  private final ConcurrentHashMap<String, Map<String, Set<String>>> remote = new ConcurrentHashMap<>();
  /** Members whose clients list workflow statuses, and until when (System.nanoTime) they said so. */
  private final ConcurrentHashMap<String, Long> remoteListeners = new ConcurrentHashMap<>();
  private final AtomicInteger statusListeners = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger subscriptions = new AtomicInteger();

  /** A watch for this server's clients ({@code member} null) or for another member's; idempotent per watch id. */
  public void watch(String workflowId, String member, String watchId) {
    if (member == null) {
      watched.compute(workflowId, (id, ids) -> with(ids, watchId));
      return;
    }
    remote.compute(workflowId, (id, members) -> {
      Map<String, Set<String>> next = members == null ? new HashMap<>() : new HashMap<>(members);
      next.put(member, with(next.get(member), watchId));
      return Map.copyOf(next);
    });
  }

  /** Ends one watch; a no-op when it is not held here. */
  public void unwatch(String workflowId, String member, String watchId) {
    if (member == null) {
      watched.computeIfPresent(workflowId, (id, ids) -> without(ids, watchId));
      return;
    }
    remote.computeIfPresent(workflowId, (id, members) -> {
      Set<String> ids = members.get(member);
      if (ids == null || !ids.contains(watchId)) {
        return members;
      }
      Map<String, Set<String>> next = new HashMap<>(members);
      Set<String> rest = without(ids, watchId);
      if (rest == null) {
        next.remove(member);
      } else {
        next.put(member, rest);
      }
      return next.isEmpty() ? null : Map.copyOf(next);
    });
  }

  private static Set<String> with(Set<String> ids, String watchId) {
    if (ids == null) {
      return Set.of(watchId);
    }
    if (ids.contains(watchId)) {
      return ids;
    }
    Set<String> next = new HashSet<>(ids);
    next.add(watchId);
    return Set.copyOf(next);
  }

  /** The set without the id; null when nothing is left (the map entry goes). */
  private static Set<String> without(Set<String> ids, String watchId) {
    if (!ids.contains(watchId)) {
      return ids;
    }
    if (ids.size() == 1) {
      return null;
    }
    Set<String> next = new HashSet<>(ids);
    next.remove(watchId);
    return Set.copyOf(next);
  }

  public boolean watching(String workflowId) {
    return watched.containsKey(workflowId) || (!remote.isEmpty() && remote.containsKey(workflowId));
  }

  /** Workflows with at least one watcher here; 0 once every subscription has ended. */
  public int watchedWorkflows() {
    return watched.size();
  }

  /** The other members watching the workflow: an empty set when none. */
  public Set<String> remoteWatchers(String workflowId) {
    Map<String, Set<String>> members = remote.isEmpty() ? null : remote.get(workflowId);
    return members == null ? Set.of() : members.keySet();
  }

  /**
   * The workflows of a partition this member no longer owns: their watches are forgotten here (the
   * watchers' members count them again with the new owner when they see the partition move).
   */
  public void forget(Predicate<String> workflowIds) {
    watched.keySet().removeIf(workflowIds);
    remote.keySet().removeIf(workflowIds);
  }

  /** A member that went away: its watches and its listing end. */
  public void forgetMember(String member) {
    remoteListeners.remove(member);
    for (String id : remote.keySet()) {
      unwatchAll(id, member);
    }
  }

  private void unwatchAll(String workflowId, String member) {
    remote.computeIfPresent(workflowId, (id, members) -> {
      if (!members.containsKey(member)) {
        return members;
      }
      Map<String, Set<String>> next = new HashMap<>(members);
      next.remove(member);
      return next.isEmpty() ? null : Map.copyOf(next);
    });
  }

  /** The members holding watches or listings here now. */
  public Set<String> remoteMembers() {
    Set<String> out = new HashSet<>(remoteListeners.keySet());
    remote.values().forEach(m -> out.addAll(m.keySet()));
    return out;
  }

  /** A {@code workflows}-topic subscription started (+1) or ended (-1). */
  public void statusListeners(int delta) {
    statusListeners.addAndGet(delta);
  }

  /** Another member's clients list workflow statuses, for {@code forMs} more (it says so again while they do). */
  public void remoteStatusListener(String member, long forMs) {
    remoteListeners.put(member, System.nanoTime() + forMs * 1_000_000);
  }

  /** The members whose clients list workflow statuses now. */
  public List<String> remoteStatusListeners() {
    if (remoteListeners.isEmpty()) {
      return List.of();
    }
    long now = System.nanoTime();
    List<String> out = new ArrayList<>(remoteListeners.size());
    remoteListeners.forEach((member, until) -> {
      if (until - now > 0) {
        out.add(member);
      }
    });
    return out;
  }

  public boolean anyStatusListener() {
    return statusListeners.get() > 0 || (!remoteListeners.isEmpty() && !remoteStatusListeners().isEmpty());
  }

  /** This server's own {@code workflows} subscriptions. */
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
