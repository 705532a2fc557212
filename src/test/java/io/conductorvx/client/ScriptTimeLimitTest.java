package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A runaway script is stopped by the configured limit while the server keeps serving. */
class ScriptTimeLimitTest extends ScriptTaskTestBase {
  /** Conductor's default; set explicitly to exercise the configuration key. */
  private static final long LIMIT_SECONDS = 4;

  @Override
  protected JsonObject serverSettings() {
    return new JsonObject().put("scriptMaxExecutionSeconds", LIMIT_SECONDS);
  }

  @Test
  void aScriptThatLoopsForeverIsStoppedByItsLimitAndTheServerStaysResponsive() {
    String forever = run(List.of(inline("spin", "var n = 0; while (true) { try { n++; } catch (e) {} }", null)), map());
    awaitWorkflow("the script to be running", forever, DONE,
        w -> !w.getTasks().isEmpty() && w.getTasks().get(0).getStatus() == Task.Status.IN_PROGRESS);

    // While it spins: API calls answer promptly and another script workflow runs to the end.
    long t0 = System.nanoTime();
    workflow(forever);
    metadataClient.getAllWorkflowsWithLatestVersions();
    long apiMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(apiMs < 1000, "API calls took " + apiMs + " ms while a script was spinning");
    String meanwhile = run(List.of(inline("quick", "$.a + 1", map("a", 1)),
        switchTask("route", "javascript", "$.x > 0 ? 'pos' : 'neg'", map("x", 5),
            Map.of("pos", List.of(system("NOOP", "pos_path", null))), List.of())), map());
    Workflow other = awaitStatus(meanwhile, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(List.of("quick", "route", "pos_path"), refs(other));

    Workflow w = awaitStatus(forever, Duration.ofSeconds(LIMIT_SECONDS + 10), Workflow.WorkflowStatus.FAILED);
    Task spin = task(w, "spin");
    assertEquals(Task.Status.FAILED, spin.getStatus());
    assertTrue(spin.getReasonForIncompletion().contains("timed out"), spin.getReasonForIncompletion());
    long ranMs = spin.getEndTime() - spin.getStartTime();
    assertTrue(ranMs >= LIMIT_SECONDS * 1000 && ranMs < LIMIT_SECONDS * 1000 + 3000, "ran " + ranMs + " ms");
    assertTrue(other.getEndTime() < spin.getEndTime(), "the other workflow finished while the loop still ran");

    String after = run(List.of(inline("after", "[1, 2, 3].reduce((a, b) => a + b, 0)", null)), map());
    Workflow done = awaitStatus(after, DONE, Workflow.WorkflowStatus.COMPLETED);
    assertEquals(map("result", 6), norm(task(done, "after").getOutputData()));
  }
}
