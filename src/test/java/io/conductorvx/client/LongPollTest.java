package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Long-polling batch polls (api.md §3: timeout ≤ 5000 ms, return early once a task is there). */
class LongPollTest extends ClientTestBase {

  @Test
  void parkedBatchPollIsAnsweredSoonAfterAWorkflowQueuesATask() throws Exception {
    String type = uniq("long_poll");
    String wf = uniq("long_poll_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "lp", Map.of())), null);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      long pollStart = System.nanoTime();
      CompletableFuture<List<Task>> parked = CompletableFuture.supplyAsync(
          () -> taskClient.batchPollTasksByTaskType(type, "long-poller", 1, 5_000), pool);
      // let the poll reach the server and park (nothing is queued yet)
      Await.holdsFor("the long poll stays parked while nothing is queued", Duration.ofMillis(400),
          parked::isDone, done -> !done);

      long queuedAt = System.nanoTime();
      String id = start(wf, map());
      List<Task> tasks = parked.get(6, TimeUnit.SECONDS);
      long answeredAt = System.nanoTime();

      long gapMs = TimeUnit.NANOSECONDS.toMillis(answeredAt - queuedAt);
      long parkedMs = TimeUnit.NANOSECONDS.toMillis(answeredAt - pollStart);
      log("long poll: parked " + parkedMs + " ms in total, answered " + gapMs + " ms after the start call began");
      assertEquals(1, tasks.size(), "the parked poll returns the newly queued task");
      assertEquals(id, tasks.get(0).getWorkflowInstanceId());
      assertEquals(Task.Status.IN_PROGRESS, tasks.get(0).getStatus());
      assertEquals("long-poller", tasks.get(0).getWorkerId());
      assertTrue(gapMs < 2_000, "task delivered " + gapMs + " ms after it was queued (expected well under the 5 s poll timeout)");

      complete(tasks.get(0), map());
      awaitStatus(id, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyLongPollReturnsAnEmptyListAfterItsTimeout() {
    String type = uniq("long_poll_empty");
    long t0 = System.nanoTime();
    List<Task> tasks = taskClient.batchPollTasksByTaskType(type, "long-poller", 2, 1_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    log("empty long poll (timeout 1000 ms) returned after " + ms + " ms");
    assertTrue(tasks.isEmpty());
    assertTrue(ms >= 800, "an empty long poll waits about its timeout, returned after " + ms + " ms");
    assertTrue(ms < 4_000, "an empty long poll must not hang: " + ms + " ms");
  }
}
