package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.events.taskrunner.PollFailure;
import com.netflix.conductor.client.events.taskrunner.PollStarted;
import com.netflix.conductor.client.exception.ConductorClientException;
import com.netflix.conductor.client.http.ConductorClientRequest;
import com.netflix.conductor.client.http.ConductorClientResponse;
import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Base class of the client integration tests: one server per test class (started in
 * {@link #startServer()}, stopped after the last test), the three official clients, worker
 * runners that are shut down after every test, and small builders for definitions.
 *
 * <p>Every test uses its own unique task and workflow names, so tests of one class never see
 * each other's queues.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClientTestBase {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  static {
    // the SDK logs every poller start at INFO through JUL; keep the test output readable
    java.util.logging.Logger.getLogger("com.netflix.conductor").setLevel(java.util.logging.Level.WARNING);
  }

  protected TestServer server;
  protected MetadataClient metadataClient;
  protected WorkflowClient workflowClient;
  protected TaskClient taskClient;

  private final List<TaskRunnerConfigurer> runners = new CopyOnWriteArrayList<>();
  /** Poll failures reported by the SDK's TaskRunner (e.g. a 4xx/5xx or an undecodable body). */
  protected final List<String> pollFailures = new CopyOnWriteArrayList<>();

  /** Per-class server settings on top of {@link TestServer#fastSettings()}. */
  protected JsonObject serverSettings() {
    return new JsonObject();
  }

  @BeforeAll
  void startServer() {
    long t0 = System.nanoTime();
    server = TestServer.start(serverSettings());
    log(getClass().getSimpleName() + ": server started on port " + server.port() + " in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    metadataClient = server.metadataClient();
    workflowClient = server.workflowClient();
    taskClient = server.taskClient();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopWorkers(TestInfo info) {
    for (TaskRunnerConfigurer r : runners) {
      try {
        long t0 = System.nanoTime();
        r.shutdown();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (ms > 500) {
          log("[" + info.getDisplayName() + "] TaskRunnerConfigurer.shutdown took " + ms + " ms");
        }
      } catch (RuntimeException e) {
        System.err.println("[" + info.getDisplayName() + "] worker shutdown failed: " + e);
      }
    }
    runners.clear();
    if (!pollFailures.isEmpty()) {
      System.err.println("[" + info.getDisplayName() + "] TaskRunner poll failures: " + pollFailures);
      pollFailures.clear();
    }
  }

  // ---------------------------------------------------------------- names & definitions

  /** A name no other test uses. */
  protected static String uniq(String prefix) {
    return prefix + "_" + COUNTER.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** A task definition with short, test-friendly settings (no retries, small timeouts). */
  protected static TaskDef taskDef(String name, Consumer<TaskDef> customizer) {
    TaskDef def = new TaskDef(name);
    def.setDescription("test task " + name);
    def.setRetryCount(0);
    def.setRetryDelaySeconds(0);
    def.setRetryLogic(TaskDef.RetryLogic.FIXED);
    def.setTimeoutSeconds(0);
    def.setResponseTimeoutSeconds(60);
    def.setTimeoutPolicy(TaskDef.TimeoutPolicy.TIME_OUT_WF);
    def.setOwnerEmail("tests@conductor-vx.io");
    if (customizer != null) {
      customizer.accept(def);
    }
    return def;
  }

  protected TaskDef registerTaskDef(String name, Consumer<TaskDef> customizer) {
    TaskDef def = taskDef(name, customizer);
    metadataClient.registerTaskDefs(List.of(def));
    return def;
  }

  protected static WorkflowTask simpleTask(String name, String ref, Map<String, Object> inputParameters) {
    WorkflowTask t = new WorkflowTask();
    t.setName(name);
    t.setTaskReferenceName(ref);
    t.setType("SIMPLE");
    t.setInputParameters(inputParameters == null ? new HashMap<>() : new LinkedHashMap<>(inputParameters));
    return t;
  }

  protected static WorkflowDef workflowDef(String name, int version, List<WorkflowTask> tasks) {
    WorkflowDef def = new WorkflowDef();
    def.setName(name);
    def.setVersion(version);
    def.setDescription("test workflow " + name);
    def.setSchemaVersion(2);
    def.setOwnerEmail("tests@conductor-vx.io");
    def.setTasks(new ArrayList<>(tasks));
    return def;
  }

  protected WorkflowDef registerWorkflow(String name, List<WorkflowTask> tasks, Consumer<WorkflowDef> customizer) {
    WorkflowDef def = workflowDef(name, 1, tasks);
    if (customizer != null) {
      customizer.accept(def);
    }
    metadataClient.registerWorkflowDef(def);
    return def;
  }

  /**
   * Registers through the client, expecting a 400 whose validationErrors include one at
   * {@code path} whose message contains {@code messagePart}.
   */
  protected ConductorClientException expectInvalid(WorkflowDef def, String path, String messagePart) {
    ConductorClientException e = expectStatus(400, () -> metadataClient.registerWorkflowDef(def));
    assertValidationError(e, path, messagePart);
    return e;
  }

  /** The 400's validationErrors include one at {@code path} whose message contains {@code messagePart}. */
  protected static void assertValidationError(ConductorClientException e, String path, String messagePart) {
    org.junit.jupiter.api.Assertions.assertNotNull(e.getValidationErrors(), () -> "no validationErrors: " + e.getResponseBody());
    boolean found = e.getValidationErrors().stream()
        .anyMatch(v -> path.equals(v.getPath()) && v.getMessage() != null && v.getMessage().contains(messagePart));
    org.junit.jupiter.api.Assertions.assertTrue(found, () -> "expected a validation error at " + path + " containing '"
        + messagePart + "', got " + e.getValidationErrors());
  }

  /** Stores the definition past validation, as one registered before today's rules (see {@link TestServer#storeWithoutValidation}). */
  protected WorkflowDef storeWithoutValidation(String name, List<WorkflowTask> tasks) {
    WorkflowDef def = workflowDef(name, 1, tasks);
    server.storeWithoutValidation(def);
    return def;
  }

  /** {@code ${...}} without Java escaping noise. */
  protected static String expr(String path) {
    return "${" + path + "}";
  }

  @SafeVarargs
  protected static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  // ---------------------------------------------------------------- executions

  protected String start(String workflowName, Map<String, Object> input) {
    return start(new StartWorkflowRequest().withName(workflowName).withVersion(1).withInput(new HashMap<>(input)));
  }

  protected String start(StartWorkflowRequest request) {
    String id = workflowClient.startWorkflow(request);
    assertIsBareId(id);
    return id;
  }

  /** Start responses are text/plain ids: no JSON quotes, no whitespace. */
  protected static void assertIsBareId(String id) {
    org.junit.jupiter.api.Assertions.assertNotNull(id, "start returned no id");
    org.junit.jupiter.api.Assertions.assertFalse(id.isBlank(), "start returned a blank id");
    org.junit.jupiter.api.Assertions.assertFalse(id.startsWith("\"") || id.endsWith("\""),
        "id must be text/plain without JSON quotes: " + id);
    org.junit.jupiter.api.Assertions.assertEquals(id.strip(), id, "id has surrounding whitespace: '" + id + "'");
  }

  protected Workflow workflow(String id) {
    return workflowClient.getWorkflow(id, true);
  }

  protected Workflow awaitStatus(String workflowId, Duration timeout, Workflow.WorkflowStatus... accepted) {
    Set<Workflow.WorkflowStatus> ok = Set.of(accepted);
    return Await.await("workflow " + workflowId + " in " + ok, timeout, () -> workflow(workflowId),
        w -> ok.contains(w.getStatus()));
  }

  protected Workflow awaitWorkflow(String what, String workflowId, Duration timeout,
      java.util.function.Predicate<Workflow> condition) {
    return Await.await(what + " (workflow " + workflowId + ")", timeout, () -> workflow(workflowId), condition);
  }

  /** All attempts of one reference name, in seq order. */
  protected static List<Task> attempts(Workflow w, String ref) {
    return w.getTasks().stream().filter(t -> ref.equals(t.getReferenceTaskName()))
        .sorted(java.util.Comparator.comparingInt(Task::getSeq)).toList();
  }

  /** Polls {@code taskType} (single-task poll) until a task comes back. */
  protected Task awaitPoll(String taskType, String workerId, String domain, Duration timeout) {
    return Await.await("a " + taskType + " task to poll" + (domain != null ? " in domain " + domain : ""),
        timeout, () -> taskClient.pollTask(taskType, workerId, domain), t -> t != null);
  }

  protected void complete(Task task, Map<String, Object> output) {
    taskClient.updateTask(TestWorker.result(task, TaskResult.Status.COMPLETED, null, output));
  }

  protected void fail(Task task, String reason) {
    taskClient.updateTask(TestWorker.result(task, TaskResult.Status.FAILED, reason, Map.of()));
  }

  // ---------------------------------------------------------------- workers

  /** Options for {@link #runWorkers}. */
  public static final class RunnerOptions {
    int threadsPerWorker = 2;
    int pollTimeoutMs = 100;
    Map<String, String> taskToDomain = Map.of();
    boolean updateV2 = false;

    public static RunnerOptions defaults() {
      return new RunnerOptions();
    }

    public RunnerOptions threads(int n) {
      this.threadsPerWorker = n;
      return this;
    }

    public RunnerOptions pollTimeoutMs(int ms) {
      this.pollTimeoutMs = ms;
      return this;
    }

    public RunnerOptions domains(Map<String, String> taskToDomain) {
      this.taskToDomain = taskToDomain;
      return this;
    }

    /** Makes the SDK's TaskRunner use POST /tasks/update-v2 (system property taskUpdateV2). */
    public RunnerOptions updateV2(boolean v) {
      this.updateV2 = v;
      return this;
    }
  }

  protected TaskRunnerConfigurer runWorkers(Worker... workers) {
    return runWorkers(RunnerOptions.defaults(), workers);
  }

  /**
   * Starts the SDK's {@link TaskRunnerConfigurer} for the workers; it is shut down after the test.
   * Returns once every worker has issued its first poll.
   */
  protected TaskRunnerConfigurer runWorkers(RunnerOptions options, Worker... workers) {
    CountDownLatch firstPolls = new CountDownLatch(workers.length);
    Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    TaskRunnerConfigurer configurer = new TaskRunnerConfigurer.Builder(taskClient, Arrays.asList(workers))
        .withThreadCount(options.threadsPerWorker)
        .withTaskPollTimeout(options.pollTimeoutMs)
        .withTaskToDomain(new HashMap<>(options.taskToDomain))
        .withShutdownGracePeriodSeconds(1)
        .withUpdateRetryCount(3)
        .withSleepWhenRetry(100)
        .withListener(PollStarted.class, e -> {
          if (seen.add(e.getTaskType())) {
            firstPolls.countDown();
          }
        })
        .withListener(PollFailure.class, e -> pollFailures.add(e.toString()))
        .build();
    runners.add(configurer);
    // TaskRunner reads the taskUpdateV2 property in its constructor, which runs on the
    // configurer's own threads after init(): keep the property until every runner has polled.
    synchronized (ClientTestBase.class) {
      if (options.updateV2) {
        System.setProperty("taskUpdateV2", "true");
      }
      try {
        long t0 = System.nanoTime();
        configurer.init();
        if (!firstPolls.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("workers did not start polling within 10 s");
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (ms > 500) {
          log("workers took " + ms + " ms to issue their first polls");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        if (options.updateV2) {
          System.clearProperty("taskUpdateV2");
        }
      }
    }
    return configurer;
  }

  protected void stopWorkers(TaskRunnerConfigurer configurer) {
    configurer.shutdown();
    runners.remove(configurer);
  }

  // ---------------------------------------------------------------- raw calls & errors

  /** A call through the client's own HTTP layer, for endpoints its typed clients don't cover. */
  protected <T> ConductorClientResponse<T> call(ConductorClientRequest request, TypeReference<T> type) {
    return server.conductorClient().execute(request, type);
  }

  protected static ConductorClientRequest.Builder request(ConductorClientRequest.Method method, String path) {
    return ConductorClientRequest.builder().method(method).path(path);
  }

  /** Runs {@code call}, expecting the server to answer with HTTP {@code status}. */
  protected ConductorClientException expectStatus(int status, Executable call) {
    ConductorClientException e = assertThrows(ConductorClientException.class, call,
        "expected HTTP " + status);
    assertEquals(status, e.getStatus(), "HTTP status; message=" + e.getMessage() + " body=" + e.getResponseBody());
    return e;
  }

  protected static void log(String message) {
    System.out.println("[client-it] " + message);
  }
}
