package io.conductorvx.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subscriptions of one endpoint's connections, indexed so that a change fans out only to those
 * it matches: watchers of that workflow, {@code workflows} subscribers of its type and of every
 * type. Used on the endpoint's event loop only.
 */
final class SubscriptionRegistry {
  private final Map<String, List<Subscription.OfWorkflow>> byWorkflow = new HashMap<>();
  private final Map<String, Subscription.OfWorkflow> awaitingSnapshot = new HashMap<>();
  private final Map<String, List<Subscription.OfWorkflows>> listsByType = new HashMap<>();
  private final List<Subscription.OfWorkflows> listsOfAll = new ArrayList<>();
  private final Set<Subscription.OfQueues> queues = new LinkedHashSet<>();
  private int size;

  int size() {
    return size;
  }

  Set<Subscription.OfQueues> queues() {
    return queues;
  }

  // ---- one workflow ----

  /** The subscription waits for the snapshot published under {@code key}. */
  void awaitSnapshot(Subscription.OfWorkflow sub, String key) {
    detach(sub);
    sub.snapshotKey = key;
    awaitingSnapshot.put(key, sub);
  }

  /** The subscription awaiting this snapshot, now receiving events; null if it ended meanwhile. */
  Subscription.OfWorkflow snapshotArrived(String key) {
    Subscription.OfWorkflow sub = awaitingSnapshot.remove(key);
    if (sub == null || sub.ended) {
      return null;
    }
    sub.snapshotKey = null;
    byWorkflow.computeIfAbsent(sub.workflowId, id -> new ArrayList<>(2)).add(sub);
    return sub;
  }

  List<Subscription.OfWorkflow> watchers(String workflowId) {
    return byWorkflow.get(workflowId);
  }

  /** Every workflow subscription, with its snapshot or still waiting for it (a copy: the caller may re-watch them). */
  List<Subscription.OfWorkflow> workflowSubscriptions() {
    List<Subscription.OfWorkflow> out = new ArrayList<>(awaitingSnapshot.values());
    byWorkflow.values().forEach(out::addAll);
    return out;
  }

  // ---- adding and removing ----

  void added(Subscription sub) {
    size++;
    if (sub instanceof Subscription.OfWorkflows list) {
      if (list.workflowType == null) {
        listsOfAll.add(list);
      } else {
        listsByType.computeIfAbsent(list.workflowType, t -> new ArrayList<>(2)).add(list);
      }
    } else if (sub instanceof Subscription.OfQueues q) {
      queues.add(q);
    }
  }

  void removed(Subscription sub) {
    size--;
    if (sub instanceof Subscription.OfWorkflow w) {
      detach(w);
    } else if (sub instanceof Subscription.OfWorkflows list) {
      if (list.workflowType == null) {
        listsOfAll.remove(list);
      } else {
        removeFrom(listsByType, list.workflowType, list);
      }
    } else if (sub instanceof Subscription.OfQueues q) {
      queues.remove(q);
    }
  }

  private void detach(Subscription.OfWorkflow sub) {
    if (sub.snapshotKey != null) {
      awaitingSnapshot.remove(sub.snapshotKey);
      sub.snapshotKey = null;
    } else {
      removeFrom(byWorkflow, sub.workflowId, sub);
    }
  }

  private static <T> void removeFrom(Map<String, List<T>> index, String key, T value) {
    List<T> list = index.get(key);
    if (list != null && list.remove(value) && list.isEmpty()) {
      index.remove(key);
    }
  }

  /** The {@code workflows} subscriptions a status change matches. */
  void forEachListMatching(LiveFeedMessage.Commit c, java.util.function.Consumer<Subscription.OfWorkflows> action) {
    List<Subscription.OfWorkflows> typed = listsByType.get(c.workflowType());
    if (typed != null) {
      for (Subscription.OfWorkflows s : typed) {
        if (s.matches(c)) {
          action.accept(s);
        }
      }
    }
    for (Subscription.OfWorkflows s : listsOfAll) {
      if (s.matches(c)) {
        action.accept(s);
      }
    }
  }
}
