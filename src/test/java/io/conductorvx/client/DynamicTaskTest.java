package io.conductorvx.client;

import static io.conductorvx.client.ForkJoinTest.echo;
import static io.conductorvx.client.ForkJoinTest.refs;
import static io.conductorvx.client.ForkJoinTest.task;
import static io.conductorvx.client.SimpleWorkflowTest.normalizeNumbers;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DYNAMIC: the worker task to run is named by an input parameter. */
class DynamicTaskTest extends ClientTestBase {
  static final Duration DONE = Duration.ofSeconds(10);

  static WorkflowTask dynamic(String ref) {
    WorkflowTask t = new WorkflowTask();
    t.setName("dynamic_" + ref);
    t.setTaskReferenceName(ref);
    t.setType("DYNAMIC");
    t.setDynamicTaskNameParam("taskToExecute");
    t.setInputParameters(map("taskToExecute", expr("workflow.input.which"), "payload", expr("workflow.input.payload")));
    return t;
  }

  @Test
  void dynamicTaskRunsTheWorkerTaskNamedByItsInput() {
    String a = uniq("dyn_task_a");
    String b = uniq("dyn_task_b");
    String after = uniq("dyn_task_after");
    registerTaskDef(a, null);
    registerTaskDef(b, null);
    registerTaskDef(after, null);
    String wf = uniq("dynamic_wf");
    registerWorkflow(wf, List.of(dynamic("pick"), simpleTask(after, "after", map("prev", expr("pick.output.ref")))), null);
    TestWorker workerA = echo(a);
    TestWorker workerB = echo(b);
    runWorkers(workerA, workerB, echo(after));

    Workflow w = awaitStatus(start(wf, map("which", b, "payload", 42)), DONE, Workflow.WorkflowStatus.COMPLETED);

    assertEquals(List.of("pick", "after"), refs(w));
    Task picked = task(w, "pick");
    assertEquals(b, picked.getTaskType(), "taskType = the named task");
    assertEquals(b, picked.getTaskDefName());
    assertEquals(Task.Status.COMPLETED, picked.getStatus());
    assertEquals(map("taskToExecute", b, "payload", 42), normalizeNumbers(picked.getInputData()));
    assertEquals(map("prev", "pick"), task(w, "after").getInputData());
    assertEquals(0, workerA.executions().size(), "only the named task runs");
    assertEquals(1, workerB.executions().size());
  }

  @Test
  void dynamicTaskWithAnUnregisteredNameRunsWithDefaultSettings() {
    String unregistered = uniq("dyn_task_unregistered");
    String wf = uniq("dynamic_unregistered_wf");
    registerWorkflow(wf, List.of(dynamic("pick")), null);
    runWorkers(echo(unregistered));

    Workflow w = awaitStatus(start(wf, map("which", unregistered, "payload", "p")), DONE, Workflow.WorkflowStatus.COMPLETED);

    Task picked = task(w, "pick");
    assertEquals(unregistered, picked.getTaskType());
    assertEquals(3, picked.getWorkflowTask().getTaskDefinition().getRetryCount(), "Conductor's defaults for an unregistered task");
  }

  @Test
  void missingTaskNameFailsTheWorkflowWithAClearReason() {
    String wf = uniq("dynamic_missing_wf");
    registerWorkflow(wf, List.of(dynamic("pick")), null);

    Workflow w = awaitStatus(start(wf, map("payload", 1)), DONE, Workflow.WorkflowStatus.FAILED);

    assertEquals("Dynamic task pick: input parameter 'taskToExecute' (dynamicTaskNameParam) must name the task to run,"
        + " but it is missing or empty", w.getReasonForIncompletion());
    Task t = task(w, "pick");
    assertEquals("DYNAMIC", t.getTaskType());
    assertEquals(Task.Status.FAILED, t.getStatus());
  }
}
