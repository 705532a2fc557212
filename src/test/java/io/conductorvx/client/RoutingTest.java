package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.PollData;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Task domains and workflow priority (semantics.md §12). */
class RoutingTest extends ClientTestBase {
  private static final Duration DONE = Duration.ofSeconds(10);

  @Test
  void taskToDomainRoutesTheTaskToWorkersPollingThatDomainOnly() {
    String x = uniq("routed");
    String y = uniq("unrouted");
    String wf = uniq("domain_wf");
    registerWorkflow(wf, List.of(simpleTask(x, "x", Map.of()), simpleTask(y, "y", Map.of())), null);

    TestWorker plainX = new TestWorker(x, "plain-x", 20, t -> TestWorker.result(t,
        com.netflix.conductor.common.metadata.tasks.TaskResult.Status.COMPLETED, null, Map.of("by", "plain")));
    TestWorker blueX = new TestWorker(x, "blue-x", 20, t -> TestWorker.result(t,
        com.netflix.conductor.common.metadata.tasks.TaskResult.Status.COMPLETED, null, Map.of("by", "blue")));
    TestWorker yW = TestWorker.completing(y, t -> map("by", "y"));
    runWorkers(plainX, yW);
    runWorkers(RunnerOptions.defaults().domains(Map.of(x, "blue")), blueX);

    String id = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map())
        .withTaskToDomain(Map.of(x, "blue")));
    Workflow w = awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);

    Task tx = w.getTaskByRefName("x");
    assertEquals("blue", tx.getDomain(), Describe.task(tx));
    assertEquals("blue-x", tx.getWorkerId());
    assertEquals("blue", tx.getOutputData().get("by"));
    assertEquals(0, plainX.executions().size(), "the domain-less worker must not get a domain task");
    assertEquals(1, blueX.executions().size());
    assertEquals("blue", blueX.executions().get(0).domain());
    Task ty = w.getTaskByRefName("y");
    assertNull(ty.getDomain(), "tasks without a mapping stay domain-less: " + Describe.task(ty));
    assertEquals(Map.of(x, "blue"), w.getTaskToDomain());

    List<PollData> pollData = taskClient.getPollData(x);
    assertTrue(pollData.stream().anyMatch(p -> "blue".equals(p.getDomain()) && "blue-x".equals(p.getWorkerId())),
        "poll data per (type, domain): " + pollData);
    assertTrue(pollData.stream().anyMatch(p -> p.getDomain() == null && "plain-x".equals(p.getWorkerId())),
        "poll data of the domain-less worker: " + pollData);
  }

  @Test
  void wildcardDomainAppliesToAllWorkerTasksAndOnlyThatDomainSeesThem() {
    String z = uniq("star");
    String wf = uniq("star_wf");
    registerWorkflow(wf, List.of(simpleTask(z, "z", Map.of())), null);
    String id = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map())
        .withTaskToDomain(Map.of("*", "green")));
    Workflow w = awaitWorkflow("task scheduled", id, DONE, x -> x.getTasks().size() == 1);
    assertEquals("green", w.getTasks().get(0).getDomain());
    assertNull(taskClient.pollTask(z, "no-domain", null), "a domain-less poll must not see a domain task");
    assertTrue(taskClient.batchPollTasksInDomain(z, "other", "w", 5, 100).isEmpty(), "another domain sees nothing");
    Task t = awaitPoll(z, "green-worker", "green", DONE);
    assertEquals(id, t.getWorkflowInstanceId());
    assertEquals("green", t.getDomain());
    complete(t, map());
    awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
  }

  @Test
  void domainListPicksTheFirstDomainWithAnActiveWorkerElseTheLast() {
    String q = uniq("listed");
    String wf = uniq("list_wf");
    registerWorkflow(wf, List.of(simpleTask(q, "q", Map.of())), null);
    // a worker polls domain dB (nothing there yet): dB is now "active"
    assertTrue(taskClient.batchPollTasksInDomain(q, "dB", "worker-b", 1, 100).isEmpty());

    String active = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map())
        .withTaskToDomain(Map.of(q, "dA,dB,dC")));
    String inactive = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map())
        .withTaskToDomain(Map.of(q, "dX,dY")));
    assertEquals("dB", awaitWorkflow("scheduled", active, DONE, x -> x.getTasks().size() == 1).getTasks().get(0).getDomain(),
        "first domain with an active worker");
    assertEquals("dY", awaitWorkflow("scheduled", inactive, DONE, x -> x.getTasks().size() == 1).getTasks().get(0).getDomain(),
        "no active worker: the last domain of the list");
    workflowClient.terminateWorkflow(active, "done");
    workflowClient.terminateWorkflow(inactive, "done");
  }

  @Test
  void higherPriorityWorkflowsTaskIsPolledFirst() {
    String p = uniq("prio");
    String wf = uniq("prio_wf");
    registerWorkflow(wf, List.of(simpleTask(p, "p", Map.of())), null);
    String low = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map()).withPriority(0));
    String high = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map()).withPriority(99));
    String mid = start(new StartWorkflowRequest().withName(wf).withVersion(1).withInput(map()).withPriority(50));
    assertEquals(99, workflow(high).getPriority());

    Task first = awaitPoll(p, "prio-worker", null, DONE);
    Task second = awaitPoll(p, "prio-worker", null, DONE);
    Task third = awaitPoll(p, "prio-worker", null, DONE);
    assertEquals(List.of(high, mid, low), List.of(first.getWorkflowInstanceId(), second.getWorkflowInstanceId(),
        third.getWorkflowInstanceId()), "dequeued by priority, highest first");
    assertEquals(99, first.getWorkflowPriority());
    assertEquals(50, second.getWorkflowPriority());
    assertEquals(0, third.getWorkflowPriority());
    for (Task t : List.of(first, second, third)) {
      complete(t, map());
    }
    for (String id : List.of(low, high, mid)) {
      awaitStatus(id, DONE, Workflow.WorkflowStatus.COMPLETED);
    }
  }

  @Test
  void equalPriorityTasksAreDeliveredOldestFirst() {
    String f = uniq("fifo");
    String wf = uniq("fifo_wf");
    registerWorkflow(wf, List.of(simpleTask(f, "f", Map.of())), null);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(start(wf, map("i", i)));
    }
    List<String> order = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Task t = awaitPoll(f, "fifo-worker", null, DONE);
      order.add(t.getWorkflowInstanceId());
      complete(t, map());
    }
    assertEquals(ids, order, "FIFO among equal priority");
    assertTrue(ids.stream().map(this::workflow).map(Workflow::getStatus).allMatch(s -> Objects.equals(s, Workflow.WorkflowStatus.COMPLETED)
        || s == Workflow.WorkflowStatus.RUNNING));
  }
}
