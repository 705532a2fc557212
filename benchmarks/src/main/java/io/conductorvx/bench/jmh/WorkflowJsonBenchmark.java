package io.conductorvx.bench.jmh;

import io.conductorvx.engine.DeciderHarness;
import io.conductorvx.model.Json;
import io.conductorvx.model.Workflow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The server's JSON mapping ({@link Json}) of a finished 50-task workflow, both ways. The workflow
 * is produced by the real decider (every task with its resolved input, output and definition node),
 * so the document has the shape and size the server actually stores and serves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WorkflowJsonBenchmark {
  private static final int TASKS = 50;

  private Workflow workflow;
  private byte[] bytes;

  @Setup
  public void setup() {
    DeciderHarness harness = new DeciderHarness();
    DeciderHarness.Run run = harness.start(Workflows.newExecution(Workflows.sequential(TASKS), Workflows.INPUT));
    Workflows.completeAll(harness, run);
    workflow = run.workflow();
    bytes = Json.toBytes(workflow);
    int parsedTasks = Json.fromBytes(bytes, Workflow.class).tasks.size();
    if (parsedTasks != TASKS) {
      throw new IllegalStateException("round trip lost tasks: " + parsedTasks + " of " + TASKS);
    }
    System.out.println("# workflow with " + TASKS + " tasks: " + bytes.length + " bytes of JSON");
  }

  @Benchmark
  public byte[] serialize() {
    return Json.toBytes(workflow);
  }

  @Benchmark
  public Workflow parse() {
    return Json.fromBytes(bytes, Workflow.class);
  }
}
