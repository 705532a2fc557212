package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** concurrentExecLimit and rate limits enforced at poll time (semantics.md §10). */
class LimitsTest extends ClientTestBase {

  @Test
  void concurrentExecLimitCapsTasksInProgress() {
    String type = uniq("limited");
    registerTaskDef(type, d -> d.setConcurrentExecLimit(1));
    String wf = uniq("limited_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    String w1 = start(wf, map());
    String w2 = start(wf, map());

    List<Task> first = taskClient.batchPollTasksByTaskType(type, "lim-worker", 5, 500);
    assertEquals(1, first.size(), "only one task may be IN_PROGRESS: " + Describe.any(first));
    assertTrue(taskClient.batchPollTasksByTaskType(type, "lim-worker", 5, 500).isEmpty(),
        "nothing more while the first is IN_PROGRESS");
    complete(first.get(0), map());

    Task second = awaitPoll(type, "lim-worker", null, Duration.ofSeconds(5));
    assertNotEquals(first.get(0).getWorkflowInstanceId(), second.getWorkflowInstanceId());
    complete(second, map());
    awaitStatus(w1, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
    awaitStatus(w2, Duration.ofSeconds(5), Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void rateLimitHandsOutAtMostNTasksPerWindow() {
    String type = uniq("rate_limited");
    registerTaskDef(type, d -> {
      d.setRateLimitPerFrequency(1);
      d.setRateLimitFrequencyInSeconds(2);
    });
    String wf = uniq("rate_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    start(wf, map());
    start(wf, map());

    List<Task> first = taskClient.batchPollTasksByTaskType(type, "rate-worker", 5, 500);
    long firstAt = System.currentTimeMillis();
    assertEquals(1, first.size(), "one task per 2 s window: " + Describe.any(first));
    complete(first.get(0), map()); // finishing does not free the window: it limits starts
    assertTrue(taskClient.batchPollTasksByTaskType(type, "rate-worker", 5, 200).isEmpty(), "window still full");

    Task second = awaitPoll(type, "rate-worker", null, Duration.ofSeconds(6));
    long gap = System.currentTimeMillis() - firstAt;
    log("rate limit 1/2s: second task handed out " + gap + " ms after the first");
    assertTrue(gap >= 1_800, "second task handed out inside the same 2 s window: " + gap + " ms");
    complete(second, map());
  }
}
