package io.conductorvx.engine;

import io.conductorvx.Backends;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowStatus;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.queue.ActiveWorkers;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.messages.WorkflowMessages;
import io.conductorvx.secrets.EnvironmentVariables;
import io.conductorvx.secrets.Secrets;
import io.conductorvx.tasks.TaskTypes;
import io.conductorvx.validation.DefinitionValidator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The way in to workflows for everything outside the owner partitions (HTTP API, sweeper, task
 * polling): prepares starts and routes each command to the partition that owns its workflow.
 * Shared by all verticles; holds no mutable state of its own.
 */
public final class WorkflowEngine {
  private final Vertx vertx;
  private final ServerConfig config;
  private final Backends backends;
  private final TaskTypes types;
  private final ActiveWorkers activeWorkers;
  private final Decider decider;
  private final TaskDefCache taskDefs = new TaskDefCache();
  private final DefinitionValidator definitions = new DefinitionValidator(taskDefs::get);
  private final PreparedDefinitions prepared;
  private final EnvironmentVariables environment;
  private final WorkflowMessages messages;
  private final Secrets secrets;
  private final ExecutionLimits limits = new ExecutionLimits();
  private final LocalDeciders deciders;
  private final EngineObserver observer;
  /** Who owns which partition: everything here until a cluster takes over ({@link #useOwnership}). */
  private volatile Ownership ownership = Ownership.SINGLE;
  /** Commands running here per cluster partition, so a partition handed over is drained first. */
  private volatile java.util.concurrent.atomic.AtomicIntegerArray inFlight = new java.util.concurrent.atomic.AtomicIntegerArray(1);
  private final io.conductorvx.live.LiveInterest liveInterest = new io.conductorvx.live.LiveInterest();
  private final StatusChannels statusChannels;
  /** Prefix of this server's event bus addresses, so servers sharing a Vert.x never mix. */
  private final String busPrefix = "conductor." + UUID.randomUUID().toString().substring(0, 8) + ".";

  public WorkflowEngine(Vertx vertx, ServerConfig config, Backends backends, TaskTypes types, ActiveWorkers activeWorkers) {
    this(vertx, config, backends, types, activeWorkers, EngineObserver.NONE);
  }

  /** @param observer sees every routed command when it is answered and every commit (metrics) */
  public WorkflowEngine(Vertx vertx, ServerConfig config, Backends backends, TaskTypes types, ActiveWorkers activeWorkers,
      EngineObserver observer) {
    this.vertx = vertx;
    this.observer = observer;
    this.config = config;
    this.backends = backends;
    this.types = types;
    this.activeWorkers = activeWorkers;
    this.messages = new WorkflowMessages(backends.queues(), types, config);
    this.environment = new EnvironmentVariables(config.environment());
    this.secrets = new Secrets(config.secrets());
    this.decider = new Decider(types, taskDefs, new ParameterResolver(environment::resolve), activeWorkers,
        config.workflowRecheckSeconds(), config.activeWorkerSeconds());
    this.deciders = new LocalDeciders(vertx, config.deciderPartitions(), config.commandTimeoutMs());
    this.prepared = new PreparedDefinitions(backends.metadata(), taskDefs, this::prepare);
    this.statusChannels = new StatusChannels(vertx, this);
  }

  public Backends backends() {
    return backends;
  }

  public ServerConfig config() {
    return config;
  }

  public ActiveWorkers activeWorkers() {
    return activeWorkers;
  }

  Decider decider() {
    return decider;
  }

  ExecutionLimits limits() {
    return limits;
  }

  /** How much of a definition's concurrency and rate limits this server uses now (diagnostics). */
  public ExecutionLimits.Usage limitUsage(io.conductorvx.model.TaskDef def) {
    return limits.usage(def, System.currentTimeMillis());
  }

  EngineObserver observer() {
    return observer;
  }

  /** Registered task definitions, readable synchronously; the metadata API keeps it current. */
  public TaskDefCache taskDefs() {
    return taskDefs;
  }

  /** Registration rules for definitions, reading registered task definitions from {@link #taskDefs}. */
  public DefinitionValidator definitions() {
    return definitions;
  }

  /** Each workflow's message queue (POST /workflow/{id}/messages, PULL_WORKFLOW_MESSAGES). */
  public WorkflowMessages messages() {
    return messages;
  }

  /** The behaviour of each task type. */
  public TaskTypes types() {
    return types;
  }

  /** What {@code ${workflow.env.NAME}} reads. */
  public EnvironmentVariables environment() {
    return environment;
  }

  /** What {@code ${workflow.secrets.NAME}} reads, where a task leaves the server. */
  public Secrets secrets() {
    return secrets;
  }

  /** What this server's live-feed clients watch; the deciders publish feed events only for that. */
  public io.conductorvx.live.LiveInterest liveInterest() {
    return liveInterest;
  }

  /** Where committed workflow and task status changes are heard. */
  public StatusChannels statusChannels() {
    return statusChannels;
  }

  /** Tells this server's parked long polls (and, in a cluster, the other members') that the queue got {@code count} messages. */
  public void queueReady(String queue, int count) {
    vertx.eventBus().publish(address(LiveEvents.QUEUE_READY), new io.conductorvx.live.QueueReady(queue, count, false), LocalCodec.DELIVERY);
  }

  /** This server's name for a bus address. */
  public String address(String name) {
    return busPrefix + name;
  }

  /** This server's deciders, by partition: where {@link #send} hands commands over. */
  LocalDeciders deciders() {
    return deciders;
  }

  public static int partitionOf(String workflowId, int partitions) {
    return Math.floorMod(workflowId.hashCode(), partitions);
  }

  /** Set before the deciders start: from then on commands for partitions owned elsewhere are forwarded. */
  public void useOwnership(Ownership ownership, int clusterPartitions) {
    this.inFlight = new java.util.concurrent.atomic.AtomicIntegerArray(Math.max(1, clusterPartitions));
    this.ownership = ownership;
  }

  public Ownership ownership() {
    return ownership;
  }

  /** Commands of that cluster partition being handled here now. */
  public int inFlight(int clusterPartition) {
    return inFlight.get(clusterPartition);
  }

  /**
   * Sends a command to the owner of its workflow: a decider of this instance, or in a cluster the
   * instance holding the partition's lease. Owner failures come back as ConductorException.
   */
  public <T> Future<T> send(Command command) {
    Ownership o = ownership;
    if (!o.clustered()) {
      return deliver(command);
    }
    int partition = o.partitionOf(command.workflowId());
    if (o.epochIfOwned(partition) < 0) {
      return o.forward(partition, command);
    }
    // owned when sent, but the lease may move before the decider takes it: then it goes to the new owner
    return this.<T>sendHere(command).recover(err -> isNotOwner(err) ? o.forward(partition, command) : Future.failedFuture(err));
  }

  /**
   * Runs the command on this instance's decider (the cluster endpoint, for commands forwarded by
   * other members); fails with {@link Ownership#NOT_OWNER} when this instance does not own its partition.
   */
  public <T> Future<T> sendHere(Command command) {
    Ownership o = ownership;
    if (!o.clustered()) {
      return deliver(command);
    }
    int partition = o.partitionOf(command.workflowId());
    if (o.epochIfOwned(partition) < 0) {
      return Future.failedFuture(notOwner(partition));
    }
    java.util.concurrent.atomic.AtomicIntegerArray counts = inFlight;
    counts.incrementAndGet(partition);
    return this.<T>deliver(command).onComplete(ignored -> counts.decrementAndGet(partition));
  }

  static ConductorException notOwner(int partition) {
    return new ConductorException(Ownership.NOT_OWNER, "This instance does not own partition " + partition, true);
  }

  public static boolean isNotOwner(Throwable err) {
    return err instanceof ConductorException ce && ce.status() == Ownership.NOT_OWNER;
  }

  private <T> Future<T> deliver(Command command) {
    int partition = partitionOf(command.workflowId(), config.deciderPartitions());
    long sent = observer == EngineObserver.NONE ? 0 : System.nanoTime();
    Future<T> answer = deciders.deliver(partition, command);
    if (observer != EngineObserver.NONE) {
      answer.onComplete((reply, failure) -> observer.answered(partition, command, reply, failure, System.nanoTime() - sent));
    }
    return answer;
  }

  /**
   * Retries a finished workflow. With {@code resumeSubworkflowTasks}, when its failure is a failed
   * SUB_WORKFLOW task, the deepest failed child is retried instead; each child's reopening brings
   * its parent's task and the parent back to RUNNING (ChildReopened), up the chain.
   */
  public Future<Void> retry(String workflowId, boolean resumeSubworkflowTasks) {
    if (!resumeSubworkflowTasks) {
      return send(new Command.Retry(workflowId));
    }
    return backends.executions().getWorkflow(workflowId, true).compose(wf -> {
      if (wf == null) {
        return Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."));
      }
      String failedChild = null;
      if (wf.status.isTerminal()) {
        for (io.conductorvx.model.Task t : wf.tasks) {
          if (!t.retried && "SUB_WORKFLOW".equals(t.workflowTask.type) && t.subWorkflowId != null
              && (t.status == io.conductorvx.model.TaskStatus.FAILED || t.status == io.conductorvx.model.TaskStatus.TIMED_OUT)) {
            failedChild = t.subWorkflowId;
          }
        }
      }
      return failedChild == null ? send(new Command.Retry(workflowId)) : retry(failedChild, true);
    });
  }

  /** Restarts a finished workflow from its first task, with the latest definitions if asked. */
  public Future<Void> restart(String workflowId, boolean useLatestDefinitions) {
    if (!useLatestDefinitions) {
      return send(new Command.Restart(workflowId, null, null, null));
    }
    return backends.executions().getWorkflow(workflowId, false)
        .compose(wf -> wf == null
            ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
            : prepared.get(wf.workflowDefinition.name, null))
        .compose(def -> def == null
            ? Future.failedFuture(ConductorException.notFound("The workflow's definition no longer exists"))
            : Future.succeededFuture(def))
        .compose(def -> send(new Command.Restart(workflowId, def, null, null)));
  }

  /** Reruns a finished workflow: from scratch (new input, correlation id) or from one task. */
  public Future<Void> rerun(String workflowId, io.conductorvx.model.RerunWorkflowRequest request) {
    if (request.reRunFromTaskId != null && !request.reRunFromTaskId.isBlank()) {
      return send(new Command.RerunFromTask(workflowId, request.reRunFromTaskId, request.taskInput));
    }
    Map<String, Object> input = request.workflowInput;
    if (input == null) {
      return backends.executions().getWorkflow(workflowId, false).compose(wf -> wf == null
          ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
          : send(new Command.Restart(workflowId, null, wf.input, request.correlationId)));
    }
    return send(new Command.Restart(workflowId, null, input, request.correlationId));
  }

  // ---- starting workflows ----

  /** Validates the request, resolves definitions, and starts the workflow. Replies its id. */
  public Future<String> startWorkflow(StartWorkflowRequest request) {
    return startWorkflow(request, null, null, null);
  }

  public Future<String> startWorkflow(StartWorkflowRequest request, String parentWorkflowId, String parentTaskId, String event) {
    return startWorkflow(request, null, parentWorkflowId, parentTaskId, event);
  }

  /**
   * A top-level start with an idempotency key: the workflow id is derived from (name, key), so the
   * owner partition dedupes concurrent starts without a lock. FAIL (the default) rejects a second
   * start with 409; RETURN_EXISTING answers the existing id; FAIL_ON_RUNNING rejects only while the
   * latest execution for the key is running, and otherwise starts the next generation of the key.
   */
  private Future<String> startIdempotent(StartWorkflowRequest request) {
    String strategy = request.idempotencyStrategy == null || request.idempotencyStrategy.isBlank()
        ? "FAIL" : request.idempotencyStrategy.trim().toUpperCase(java.util.Locale.ROOT);
    String first = idempotentId(request.name, request.idempotencyKey, 0);
    return switch (strategy) {
      case "RETURN_EXISTING" -> startWorkflow(request, first, null, null, null);
      case "FAIL" -> backends.executions().getWorkflow(first, false).compose(existing -> existing != null
          ? Future.failedFuture(ConductorException.conflict("A workflow with idempotency key '" + request.idempotencyKey
              + "' already exists: " + existing.workflowId))
          : startWorkflow(request, first, null, null, null));
      case "FAIL_ON_RUNNING" -> latestGeneration(request, 0, null).compose(latest -> {
        if (latest.workflow() != null && !latest.workflow().status.isTerminal()) {
          return Future.failedFuture(ConductorException.conflict("A workflow with idempotency key '"
              + request.idempotencyKey + "' is still running: " + latest.workflow().workflowId));
        }
        int next = latest.workflow() == null ? 0 : latest.generation() + 1;
        return startWorkflow(request, idempotentId(request.name, request.idempotencyKey, next), null, null, null);
      });
      default -> Future.failedFuture(ConductorException.badRequest(
          "idempotencyStrategy must be FAIL, RETURN_EXISTING or FAIL_ON_RUNNING, got " + request.idempotencyStrategy));
    };
  }

  private record Generation(int generation, Workflow workflow) {}

  /** The newest execution started for the key: generations are probed 0, 1, 2… until one is missing. */
  private Future<Generation> latestGeneration(StartWorkflowRequest request, int generation, Generation found) {
    return backends.executions().getWorkflow(idempotentId(request.name, request.idempotencyKey, generation), false)
        .compose(wf -> wf == null
            ? Future.succeededFuture(found == null ? new Generation(0, null) : found)
            : latestGeneration(request, generation + 1, new Generation(generation, wf)));
  }

  private static String idempotentId(String name, String key, int generation) {
    return UUID.nameUUIDFromBytes(("idempotency:" + name + ":" + key + ":" + generation)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  /**
   * Starts a workflow under a chosen id (null: a new random one). With a chosen id the start is
   * idempotent: if that workflow exists already, its id is answered and nothing else happens.
   */
  public Future<String> startWorkflow(StartWorkflowRequest request, String workflowId, String parentWorkflowId,
      String parentTaskId, String event) {
    return start(request, workflowId, parentWorkflowId, parentTaskId, event, null);
  }

  /**
   * POST /workflow/test: runs the request with its mocked worker outcomes and answers the workflow
   * (with tasks) once it has ended, or once it stops moving (it waits on something unmocked).
   */
  public Future<Workflow> testWorkflow(io.conductorvx.model.WorkflowTestRequest request) {
    return start(request, null, null, null, null,
            request.taskRefToMockOutput == null ? Map.of() : request.taskRefToMockOutput)
        .compose(id -> settle(id, System.currentTimeMillis() + 30_000, -1, System.currentTimeMillis()));
  }

  private static final long SETTLE_QUIET_MS = 1000;

  private Future<Workflow> settle(String id, long deadline, long lastUpdate, long quietSince) {
    return backends.executions().getWorkflow(id, true).compose(wf -> {
      long now = System.currentTimeMillis();
      if (wf == null || wf.status.isTerminal() || now >= deadline) {
        return Future.succeededFuture(wf);
      }
      long changed = wf.updateTime != lastUpdate ? now : quietSince;
      if (now - changed >= SETTLE_QUIET_MS) {
        return Future.succeededFuture(wf);
      }
      return io.vertx.core.Future.<Void>future(p -> vertx.setTimer(25, t -> p.complete()))
          .compose(v -> settle(id, deadline, wf.updateTime, changed));
    });
  }

  private Future<String> start(StartWorkflowRequest request, String workflowId, String parentWorkflowId,
      String parentTaskId, String event, Map<String, java.util.List<io.conductorvx.model.WorkflowTestRequest.TaskMock>> mocks) {
    if (workflowId == null && parentWorkflowId == null && request.idempotencyKey != null && !request.idempotencyKey.isBlank()
        && request.name != null && !request.name.isBlank()) {
      return startIdempotent(request);
    }
    if (request.name == null || request.name.isBlank()) {
      if (request.workflowDef == null || request.workflowDef.name == null) {
        return Future.failedFuture(ConductorException.badRequest("Workflow name cannot be null or empty"));
      }
      request.name = request.workflowDef.name;
    }
    int priority = request.priority == null ? 0 : request.priority;
    if (priority < 0 || priority > 99) {
      return Future.failedFuture(ConductorException.badRequest("priority: Priority must be between 0 and 99, got " + priority));
    }
    if (request.input == null && request.externalInputPayloadStoragePath == null) {
      return Future.failedFuture(ConductorException.badRequest("NULL input passed when starting workflow " + request.name));
    }
    // an inline definition is validated as a registered one was when it was registered
    Future<WorkflowDef> def = request.workflowDef != null
        ? definitions.validateAsync(vertx, request.workflowDef).compose(violations -> violations.isEmpty()
            ? prepare(request.workflowDef)
            : Future.failedFuture(ConductorException.violations(violations.stream()
                .map(v -> new ConductorException.Violation(v.path().isEmpty() ? "workflowDef" : "workflowDef." + v.path(), v.message()))
                .toList())))
        : prepared.get(request.name, request.version);
    return def
        .compose(d -> d != null ? Future.succeededFuture(d) : Future.failedFuture(ConductorException.notFound(
            "No such workflow found by name: " + request.name + ", version: " + request.version)))
        .map(d -> newExecution(d, request, priority, parentWorkflowId, parentTaskId, event))
        .compose(wf -> {
          if (workflowId != null) {
            wf.workflowId = workflowId;
          }
          return this.<String>send(new Command.Start(wf, workflowId != null, mocks));
        });
  }

  /** A definition ready to run: normalized, every node with its task definition. */
  private Future<WorkflowDef> prepare(WorkflowDef def) {
    DefinitionValidator.normalize(def);
    return attachTaskDefs(def);
  }

  /**
   * Gives every node its task definition: an inline one wins, then a registered one by name, else
   * Conductor's synthetic defaults. The execution keeps this snapshot.
   */
  private Future<WorkflowDef> attachTaskDefs(WorkflowDef def) {
    List<WorkflowTask> nodes = new ArrayList<>();
    collect(def.tasks, nodes);
    for (WorkflowTask node : nodes) {
      if (types.isUnsupported(node.type)) {
        return Future.failedFuture(ConductorException.badRequest(
            "Task type " + node.type + " (task " + node.taskReferenceName + ") is not supported by this server yet"));
      }
    }
    if (ownership.clustered()) {
      // another member may have registered a definition this one has not reloaded yet: read it through
      Set<String> unknown = new LinkedHashSet<>();
      for (WorkflowTask node : nodes) {
        if (node.taskDefinition == null && node.name != null && taskDefs.get(node.name) == null
            && !taskDefs.knownMissing(node.name) && types.of(node.type).isWorkerTask()) {
          unknown.add(node.name);
        }
      }
      if (!unknown.isEmpty()) {
        List<Future<Void>> reads = new ArrayList<>();
        for (String name : unknown) {
          reads.add(backends.metadata().getTaskDef(name).map(found -> {
            if (found != null) {
              taskDefs.put(found);
            } else {
              taskDefs.markMissing(name);
            }
            return null;
          }));
        }
        return Future.all(reads).compose(v -> attachKnownTaskDefs(def, nodes));
      }
    }
    return attachKnownTaskDefs(def, nodes);
  }

  private Future<WorkflowDef> attachKnownTaskDefs(WorkflowDef def, List<WorkflowTask> nodes) {
    for (WorkflowTask node : nodes) {
      if (node.taskDefinition == null) {
        TaskDef registered = taskDefs.get(node.name);
        node.taskDefinition = registered != null ? registered : TaskDef.synthetic(node.name, types.of(node.type).isWorkerTask());
      }
    }
    return Future.succeededFuture(def);
  }

  private static void collect(List<WorkflowTask> list, List<WorkflowTask> out) {
    for (WorkflowTask node : list) {
      out.add(node);
      collect(node.children(), out);
    }
  }

  static Workflow newExecution(WorkflowDef def, StartWorkflowRequest request, int priority,
      String parentWorkflowId, String parentTaskId, String event) {
    long now = System.currentTimeMillis();
    Workflow wf = new Workflow();
    wf.workflowId = UUID.randomUUID().toString();
    wf.status = WorkflowStatus.RUNNING;
    wf.createTime = now;
    wf.updateTime = now;
    wf.workflowDefinition = def;
    wf.input = request.input == null ? new LinkedHashMap<>() : new LinkedHashMap<>(request.input);
    if (def.inputTemplate != null && !def.inputTemplate.isEmpty()) {
      // copies: the definition may be shared by other executions (PreparedDefinitions)
      Json.copyMap(def.inputTemplate).forEach(wf.input::putIfAbsent);
    }
    wf.correlationId = request.correlationId;
    wf.priority = priority;
    wf.taskToDomain = request.taskToDomain == null ? new LinkedHashMap<>() : new LinkedHashMap<>(request.taskToDomain);
    wf.variables = Json.copyMap(def.variables); // a copy: the definition may be shared
    wf.parentWorkflowId = parentWorkflowId;
    wf.parentWorkflowTaskId = parentTaskId;
    wf.event = event;
    wf.idempotencyKey = request.idempotencyKey;
    wf.createdBy = request.createdBy;
    wf.externalInputPayloadStoragePath = request.externalInputPayloadStoragePath;
    return wf;
  }
}
