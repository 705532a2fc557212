package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.client.exception.ConductorClientException;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Many workflows, many workers, and operators terminating / pausing / resuming at the same time.
 * Every workflow must end in the state it must be in, no task may be handed out or completed
 * twice, and nothing may be left pending in a terminal workflow.
 */
class ConcurrencyRaceTest extends ClientTestBase {
  private static final int WORKFLOWS = 300;
  private static final int THREADS_PER_WORKER = 4; // 3 task types → 12 worker threads

  private enum Role { PLAIN, TERMINATE, PAUSE_RESUME }

  /** What the operator calls told us each workflow must end as. */
  private enum Expect { COMPLETED, TERMINATED }

  @Test
  void workflowsRacedByWorkersTerminateAndPauseResumeEndConsistently() throws Exception {
    String a = uniq("race_a");
    String b = uniq("race_b");
    String c = uniq("race_c");
    String wf = uniq("race_wf");
    registerWorkflow(wf, List.of(
        simpleTask(a, "a", map("i", expr("workflow.input.i"))),
        simpleTask(b, "b", map("i", expr("a.output.i"))),
        simpleTask(c, "c", map("i", expr("b.output.i")))), null);

    TestWorker aW = raceWorker(a, "a");
    TestWorker bW = raceWorker(b, "b");
    TestWorker cW = raceWorker(c, "c");
    runWorkers(RunnerOptions.defaults().threads(THREADS_PER_WORKER), aW, bW, cW);

    Map<String, Integer> indexOf = new ConcurrentHashMap<>();
    Map<String, Expect> expected = new ConcurrentHashMap<>();
    List<String> operatorErrors = new CopyOnWriteArrayList<>();
    AtomicInteger terminateConflicts = new AtomicInteger();
    AtomicInteger pauseConflicts = new AtomicInteger();
    List<Future<?>> chaos = new CopyOnWriteArrayList<>();

    ExecutorService starters = Executors.newFixedThreadPool(8);
    ScheduledExecutorService operators = Executors.newScheduledThreadPool(6);
    long t0 = System.currentTimeMillis();
    try {
      List<Future<?>> starts = new ArrayList<>();
      for (int i = 0; i < WORKFLOWS; i++) {
        final int index = i;
        final Role role = roleOf(i);
        starts.add(starters.submit(() -> {
          String id = workflowClient.startWorkflow(new com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest()
              .withName(wf).withVersion(1).withInput(new HashMap<>(map("i", index))));
          indexOf.put(id, index);
          expected.put(id, Expect.COMPLETED);
          // half act almost at once (running workflows), half later (often finished ones -> 409)
          long delay = index % 12 < 6 ? ThreadLocalRandom.current().nextLong(0, 50) : ThreadLocalRandom.current().nextLong(500, 3_000);
          if (role == Role.TERMINATE) {
            chaos.add(operators.schedule(() -> terminate(id, expected, terminateConflicts, operatorErrors), delay, TimeUnit.MILLISECONDS));
          } else if (role == Role.PAUSE_RESUME) {
            chaos.add(operators.schedule(() -> pauseThenResume(id, operators, chaos, pauseConflicts, operatorErrors),
                delay, TimeUnit.MILLISECONDS));
          }
        }));
      }
      for (Future<?> f : starts) {
        f.get(60, TimeUnit.SECONDS);
      }
      // pauseThenResume adds its resume future to `chaos` while we wait: drain until stable
      for (int done = 0; done < chaos.size(); done++) {
        chaos.get(done).get(60, TimeUnit.SECONDS);
      }
    } finally {
      starters.shutdownNow();
      operators.shutdown();
      assertTrue(operators.awaitTermination(30, TimeUnit.SECONDS), "operator actions finished");
    }
    assertEquals(WORKFLOWS, indexOf.size(), "every start returned an id");
    assertTrue(operatorErrors.isEmpty(), "operator API errors: " + operatorErrors);

    // everything must settle
    Map<String, Workflow> finals = awaitAllTerminal(indexOf.keySet(), Duration.ofSeconds(60));
    long elapsed = System.currentTimeMillis() - t0;

    List<String> problems = new ArrayList<>();
    Set<Task.Status> pending = EnumSet.of(Task.Status.SCHEDULED, Task.Status.IN_PROGRESS);
    for (Map.Entry<String, Workflow> e : finals.entrySet()) {
      String id = e.getKey();
      Workflow w = e.getValue();
      int i = indexOf.get(id);
      Expect want = expected.get(id);
      if (want == Expect.TERMINATED) {
        if (w.getStatus() != Workflow.WorkflowStatus.TERMINATED) {
          problems.add("terminate succeeded but status is " + w.getStatus() + ": " + Describe.workflow(w));
        }
        for (Task t : w.getTasks()) {
          if (t.getStatus() != Task.Status.COMPLETED && t.getStatus() != Task.Status.CANCELED) {
            problems.add("task of a terminated workflow is " + t.getStatus() + ": " + Describe.workflow(w));
            break;
          }
        }
      } else {
        if (w.getStatus() != Workflow.WorkflowStatus.COMPLETED) {
          problems.add("expected COMPLETED: " + Describe.workflow(w));
        } else {
          List<String> refs = w.getTasks().stream().map(Task::getReferenceTaskName).toList();
          if (!refs.equals(List.of("a", "b", "c"))
              || !w.getTasks().stream().allMatch(t -> t.getStatus() == Task.Status.COMPLETED)) {
            problems.add("completed workflow with unexpected tasks: " + Describe.workflow(w));
          }
          Object outI = w.getOutput().get("i");
          if (!(outI instanceof Number n && n.intValue() == i) || !"c".equals(w.getOutput().get("step"))) {
            problems.add("wrong output for i=" + i + ": " + Describe.workflow(w));
          }
        }
      }
      if (w.getTasks().stream().anyMatch(t -> pending.contains(t.getStatus()))) {
        problems.add("pending task left in terminal workflow: " + Describe.workflow(w));
      }
      Map<String, Long> completedPerRef = w.getTasks().stream().filter(t -> t.getStatus() == Task.Status.COMPLETED)
          .collect(Collectors.groupingBy(Task::getReferenceTaskName, Collectors.counting()));
      if (completedPerRef.values().stream().anyMatch(n -> n > 1)) {
        problems.add("a ref completed twice: " + Describe.workflow(w));
      }
    }

    Map<String, Integer> deliveredTwice = new HashMap<>();
    for (TestWorker worker : List.of(aW, bW, cW)) {
      worker.deliveriesPerTaskId().forEach((taskId, n) -> {
        if (n.get() > 1) {
          deliveredTwice.put(taskId, n.get());
        }
      });
    }
    List<String> updateErrors = new ArrayList<>();
    for (TestWorker worker : List.of(aW, bW, cW)) {
      updateErrors.addAll(worker.updateErrors());
    }

    Map<Role, List<Long>> durations = new java.util.EnumMap<>(Role.class);
    finals.forEach((id, w) -> durations.computeIfAbsent(roleOf(indexOf.get(id)), r -> new ArrayList<>())
        .add(w.getEndTime() - w.getStartTime()));
    durations.forEach((role, list) -> {
      List<Long> sorted = list.stream().sorted().toList();
      log("race: " + role + " start→end ms: p50=" + sorted.get(sorted.size() / 2) + " p90="
          + sorted.get(sorted.size() * 9 / 10) + " max=" + sorted.get(sorted.size() - 1));
    });
    long terminated = expected.values().stream().filter(x -> x == Expect.TERMINATED).count();
    log("race: " + WORKFLOWS + " workflows settled in " + elapsed + " ms; terminated " + terminated
        + ", terminate→409 " + terminateConflicts.get() + ", pause→409 " + pauseConflicts.get()
        + "; executions a/b/c = " + aW.executions().size() + "/" + bW.executions().size() + "/" + cW.executions().size());

    assertTrue(problems.isEmpty(), problems.size() + " inconsistent workflows, first ones:\n"
        + problems.stream().limit(15).collect(Collectors.joining("\n")));
    assertTrue(deliveredTwice.isEmpty(), "tasks handed to workers more than once: " + deliveredTwice);
    assertTrue(updateErrors.isEmpty(), "task updates the SDK could not deliver: " + updateErrors);
    assertTrue(terminated > 0, "at least some terminates hit running workflows");

    for (String type : List.of(a, b, c)) {
      Await.await("queue " + type + " empty", Duration.ofSeconds(5), () -> taskClient.getQueueSizeForTask(type) == 0);
    }
  }

  @Test
  void concurrentDuplicateCompletionsOfOneTaskScheduleItsSuccessorOnce() throws Exception {
    String a = uniq("dup_a");
    String b = uniq("dup_b");
    String wf = uniq("dup_wf");
    registerWorkflow(wf, List.of(simpleTask(a, "a", Map.of()), simpleTask(b, "b", map("from", expr("a.output.writer")))), null);
    int workflows = 40;
    int writers = 4;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < workflows; i++) {
      ids.add(start(wf, map("i", i)));
    }
    List<Task> polled = new ArrayList<>();
    while (polled.size() < workflows) {
      List<Task> batch = taskClient.batchPollTasksByTaskType(a, "dup-worker", workflows - polled.size(), 500);
      assertTrue(!batch.isEmpty() || polled.size() == workflows, "ran out of tasks after " + polled.size());
      polled.addAll(batch);
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers * 2);
    List<String> errors = new CopyOnWriteArrayList<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Task t : polled) {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int wr = 0; wr < writers; wr++) {
          final int writer = wr;
          futures.add(pool.submit(() -> {
            try {
              go.await();
              taskClient.updateTask(TestWorker.result(t, com.netflix.conductor.common.metadata.tasks.TaskResult.Status.COMPLETED,
                  null, map("writer", writer)));
            } catch (Exception e) {
              errors.add(t.getTaskId() + " writer " + writer + ": " + e);
            }
          }));
        }
        go.countDown();
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(errors.isEmpty(), "every duplicate update is accepted (200): " + errors);
    List<String> problems = new ArrayList<>();
    for (String id : ids) {
      Workflow w = awaitWorkflow("successor scheduled", id, Duration.ofSeconds(10), x -> x.getTasks().size() >= 2);
      List<Task> bs = attempts(w, "b");
      Task ta = w.getTaskByRefName("a");
      if (bs.size() != 1 || attempts(w, "a").size() != 1) {
        problems.add("successor scheduled " + bs.size() + " times: " + Describe.workflow(w));
      } else if (!java.util.Objects.equals(((Number) ta.getOutputData().get("writer")).intValue(),
          ((Number) bs.get(0).getInputData().get("from")).intValue())) {
        problems.add("b's input doesn't match a's stored output: " + Describe.workflow(w));
      }
    }
    assertTrue(problems.isEmpty(), problems.stream().limit(10).collect(Collectors.joining("\n")));
    Await.holdsFor("no late duplicate successor", Duration.ofMillis(500),
        () -> ids.stream().mapToInt(id -> attempts(workflow(id), "b").size()).max().orElse(0), n -> n == 1);
    assertEquals(workflows, taskClient.getQueueSizeForTask(b), "one queued successor per workflow");
    ids.forEach(id -> workflowClient.terminateWorkflow(id, "done"));
  }

  @Test
  void concurrentBatchPollsNeverHandOutATaskTwice() throws Exception {
    String type = uniq("contended");
    String wf = uniq("contended_wf");
    registerWorkflow(wf, List.of(simpleTask(type, "t", Map.of())), null);
    int total = 200;
    ExecutorService starters = Executors.newFixedThreadPool(4);
    List<Future<String>> started = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      started.add(starters.submit(() -> workflowClient.startWorkflow(
          new com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest().withName(wf).withVersion(1).withInput(new HashMap<>()))));
    }
    Set<String> ids = new java.util.HashSet<>();
    for (Future<String> f : started) {
      ids.add(f.get(30, TimeUnit.SECONDS));
    }
    starters.shutdown();

    Map<String, AtomicInteger> handedOut = new ConcurrentHashMap<>();
    AtomicInteger received = new AtomicInteger();
    ExecutorService pollers = Executors.newFixedThreadPool(8);
    List<Future<?>> loops = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (int p = 0; p < 8; p++) {
      final String worker = "poller-" + p;
      loops.add(pollers.submit(() -> {
        while (received.get() < total && System.nanoTime() < deadline) {
          for (Task t : taskClient.batchPollTasksByTaskType(type, worker, 7, 200)) {
            handedOut.computeIfAbsent(t.getTaskId(), k -> new AtomicInteger()).incrementAndGet();
            received.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : loops) {
      f.get(40, TimeUnit.SECONDS);
    }
    pollers.shutdownNow();
    Map<String, Integer> twice = handedOut.entrySet().stream().filter(e -> e.getValue().get() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    assertTrue(twice.isEmpty(), "tasks handed out more than once: " + twice);
    assertEquals(total, handedOut.size(), "every task handed out exactly once");
    assertEquals(0, taskClient.getQueueSizeForTask(type));
    ids.forEach(id -> workflowClient.terminateWorkflow(id, "done"));
  }

  private static Role roleOf(int i) {
    return i % 6 == 0 ? Role.TERMINATE : i % 6 == 3 ? Role.PAUSE_RESUME : Role.PLAIN;
  }

  private TestWorker raceWorker(String type, String step) {
    return TestWorker.of(type, task -> {
      Await.sleep(ThreadLocalRandom.current().nextInt(0, 6));
      return TestWorker.result(task, com.netflix.conductor.common.metadata.tasks.TaskResult.Status.COMPLETED, null,
          map("i", task.getInputData().get("i"), "step", step));
    });
  }

  private void terminate(String id, Map<String, Expect> expected, AtomicInteger conflicts, List<String> errors) {
    try {
      workflowClient.terminateWorkflow(id, "race");
      expected.put(id, Expect.TERMINATED);
    } catch (ConductorClientException e) {
      if (e.getStatus() == 409) {
        conflicts.incrementAndGet(); // already COMPLETED: must stay COMPLETED
      } else {
        errors.add("terminate " + id + " -> " + e.getStatus() + " " + e.getMessage());
      }
    } catch (RuntimeException e) {
      errors.add("terminate " + id + " -> " + e);
    }
  }

  private void pauseThenResume(String id, ScheduledExecutorService operators, List<Future<?>> chaos,
      AtomicInteger conflicts, List<String> errors) {
    try {
      workflowClient.pauseWorkflow(id);
    } catch (ConductorClientException e) {
      if (e.getStatus() == 409) {
        conflicts.incrementAndGet(); // already COMPLETED
      } else {
        errors.add("pause " + id + " -> " + e.getStatus() + " " + e.getMessage());
      }
      return;
    }
    chaos.add(operators.schedule(() -> {
      try {
        workflowClient.resumeWorkflow(id);
      } catch (RuntimeException e) {
        errors.add("resume " + id + " after a successful pause -> " + e);
      }
    }, ThreadLocalRandom.current().nextLong(0, 30), TimeUnit.MILLISECONDS));
  }

  private Map<String, Workflow> awaitAllTerminal(Set<String> ids, Duration timeout) {
    Map<String, Workflow> finals = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> open = new java.util.HashSet<>(ids);
    while (!open.isEmpty()) {
      for (String id : List.copyOf(open)) {
        Workflow w = workflow(id);
        if (w.getStatus().isTerminal()) {
          finals.put(id, w);
          open.remove(id);
        }
      }
      if (open.isEmpty()) {
        break;
      }
      if (System.nanoTime() > deadline) {
        String sample = open.stream().limit(5).map(this::workflow).map(Describe::workflow).collect(Collectors.joining("\n"));
        throw new AssertionError(open.size() + " workflows not terminal after " + timeout + ", e.g.:\n" + sample);
      }
      Await.sleep(200);
    }
    return finals;
  }
}
