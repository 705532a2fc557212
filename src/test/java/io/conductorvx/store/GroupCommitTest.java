package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class GroupCommitTest {

  /** The contexts of a verticle deployed twice: Vert.x gives each instance its own event loop. */
  private static Future<List<Context>> twoLoops(Vertx vertx) {
    List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            contexts.add(context);
            threads.add(Thread.currentThread());
            return Future.succeededFuture();
          }
        }, new DeploymentOptions().setInstances(2))
        .map(id -> {
          assertEquals(2, threads.size(), "two event loops");
          return List.copyOf(contexts);
        });
  }

  @Test
  void writesFromTwoEventLoopsShareOneLaneAndAreAnsweredOnTheirOwnContext(Vertx vertx, VertxTestContext ctx) {
    Set<Thread> writers = ConcurrentHashMap.newKeySet();
    List<String> written = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<String, Void> commit = GroupCommit.withoutAnswers(group -> {
      writers.add(Thread.currentThread());
      written.addAll(group);
      return Future.succeededFuture();
    });
    twoLoops(vertx).compose(loops -> {
      List<Future<Void>> answered = new ArrayList<>();
      for (Context loop : loops) {
        for (int i = 0; i < 5; i++) {
          Promise<Void> onCaller = Promise.promise();
          answered.add(onCaller.future());
          String write = answered.size() + "";
          loop.runOnContext(v -> commit.submit(write).onComplete(ar -> {
            if (Vertx.currentContext() != loop) {
              onCaller.fail("write " + write + " answered on another context");
            } else {
              onCaller.handle(ar);
            }
          }));
        }
      }
      return Future.all(answered);
    }).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertEquals(1, writers.size(), "every transaction ran on the one lane's loop");
      assertEquals(Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), Set.copyOf(written));
      assertEquals(10, written.size(), "each write written once");
      ctx.completeNow();
    })));
  }

  @Test
  void aFailedGroupIsRetriedWriteByWriteSoOnlyTheBadWriteFails(Vertx vertx, VertxTestContext ctx) {
    List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<String, Void> commit = GroupCommit.withoutAnswers(group -> {
      calls.add(List.copyOf(group));
      return group.contains("bad") ? Future.failedFuture("refused") : Future.succeededFuture();
    });
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> {
      // submitted in one turn of the loop: they leave as one group
      Future<Void> good1 = commit.submit("good1");
      Future<Void> bad = commit.submit("bad");
      Future<Void> good2 = commit.submit("good2");
      Future.join(good1, bad, good2).onComplete(ar -> ctx.verify(() -> {
        assertTrue(good1.succeeded() && good2.succeeded());
        assertTrue(bad.failed());
        assertEquals(List.of("good1", "bad", "good2"), calls.get(0));
        assertEquals(4, calls.size(), "the group, then each write alone: " + calls);
        ctx.completeNow();
      }));
    });
  }

  @Test
  void aWriteOffTheEventLoopIsWrittenAloneOnItsOwnThread(Vertx vertx, VertxTestContext ctx) {
    List<Thread> writers = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<String, Void> commit = GroupCommit.withoutAnswers(group -> {
      writers.add(Thread.currentThread());
      return Future.succeededFuture();
    });
    commit.submit("from a test thread").onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of(Thread.currentThread()), writers);
      ctx.completeNow();
    })));
  }
}
