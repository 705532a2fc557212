package io.conductorvx.bench.jmh;

import io.conductorvx.engine.DeciderHarness;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.store.memory.MemoryExecutionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the memory store pays to keep a finished 5-task workflow packed: {@code pack} deflates
 * workflows as the store's packing worker does (per workflow: the time one takes off the event
 * loops), {@code readPacked} reads one back with its tasks (unpack and parse, as an API GET does),
 * {@code readUnpacked} the same before packing. The workflows come from the real decider.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PackingBenchmark {
  private static final int BATCH = 1000;

  private final List<Workflow> finished = new ArrayList<>();
  private MemoryExecutionStore store;
  private MemoryExecutionStore packed;
  private MemoryExecutionStore unpacked;
  private int next;

  @Setup
  public void finishedWorkflows() {
    DeciderHarness harness = new DeciderHarness();
    for (int i = 0; i < BATCH; i++) {
      DeciderHarness.Run run = harness.start(Workflows.newExecution(Workflows.sequential(5), Workflows.INPUT));
      Workflows.completeAll(harness, run);
      finished.add(run.workflow());
    }
    packed = filled(true);
    packed.packFinished();
    unpacked = filled(false);
    Workflow original = unpacked.getWorkflow(finished.get(0).workflowId, true).result();
    Workflow read = packed.getWorkflow(finished.get(0).workflowId, true).result();
    if (!Json.tree(original).equals(Json.tree(read))) {
      throw new IllegalStateException("a packed workflow read back differs");
    }
  }

  private MemoryExecutionStore filled(boolean packing) {
    MemoryExecutionStore s = new MemoryExecutionStore(null, packing);
    for (Workflow wf : finished) {
      s.save(wf, wf.tasks, List.of());
    }
    return s;
  }

  /** A fresh store holding the batch unpacked, saved under new ids (not measured). */
  @Setup(Level.Invocation)
  public void unpackedBatch() {
    store = new MemoryExecutionStore(null, true);
    for (Workflow wf : finished) {
      Workflow copy = Json.fromBytes(Json.toBytes(wf), Workflow.class);
      copy.workflowId = UUID.randomUUID().toString();
      for (Task t : copy.tasks) {
        t.taskId = UUID.randomUUID().toString();
      }
      store.save(copy, copy.tasks, List.of());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int pack() {
    return store.packFinished();
  }

  @Benchmark
  public Workflow readPacked() {
    next = (next + 1) % BATCH;
    return packed.getWorkflow(finished.get(next).workflowId, true).result();
  }

  @Benchmark
  public Workflow readUnpacked() {
    next = (next + 1) % BATCH;
    return unpacked.getWorkflow(finished.get(next).workflowId, true).result();
  }
}
