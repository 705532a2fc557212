package io.conductorvx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.error.ConductorException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a command reaches its decider and its answer comes back (WorkflowEngine.send without the bus). */
@ExtendWith(VertxExtension.class)
class LocalDecidersTest {
  private static Command decide(String id) {
    return new Command.Decide(id, false);
  }

  /** Registers a decider on a context of its own and answers when that is done. */
  private static Future<Context> decider(Vertx vertx, LocalDeciders deciders, int partition,
      java.util.function.Function<Command, Future<?>> handler) {
    Context context = vertx.getOrCreateContext();
    Promise<Context> registered = Promise.promise();
    context.runOnContext(v -> {
      deciders.register(partition, context, handler);
      registered.complete(context);
    });
    return registered.future();
  }

  @Test
  void aCommandRunsOnItsDecidersLoopAndIsAnsweredOnTheSenders(Vertx vertx, VertxTestContext test) {
    LocalDeciders deciders = new LocalDeciders(vertx, 2, 30_000);
    List<Context> ranOn = new ArrayList<>();
    Context sender = vertx.getOrCreateContext(); // called off Vert.x threads: a context of its own
    decider(vertx, deciders, 1, c -> {
      ranOn.add(Vertx.currentContext());
      return Future.succeededFuture("done " + c.workflowId());
    }).onComplete(test.succeeding(deciderContext -> {
      sender.runOnContext(v -> deciders.<String>deliver(1, decide("w1")).onComplete(test.succeeding(answer -> test.verify(() -> {
        assertEquals("done w1", answer);
        assertSame(deciderContext, ranOn.get(0));
        assertSame(sender, Vertx.currentContext());
        assertNotSame(deciderContext, sender);
        test.completeNow();
      }))));
    }));
  }

  @Test
  void commandsFromOneSenderRunInTheOrderSent(Vertx vertx, VertxTestContext test) {
    LocalDeciders deciders = new LocalDeciders(vertx, 1, 30_000);
    List<String> order = new ArrayList<>();
    decider(vertx, deciders, 0, c -> {
      order.add(c.workflowId());
      return Future.succeededFuture();
    }).onComplete(test.succeeding(ctx -> vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<Object>> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sent.add(deciders.deliver(0, decide("w" + i)));
      }
      assertTrue(order.isEmpty(), "nothing runs inside the sender's call");
      Future.all(sent).onComplete(test.succeeding(all -> test.verify(() -> {
        for (int i = 0; i < 100; i++) {
          assertEquals("w" + i, order.get(i));
        }
        test.completeNow();
      })));
    })));
  }

  @Test
  void failuresComeBackAsConductorExceptions(Vertx vertx, VertxTestContext test) {
    LocalDeciders deciders = new LocalDeciders(vertx, 1, 30_000);
    decider(vertx, deciders, 0, c -> c.workflowId().equals("conflict")
        ? Future.failedFuture(ConductorException.conflict("no"))
        : Future.failedFuture(new IllegalStateException("broken"))).onComplete(test.succeeding(ctx -> {
      Future<Object> conflict = deciders.deliver(0, decide("conflict"));
      Future<Object> broken = deciders.deliver(0, decide("other"));
      Future.join(conflict, broken).onComplete(done -> test.verify(() -> {
        assertEquals(409, assertInstanceOf(ConductorException.class, conflict.cause()).status());
        ConductorException e = assertInstanceOf(ConductorException.class, broken.cause());
        assertEquals(500, e.status());
        assertEquals("broken", e.getMessage());
        test.completeNow();
      }));
    }));
  }

  @Test
  void aCommandNotAnsweredInTimeFailsWith503AndLaterOnesStillRun(Vertx vertx, VertxTestContext test) {
    LocalDeciders deciders = new LocalDeciders(vertx, 1, 100);
    decider(vertx, deciders, 0, c -> c.workflowId().equals("stuck") ? Promise.promise().future() : Future.succeededFuture("ok"))
        .onComplete(test.succeeding(ctx -> deciders.deliver(0, decide("stuck")).onComplete(stuck -> test.verify(() -> {
          ConductorException e = assertInstanceOf(ConductorException.class, stuck.cause());
          assertEquals(503, e.status());
          deciders.deliver(0, decide("fine")).onComplete(test.succeeding(answer -> test.verify(() -> {
            assertEquals("ok", answer);
            test.completeNow();
          })));
        }))));
  }

  @Test
  void aPartitionWithoutADeciderAnswers503(Vertx vertx, VertxTestContext test) throws Exception {
    LocalDeciders deciders = new LocalDeciders(vertx, 2, 30_000);
    deciders.deliver(1, decide("w")).onComplete(test.failing(err -> test.verify(() -> {
      assertEquals(503, assertInstanceOf(ConductorException.class, err).status());
      test.completeNow();
    })));
    assertTrue(test.awaitCompletion(10, TimeUnit.SECONDS));
  }
}
