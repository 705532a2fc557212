package io.conductorvx.client;

import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link Worker} for tests: a function from the polled task to its result, a short polling
 * interval (the SDK default is 1000 ms), a fixed identity (the SDK default is the host name) and
 * a record of every task it was handed.
 */
public class TestWorker implements Worker {
  /** One execution as seen by the worker. */
  public record Execution(String taskId, String workflowId, String ref, int retryCount, int pollCount,
      Map<String, Object> input, String domain, long receivedAtMs) {}

  private final String taskDefName;
  private final String identity;
  private final int pollingIntervalMs;
  private final Function<Task, TaskResult> body;
  private final List<Execution> executions = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> perTaskId = new ConcurrentHashMap<>();
  private final List<String> updateErrors = new CopyOnWriteArrayList<>();

  public TestWorker(String taskDefName, String identity, int pollingIntervalMs, Function<Task, TaskResult> body) {
    this.taskDefName = taskDefName;
    this.identity = identity;
    this.pollingIntervalMs = pollingIntervalMs;
    this.body = body;
  }

  /** Completes every task with the output computed by {@code output}. */
  public static TestWorker completing(String taskDefName, Function<Task, Map<String, Object>> output) {
    return new TestWorker(taskDefName, "w-" + taskDefName, 20, task -> {
      TaskResult r = new TaskResult(task);
      r.setStatus(TaskResult.Status.COMPLETED);
      r.setOutputData(new java.util.HashMap<>(output.apply(task)));
      return r;
    });
  }

  public static TestWorker of(String taskDefName, Function<Task, TaskResult> body) {
    return new TestWorker(taskDefName, "w-" + taskDefName, 20, body);
  }

  @Override
  public String getTaskDefName() {
    return taskDefName;
  }

  @Override
  public TaskResult execute(Task task) {
    executions.add(new Execution(task.getTaskId(), task.getWorkflowInstanceId(), task.getReferenceTaskName(),
        task.getRetryCount(), task.getPollCount(), task.getInputData(), task.getDomain(), System.currentTimeMillis()));
    perTaskId.computeIfAbsent(task.getTaskId(), k -> new AtomicInteger()).incrementAndGet();
    return body.apply(task);
  }

  /** Called by the SDK's TaskRunner when it finally gave up updating the task (after its retries). */
  @Override
  public void onErrorUpdate(Task task) {
    updateErrors.add(task.getTaskId() + " (" + task.getReferenceTaskName() + " of " + task.getWorkflowInstanceId() + ")");
  }

  /** Tasks whose result the SDK could not deliver to the server. */
  public List<String> updateErrors() {
    return updateErrors;
  }

  @Override
  public String getIdentity() {
    return identity;
  }

  @Override
  public int getPollingInterval() {
    return pollingIntervalMs;
  }

  public List<Execution> executions() {
    return executions;
  }

  /** How many times each task id was handed to this worker. */
  public Map<String, AtomicInteger> deliveriesPerTaskId() {
    return perTaskId;
  }

  /** A result for {@code task} with the given status, reason and output. */
  public static TaskResult result(Task task, TaskResult.Status status, String reason, Map<String, Object> output) {
    TaskResult r = new TaskResult(task);
    r.setStatus(status);
    r.setReasonForIncompletion(reason);
    if (output != null) {
      r.setOutputData(new java.util.HashMap<>(output));
    }
    return r;
  }
}
