package io.conductorvx.bench.jmh;

import io.conductorvx.engine.DeciderHarness;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The decider alone, in-process and on the benchmark thread: one op starts a workflow and plays
 * the worker until it is COMPLETED, each task completion being one update command and one
 * decision, exactly as the owner partition runs them. It calls the decider directly (through
 * {@link DeciderHarness}), not the WorkflowEngine: no Vert.x, event bus, store or queue is involved,
 * so this is the CPU cost of deciding alone (input resolution, scheduling, JOIN evaluation).
 *
 * <p>The primary score is workflows/s; the {@code decisions} secondary score is decisions/s
 * (sequential5: 1 start + 5 updates = 6 per workflow; forkJoin3x2: 1 start + 7 updates = 8).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeciderBenchmark {
  private final DeciderHarness harness = new DeciderHarness();
  private WorkflowDef sequential;
  private WorkflowDef forkJoin;

  /** Decisions made, reported by JMH as a rate next to the workflows/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Decisions {
    public long decisions;

    @Setup(Level.Iteration)
    public void reset() {
      decisions = 0;
    }
  }

  @Setup
  public void setup() {
    sequential = Workflows.sequential(5);
    forkJoin = Workflows.forkJoin(3, 2);
  }

  /** Five SIMPLE tasks in a row. */
  @Benchmark
  public Workflow sequential5(Decisions counter) {
    return run(sequential, counter);
  }

  /** FORK_JOIN with three branches of two SIMPLE tasks, JOIN, then one SIMPLE task. */
  @Benchmark
  public Workflow forkJoin3x2(Decisions counter) {
    return run(forkJoin, counter);
  }

  private Workflow run(WorkflowDef def, Decisions counter) {
    DeciderHarness.Run run = harness.start(Workflows.newExecution(def, Workflows.INPUT));
    counter.decisions += 1 + Workflows.completeAll(harness, run);
    return run.workflow();
  }
}
