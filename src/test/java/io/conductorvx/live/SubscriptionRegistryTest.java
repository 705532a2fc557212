package io.conductorvx.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry's indexes: a change reaches the subscriptions it matches and looks at no others. */
class SubscriptionRegistryTest {
  private static LiveFeedMessage.Commit statusChange(String workflowId, String type, String status) {
    return new LiveFeedMessage.Commit(workflowId, type, status, true, "{}", List.of(), false);
  }

  @Test
  void aStatusChangeVisitsOnlyTheListsOfItsTypeAndOfAllTypes() {
    SubscriptionRegistry registry = new SubscriptionRegistry();
    List<Subscription.OfWorkflows> others = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Subscription.OfWorkflows other = new Subscription.OfWorkflows(null, "o" + i, "type" + i, null);
      others.add(other);
      registry.added(other);
    }
    Subscription.OfWorkflows ofA = new Subscription.OfWorkflows(null, "a", "A", null);
    Subscription.OfWorkflows failedOfA = new Subscription.OfWorkflows(null, "af", "A", Set.of("FAILED"));
    Subscription.OfWorkflows ofAll = new Subscription.OfWorkflows(null, "all", null, null);
    registry.added(ofA);
    registry.added(failedOfA);
    registry.added(ofAll);

    List<String> visited = new ArrayList<>();
    registry.forEachListMatching(statusChange("w1", "A", "COMPLETED"), s -> visited.add(s.id));
    assertEquals(List.of("a", "all"), visited);
    visited.clear();
    registry.forEachListMatching(statusChange("w1", "A", "FAILED"), s -> visited.add(s.id));
    assertEquals(List.of("a", "af", "all"), visited);

    registry.removed(ofA);
    registry.removed(failedOfA);
    registry.removed(ofAll);
    others.forEach(registry::removed);
    visited.clear();
    registry.forEachListMatching(statusChange("w1", "A", "FAILED"), s -> visited.add(s.id));
    assertEquals(List.of(), visited);
    assertEquals(0, registry.size());
  }

  @Test
  void aWorkflowsWatchersStartWithTheirSnapshotAndLeaveNoIndexBehind() {
    SubscriptionRegistry registry = new SubscriptionRegistry();
    Subscription.OfWorkflow one = new Subscription.OfWorkflow(null, "s1", "w1");
    Subscription.OfWorkflow other = new Subscription.OfWorkflow(null, "s2", "w2");
    registry.added(one);
    registry.added(other);
    registry.awaitSnapshot(one, "k1");
    registry.awaitSnapshot(other, "k2");
    assertNull(registry.watchers("w1"), "no events before the snapshot");
    assertSame(one, registry.snapshotArrived("k1"));
    assertEquals(List.of(one), registry.watchers("w1"));
    assertNull(registry.watchers("w2"));

    // a resync waits for a new snapshot: no events meanwhile
    registry.awaitSnapshot(one, "k3");
    assertNull(registry.watchers("w1"));
    assertNull(registry.snapshotArrived("k1"), "an old snapshot is ignored");
    assertSame(one, registry.snapshotArrived("k3"));

    // a subscription that ends before its snapshot ignores it
    registry.removed(other);
    other.ended = true;
    assertNull(registry.snapshotArrived("k2"));
    registry.removed(one);
    assertNull(registry.watchers("w1"));
    assertEquals(0, registry.size());
  }
}
