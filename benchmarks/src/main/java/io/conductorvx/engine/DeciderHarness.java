package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskResult;
import io.conductorvx.model.Workflow;
import io.conductorvx.queue.ActiveWorkers;
import io.conductorvx.tasks.TaskTypes;
import java.util.Map;

/**
 * Benchmark-only door into the engine's package-private decider: runs the start and task-update
 * commands exactly as a {@link DeciderVerticle} partition does ({@link WorkflowOperations} over a
 * {@link Decision}), without what follows a decision: no store save, no queue pushes, no events,
 * no Vert.x. It lives in the engine's package (in the benchmarks module) because {@code Decider},
 * {@code Decision} and {@code LiveWorkflow} are not public; it changes nothing in the server.
 */
public final class DeciderHarness {
  private final Decider decider;
  private final WorkflowOperations operations;

  /** Same wiring and defaults as {@link WorkflowEngine} (30 s recheck, 10 s active-worker window). */
  public DeciderHarness() {
    this.decider = new Decider(new TaskTypes(), new TaskDefCache(), new ParameterResolver(), new ActiveWorkers(), 30, 10);
    this.operations = new WorkflowOperations(decider);
  }

  /** A workflow held in memory between commands, as its owner partition holds it. */
  public static final class Run {
    private final LiveWorkflow live;

    private Run(LiveWorkflow live) {
      this.live = live;
    }

    public Workflow workflow() {
      return live.workflow;
    }
  }

  /** A new RUNNING execution of {@code def}, built as the engine builds one for a start request. */
  public static Workflow newExecution(io.conductorvx.model.WorkflowDef def, Map<String, Object> input) {
    io.conductorvx.model.StartWorkflowRequest request = new io.conductorvx.model.StartWorkflowRequest();
    request.input = new java.util.LinkedHashMap<>(input);
    request.correlationId = "bench";
    return WorkflowEngine.newExecution(def, request, 0, null, null, null);
  }

  /** The Start command: indexes the new execution and decides it once. */
  public Run start(Workflow workflow) {
    LiveWorkflow live = new LiveWorkflow(workflow);
    operations.start(new Decision(live, System.currentTimeMillis(), decider));
    return new Run(live);
  }

  /** The UpdateTask command with a COMPLETED result: records the outcome, then decides. */
  public void complete(Run run, Task task, Map<String, Object> output) {
    TaskResult result = new TaskResult();
    result.workflowInstanceId = task.workflowInstanceId;
    result.taskId = task.taskId;
    result.status = TaskResult.Status.COMPLETED;
    result.workerId = "bench-worker";
    result.outputData = output;
    operations.updateTask(new Decision(run.live, System.currentTimeMillis(), decider), result);
  }
}
