package io.conductorvx.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Watches are held per watch id, so a watch registered twice (resent across a partition move) ends with one unwatch. */
class LiveInterestTest {
  private static final String MEMBER = "m1@127.0.0.1:7000";

  @Test
  void aWatchRegisteredTwiceEndsWithOneUnwatch() {
    LiveInterest interest = new LiveInterest();
    interest.watch("wf", null, "w1");
    interest.watch("wf", null, "w1");
    assertTrue(interest.watching("wf"));
    interest.unwatch("wf", null, "w1");
    assertFalse(interest.watching("wf"));
    assertEquals(0, interest.watchedWorkflows());
  }

  @Test
  void anotherMembersWatchRegisteredTwiceEndsWithOneUnwatch() {
    LiveInterest interest = new LiveInterest();
    interest.watch("wf", MEMBER, "w1");
    interest.watch("wf", MEMBER, "w1");
    interest.watch("wf", MEMBER, "w2");
    assertEquals(Set.of(MEMBER), interest.remoteWatchers("wf"));
    interest.unwatch("wf", MEMBER, "w1");
    assertEquals(Set.of(MEMBER), interest.remoteWatchers("wf"), "w2 still watches");
    interest.unwatch("wf", MEMBER, "w2");
    assertEquals(Set.of(), interest.remoteWatchers("wf"));
    assertFalse(interest.watching("wf"));
    assertEquals(Set.of(), interest.remoteMembers());
  }

  @Test
  void unwatchingWhatIsNotHeldChangesNothing() {
    LiveInterest interest = new LiveInterest();
    interest.watch("wf", null, "w1");
    interest.unwatch("wf", null, "other");
    interest.unwatch("wf", MEMBER, "w1");
    assertTrue(interest.watching("wf"));
  }
}
