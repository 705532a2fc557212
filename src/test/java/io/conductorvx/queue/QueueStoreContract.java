package io.conductorvx.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.testing.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every {@link QueueStore} must show. Subclasses only say how to open and clean up
 * a backend. Time-dependent cases use short real delays and bounded polling on Vert.x timers,
 * so they hold for backends whose clock is the server's (Redis TIME, PostgreSQL clock_timestamp).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class QueueStoreContract {
  private static final long LONG_LEASE = 60_000;

  protected Vertx vertx;
  protected QueueStore store;

  /** A new, empty store on this test's Vert.x instance. */
  protected abstract Future<QueueStore> open(Vertx vertx);

  /** Removes whatever the backend kept for this test; runs after the store is closed. */
  protected Future<Void> cleanUp() {
    return Future.succeededFuture();
  }

  @BeforeEach
  void openStore(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    open(vertx).onComplete(ctx.succeeding(s -> {
      store = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void closeStore(VertxTestContext ctx) {
    Future<Void> closed = store == null ? Future.succeededFuture() : store.close();
    // Clean up even when closing failed, and report either failure.
    Future<Void> cleaned = closed.transform(ar -> cleanUp());
    Future.join(closed, cleaned).onComplete(ctx.succeedingThenComplete());
  }

  private static QueueMessage msg(String id, int priority) {
    return new QueueMessage(id, "payload-" + id, priority);
  }

  private static List<String> ids(List<QueueMessage> messages) {
    return messages.stream().map(QueueMessage::id).toList();
  }

  private static void check(VertxTestContext ctx, Supplier<Future<?>> body) {
    body.get().onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> pushAll(String queue, QueueMessage... messages) {
    Future<Void> chain = Future.succeededFuture();
    for (QueueMessage m : messages) {
      chain = chain.compose(v -> store.push(queue, m, 0));
    }
    return chain;
  }

  /** Requeues until at least one expired lease came back (leases in these tests are short). */
  private Future<Integer> requeueOnceExpired() {
    return TestBackends.eventually(vertx, store::requeueExpiredLeases, n -> n > 0, 20, 5_000, "an expired lease to be requeued");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void pushedMessageIsPoppedWithItsPayloadAndPriority(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", new QueueMessage("m1", "wf-1", 7), 0)
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of(new QueueMessage("m1", "wf-1", 7)), popped);
          return null;
        }));
  }

  @Test
  void pushesAndAcksMadeAtOnceOnOneEventLoopAllApply(VertxTestContext ctx) {
    int count = 30;
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    // issued together from one event loop, as a decider partition and a poller issue them
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<Void>> pushes = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        pushes.add(store.push("q", msg("m" + i, 0), 0));
      }
      Future.all(pushes)
          .compose(pushed -> store.pop("q", count / 2, LONG_LEASE))
          .compose(popped -> Future.all(popped.stream().map(m -> store.ack("q", m.id())).toList()))
          .<Void>mapEmpty()
          .onComplete(done);
    });
    check(ctx, () -> done.future()
        .compose(v -> store.size("q"))
        .compose(size -> {
          assertEquals(count - count / 2, size);
          return store.pop("q", count, LONG_LEASE);
        })
        .map(rest -> {
          assertEquals(count - count / 2, rest.size());
          return null;
        }));
  }

  @Test
  void nullAndEmptyPayloadsSurviveTheRoundTrip(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", new QueueMessage("a", null, 0), 0)
        .compose(v -> store.push("q", new QueueMessage("b", "", 0), 0))
        .compose(v -> store.push("q", new QueueMessage("c", "x|y|z\nlines ü", -3), 0))
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .map(popped -> {
          Map<String, QueueMessage> byId = popped.stream().collect(Collectors.toMap(QueueMessage::id, m -> m));
          assertNull(byId.get("a").payload());
          assertEquals("", byId.get("b").payload());
          assertEquals(new QueueMessage("c", "x|y|z\nlines ü", -3), byId.get("c"));
          return null;
        }));
  }

  @Test
  void aDroppedQueueIsGoneWithEverythingInIt(VertxTestContext ctx) {
    check(ctx, () -> store.push("gone", msg("ready", 0), 0)
        .compose(v -> store.push("gone", msg("delayed", 0), 60_000))
        .compose(v -> store.push("gone", msg("leased", 0), 0))
        .compose(v -> store.pop("gone", 1, LONG_LEASE))
        .compose(v -> store.push("kept", msg("other", 0), 0))
        .compose(v -> store.drop("gone"))
        .compose(v -> store.drop("never-used"))
        .compose(v -> store.details())
        .compose(details -> {
          assertEquals(List.of("kept"), List.copyOf(details.keySet()), "only the other queue is listed");
          return store.contains("gone", "leased");
        })
        .compose(leased -> {
          assertFalse(leased);
          return store.pop("gone", 10, LONG_LEASE);
        })
        .compose(popped -> {
          assertEquals(List.of(), popped);
          return store.requeueExpiredLeases();
        })
        .compose(requeued -> store.push("gone", msg("again", 0), 0))
        .compose(v -> store.pop("gone", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of("again"), ids(popped), "the name can be used again");
          return null;
        }));
  }

  @Test
  void popOfEmptyOrUnknownQueueReturnsNothing(VertxTestContext ctx) {
    check(ctx, () -> store.pop("never-used", 5, LONG_LEASE)
        .map(popped -> {
          assertEquals(List.of(), popped);
          return null;
        }));
  }

  @Test
  void popReturnsAtMostCountMessages(VertxTestContext ctx) {
    check(ctx, () -> pushAll("q", msg("a", 0), msg("b", 0), msg("c", 0))
        .compose(v -> store.pop("q", 2, LONG_LEASE))
        .compose(first -> {
          assertEquals(2, first.size());
          return store.pop("q", 2, LONG_LEASE);
        })
        .map(second -> {
          assertEquals(1, second.size());
          return null;
        }));
  }

  @Test
  void higherPriorityGoesFirstAmongDueMessages(VertxTestContext ctx) {
    check(ctx, () -> pushAll("q", msg("low", 1), msg("high", 9), msg("negative", -5), msg("mid", 5))
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of("high", "mid", "low", "negative"), ids(popped));
          return null;
        }));
  }

  @Test
  void samePriorityIsFirstInFirstOut(VertxTestContext ctx) {
    QueueMessage[] batch = IntStream.range(0, 20).mapToObj(i -> msg("m" + i, 3)).toArray(QueueMessage[]::new);
    check(ctx, () -> pushAll("q", batch)
        // Popped one at a time and in one go: the order is the push order either way.
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(first -> {
          assertEquals(List.of("m0"), ids(first));
          return store.pop("q", 100, LONG_LEASE);
        })
        .map(rest -> {
          assertEquals(IntStream.range(1, 20).mapToObj(i -> "m" + i).toList(), ids(rest));
          return null;
        }));
  }

  @Test
  void delayedMessageIsInvisibleUntilDue(VertxTestContext ctx) {
    long delay = 400;
    long pushedAt = System.currentTimeMillis();
    check(ctx, () -> store.push("q", msg("later", 0), delay)
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(early -> {
          assertEquals(List.of(), early, "not due yet");
          return TestBackends.eventually(vertx, () -> store.pop("q", 1, LONG_LEASE), p -> !p.isEmpty(), 20, 5_000, "the delayed message");
        })
        .map(popped -> {
          assertEquals(List.of("later"), ids(popped));
          long waited = System.currentTimeMillis() - pushedAt;
          assertTrue(waited >= delay - 50, "became visible after " + waited + " ms, delay was " + delay);
          return null;
        }));
  }

  @Test
  void delayedHighPriorityMessageDoesNotOvertakeBeforeItIsDue(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("urgent-later", 99), 10_000)
        .compose(v -> store.push("q", msg("ordinary-now", 0), 0))
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of("ordinary-now"), ids(popped));
          return null;
        }));
  }

  @Test
  void dueDelayedMessageOvertakesOlderLowerPriorityOnes(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("low-now", 1), 0)
        .compose(v -> store.push("q", msg("high-soon", 9), 100))
        // Wait for the delay to pass without popping anything.
        .compose(v -> vertx.timer(250))
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of("high-soon", "low-now"), ids(popped));
          return null;
        }));
  }

  @Test
  void poppedMessageIsNotHandedOutAgainWhileLeased(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("m", 0), 0)
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(first -> {
          assertEquals(List.of("m"), ids(first));
          return store.pop("q", 1, LONG_LEASE);
        })
        .compose(second -> {
          assertEquals(List.of(), second);
          return store.requeueExpiredLeases();
        })
        .compose(requeued -> {
          assertEquals(0, requeued, "the lease has not run out");
          return store.pop("q", 1, LONG_LEASE);
        })
        .map(third -> {
          assertEquals(List.of(), third);
          return null;
        }));
  }

  @Test
  void expiredLeaseReturnsMessageToQueue(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", new QueueMessage("m", "wf-9", 4), 0)
        .compose(v -> store.pop("q", 1, 100))
        .compose(popped -> {
          assertEquals(List.of("m"), ids(popped));
          return requeueOnceExpired();
        })
        .compose(requeued -> {
          assertEquals(1, requeued);
          return store.pop("q", 1, LONG_LEASE);
        })
        .map(again -> {
          assertEquals(List.of(new QueueMessage("m", "wf-9", 4)), again);
          return null;
        }));
  }

  @Test
  void requeuedMessageKeepsItsPriority(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("high", 9), 0)
        .compose(v -> store.pop("q", 1, 100))
        .compose(v -> store.push("q", msg("low", 1), 0))
        .compose(v -> requeueOnceExpired())
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of("high", "low"), ids(popped));
          return null;
        }));
  }

  @Test
  void ackDeletesLeasedMessageForGood(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("m", 0), 0)
        .compose(v -> store.pop("q", 1, 100))
        .compose(v -> store.ack("q", "m"))
        .compose(v -> store.contains("q", "m"))
        .compose(contained -> {
          assertFalse(contained);
          return vertx.timer(200);
        })
        // The lease would have run out by now: nothing may come back.
        .compose(v -> store.requeueExpiredLeases())
        .compose(requeued -> {
          assertEquals(0, requeued);
          return store.pop("q", 1, LONG_LEASE);
        })
        .map(popped -> {
          assertEquals(List.of(), popped);
          return null;
        }));
  }

  @Test
  void ackOfMessageThatIsNotLeasedDoesNothing(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("m", 0), 0)
        .compose(v -> store.ack("q", "m"))
        .compose(v -> store.ack("q", "unknown"))
        .compose(v -> store.ack("unknown-queue", "m"))
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of("m"), ids(popped));
          return null;
        }));
  }

  @Test
  void pushOfQueuedIdReplacesItInsteadOfDuplicating(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", new QueueMessage("m", "old", 1), 0)
        .compose(v -> store.push("q", new QueueMessage("m", "new", 2), 0))
        .compose(v -> store.size("q"))
        .compose(size -> {
          assertEquals(1L, size);
          return store.pop("q", 10, LONG_LEASE);
        })
        .map(popped -> {
          assertEquals(List.of(new QueueMessage("m", "new", 2)), popped);
          return null;
        }));
  }

  @Test
  void pushOfReadyIdWithDelayMovesItLater(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", msg("m", 0), 0)
        .compose(v -> store.push("q", msg("m", 0), 10_000))
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .compose(popped -> {
          assertEquals(List.of(), popped, "the new copy is delayed and the old one is gone");
          return store.size("q");
        })
        .map(size -> {
          assertEquals(1L, size);
          return null;
        }));
  }

  @Test
  void pushOfLeasedIdReplacesTheLeasedCopy(VertxTestContext ctx) {
    check(ctx, () -> store.push("q", new QueueMessage("m", "first", 0), 0)
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(v -> store.push("q", new QueueMessage("m", "second", 0), 0))
        .compose(v -> store.details())
        .compose(details -> {
          assertEquals(Map.of("size", 1L, "uacked", 0L), details.get("q"), "the leased copy is gone");
          // A late ack for the old lease must not delete the new copy.
          return store.ack("q", "m");
        })
        .compose(v -> store.pop("q", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of(new QueueMessage("m", "second", 0)), popped);
          return null;
        }));
  }

  @Test
  void concurrentPushesOfOneIdLeaveOneCopy(VertxTestContext ctx) {
    List<Future<Void>> pushes = IntStream.range(0, 30)
        .mapToObj(i -> store.push("q", new QueueMessage("m", "v" + i, 0), 0))
        .toList();
    check(ctx, () -> Future.all(pushes)
        .compose(v -> store.size("q"))
        .compose(size -> {
          assertEquals(1L, size);
          return store.pop("q", 100, LONG_LEASE);
        })
        .map(popped -> {
          assertEquals(List.of("m"), ids(popped));
          return null;
        }));
  }

  @Test
  void removeDeletesReadyDelayedAndLeasedMessages(VertxTestContext ctx) {
    check(ctx, () -> pushAll("q", msg("leased", 5), msg("ready", 0))
        .compose(v -> store.push("q", msg("delayed", 0), 10_000))
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(popped -> {
          assertEquals(List.of("leased"), ids(popped));
          return Future.all(store.remove("q", "leased"), store.remove("q", "ready"), store.remove("q", "delayed"));
        })
        .compose(removed -> {
          assertEquals(List.of(true, true, true), removed.list());
          return Future.all(store.remove("q", "ready"), store.remove("q", "never"), store.remove("other", "ready"));
        })
        .compose(again -> {
          assertEquals(List.of(false, false, false), again.list());
          return store.details();
        })
        .map(details -> {
          assertFalse(details.containsKey("q"), "an emptied queue is not listed: " + details);
          return null;
        }));
  }

  @Test
  void containsSeesReadyDelayedAndLeasedMessages(VertxTestContext ctx) {
    check(ctx, () -> pushAll("q", msg("leased", 5), msg("ready", 0))
        .compose(v -> store.push("q", msg("delayed", 0), 10_000))
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(v -> Future.all(store.contains("q", "leased"), store.contains("q", "ready"), store.contains("q", "delayed"),
            store.contains("q", "never"), store.contains("other", "ready")))
        .map(found -> {
          assertEquals(List.of(true, true, true, false, false), found.list());
          return null;
        }));
  }

  @Test
  void locateTellsLeasedAndHowManyGoOutBeforeAWaitingMessage(VertxTestContext ctx) {
    check(ctx, () -> pushAll("q", msg("leased", 9), msg("first", 0), msg("second", 0), msg("urgent", 5))
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(v -> store.push("q", msg("later", 9), 60_000))
        .compose(v -> Future.all(List.of(store.locate("q", "leased"), store.locate("q", "first"), store.locate("q", "second"),
            store.locate("q", "urgent"), store.locate("q", "later"), store.locate("q", "never"), store.locate("other", "first"))))
        .map(all -> {
          QueuePosition leased = all.resultAt(0);
          assertTrue(leased.found() && leased.leased(), leased::toString);
          QueuePosition first = all.resultAt(1);
          assertEquals(new QueuePosition(true, false, first.dueAt(), 1), first, "behind the higher priority one");
          assertTrue(first.dueAt() > 0);
          assertEquals(2L, all.<QueuePosition>resultAt(2).ahead(), "behind urgent and first");
          assertEquals(0L, all.<QueuePosition>resultAt(3).ahead(), "highest priority waiting");
          QueuePosition later = all.resultAt(4);
          assertFalse(later.leased());
          assertTrue(later.dueAt() >= first.dueAt() + 50_000, later::toString);
          assertEquals(0L, later.ahead(), "due later but first once due: nothing of its priority is waiting");
          assertEquals(QueuePosition.ABSENT, all.resultAt(5));
          assertEquals(QueuePosition.ABSENT, all.resultAt(6));
          return null;
        }));
  }

  @Test
  void sizeCountsWaitingMessagesButNotLeasedOnes(VertxTestContext ctx) {
    check(ctx, () -> pushAll("q", msg("a", 5), msg("b", 0))
        .compose(v -> store.push("q", msg("delayed", 0), 10_000))
        .compose(v -> store.pop("q", 1, LONG_LEASE))
        .compose(v -> Future.all(store.size("q"), store.size("unknown")))
        .map(sizes -> {
          assertEquals(List.of(2L, 0L), sizes.list());
          return null;
        }));
  }

  @Test
  void sizesAndDetailsListEveryQueueWithMessages(VertxTestContext ctx) {
    check(ctx, () -> pushAll("alpha", msg("a1", 0), msg("a2", 0))
        .compose(v -> store.push("alpha", msg("a3", 0), 10_000))
        .compose(v -> pushAll("beta", msg("b1", 0)))
        .compose(v -> store.pop("beta", 1, LONG_LEASE))
        .compose(v -> pushAll("gone", msg("g1", 0)))
        .compose(v -> store.remove("gone", "g1"))
        .compose(v -> store.details())
        .compose(details -> {
          assertEquals(Map.of(
              "alpha", Map.of("size", 3L, "uacked", 0L),
              "beta", Map.of("size", 0L, "uacked", 1L)), details);
          return store.sizes();
        })
        .map(sizes -> {
          assertEquals(Map.of("alpha", 3L, "beta", 0L), sizes);
          assertEquals(List.of("alpha", "beta"), new ArrayList<>(sizes.keySet()), "listed by name");
          return null;
        }));
  }

  @Test
  void queuesAreIndependent(VertxTestContext ctx) {
    check(ctx, () -> store.push("one", new QueueMessage("m", "in-one", 0), 0)
        .compose(v -> store.push("two", new QueueMessage("m", "in-two", 0), 0))
        .compose(v -> store.pop("one", 1, LONG_LEASE))
        .compose(v -> store.ack("one", "m"))
        .compose(v -> store.pop("two", 10, LONG_LEASE))
        .map(popped -> {
          assertEquals(List.of(new QueueMessage("m", "in-two", 0)), popped);
          return null;
        }));
  }

  @Test
  void concurrentPopsHandOutEachMessageExactlyOnce(VertxTestContext ctx) {
    int messages = 300;
    List<Future<Void>> pushes = IntStream.range(0, messages)
        .mapToObj(i -> store.push("q", msg("m" + i, i % 4), 0))
        .toList();
    Map<String, Integer> handedOut = new HashMap<>();
    check(ctx, () -> Future.all(pushes)
        .compose(v -> popInRounds("q", handedOut, 0))
        .map(rounds -> {
          Set<String> duplicated = new HashSet<>();
          handedOut.forEach((id, times) -> {
            if (times != 1) {
              duplicated.add(id + " x" + times);
            }
          });
          assertEquals(Set.of(), duplicated, "messages handed to more than one reader");
          assertEquals(messages, handedOut.size(), "every message handed out");
          return null;
        }));
  }

  /** Rounds of 40 concurrent pops of 7 until a whole round comes back empty. */
  private Future<Integer> popInRounds(String queue, Map<String, Integer> handedOut, int round) {
    List<Future<List<QueueMessage>>> pops = IntStream.range(0, 40)
        .mapToObj(i -> store.pop(queue, 7, LONG_LEASE))
        .toList();
    return Future.all(pops).compose(all -> {
      int got = 0;
      for (Future<List<QueueMessage>> pop : pops) {
        for (QueueMessage m : pop.result()) {
          handedOut.merge(m.id(), 1, Integer::sum);
          got++;
        }
      }
      if (round > 100) {
        return Future.failedFuture(new AssertionError("queue never drained"));
      }
      return got == 0 ? Future.succeededFuture(round) : popInRounds(queue, handedOut, round + 1);
    });
  }
}
