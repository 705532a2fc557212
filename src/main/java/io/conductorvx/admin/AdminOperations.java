package io.conductorvx.admin;

import io.conductorvx.config.BuildInfo;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.events.EventQueues;
import io.conductorvx.model.EventHandler;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.store.SearchQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Conductor's AdminResource offers: the server's settings, the pending tasks of a type, and
 * the repairs of one workflow's queue entries. Reads go to the stores; every change to a workflow
 * still goes through its owner (the repair asks the owner to decide with queue repair).
 */
public final class AdminOperations {
  /** Tasks read per store query while requeueing a type. */
  private static final int REQUEUE_PAGE = 1000;

  private final WorkflowEngine engine;
  private final QueueStore queues;

  /** GET /api/admin/cluster: members, the partitions each holds and their epochs; {"enabled": false} alone. */
  public Future<byte[]> cluster() {
    return engine.ownership().describe().map(json -> json.toBuffer().getBytes());
  }

  public AdminOperations(WorkflowEngine engine) {
    this.engine = engine;
    this.queues = engine.backends().queues();
  }

  /**
   * The server's settings with its version and build date. Conductor answers its JVM's system
   * properties here; those can hold credentials, so this answers the server's own settings, with
   * passwords in URLs and secret values replaced by "***".
   */
  public Map<String, Object> config() {
    JsonObject settings = engine.config().toJson();
    for (String url : new String[] {"postgresUrl", "redisUrl", "amqpUrl", "natsUrl"}) {
      settings.put(url, withoutPassword(settings.getString(url)));
    }
    Map<String, Object> out = new TreeMap<>(settings.getMap());
    out.put("version", BuildInfo.current().version());
    out.put("buildDate", BuildInfo.current().buildDate());
    return out;
  }

  static String withoutPassword(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = URI.create(url);
      String user = uri.getRawUserInfo();
      if (user == null || !user.contains(":")) {
        return url;
      }
      return url.replace(user + "@", user.substring(0, user.indexOf(':')) + ":***@");
    } catch (IllegalArgumentException notAUri) {
      return url.replaceAll("(//[^:/@]*:)[^@]*@", "$1***@");
    }
  }

  /** The pending (SCHEDULED or IN_PROGRESS) tasks of a type, a page of them. */
  public Future<List<Task>> pendingTasks(String taskType, int start, int count) {
    if (start < 0 || count < 0) {
      return Future.failedFuture(ConductorException.badRequest("start and count must not be negative"));
    }
    if (count > SearchQuery.MAX_SIZE) {
      return Future.failedFuture(ConductorException.badRequest("count must be at most " + SearchQuery.MAX_SIZE));
    }
    SearchQuery query = new SearchQuery(List.of(
        new SearchQuery.Clause("taskType", "=", List.of(taskType)),
        new SearchQuery.Clause("status", "IN", List.of(TaskStatus.SCHEDULED.name(), TaskStatus.IN_PROGRESS.name()))),
        "*", start, count, null, false);
    return engine.backends().executions().searchTasks(query).map(found -> found.results());
  }

  /**
   * POST /api/tasks/queue/requeue/{taskType}: puts every pending (SCHEDULED or IN_PROGRESS) worker
   * task of the type back in its queue with what is left of its delay, and answers how many, as
   * Conductor does: an IN_PROGRESS task whose worker died is handed out again. It reads the store,
   * not the deciders' caches, so it finds the tasks of every partition (every cluster member's, and
   * those no decider has loaded since a restart). A push moves an entry already queued: nothing doubles.
   */
  public Future<Integer> requeuePending(String taskType) {
    return requeueFrom(taskType, 0, 0);
  }

  private Future<Integer> requeueFrom(String taskType, int start, int soFar) {
    SearchQuery query = new SearchQuery(List.of(
        new SearchQuery.Clause("taskType", "=", List.of(taskType)),
        new SearchQuery.Clause("status", "IN", List.of(TaskStatus.SCHEDULED.name(), TaskStatus.IN_PROGRESS.name()))),
        "*", start, REQUEUE_PAGE, null, false);
    return engine.backends().executions().searchTasks(query).compose(found -> {
      long now = System.currentTimeMillis();
      Map<String, Integer> pushedPerQueue = new LinkedHashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Task t : found.results()) {
        if (t.retried || !isWorkerTask(t)) {
          continue;
        }
        String queue = QueueNames.taskQueue(t.taskType, t.domain);
        long delayMs = Math.max(0, t.callbackAfterSeconds * 1000 - Math.max(0, now - t.updateTime));
        pushedPerQueue.merge(queue, 1, Integer::sum);
        chain = chain.compose(v -> queues.push(queue, new QueueMessage(t.taskId, t.workflowInstanceId, t.workflowPriority), delayMs));
      }
      int total = soFar + pushedPerQueue.values().stream().mapToInt(Integer::intValue).sum();
      return chain.compose(v -> {
        pushedPerQueue.forEach(engine::queueReady);
        return found.results().size() < REQUEUE_PAGE
            ? Future.succeededFuture(total)
            : requeueFrom(taskType, start + REQUEUE_PAGE, total);
      });
    });
  }

  private boolean isWorkerTask(Task t) {
    return engine.types().of(t.workflowTask != null ? t.workflowTask.type : t.taskType).isWorkerTask();
  }

  /**
   * Queues the workflow for the sweeper unless it is queued already: {@code true.<id>} when it was
   * pushed, {@code false.<id>} when it was there (Conductor's answer).
   */
  public Future<String> requeueSweep(String workflowId) {
    return existing(workflowId).compose(wf -> queues.contains(QueueNames.DECIDER, workflowId))
        .compose(present -> present
            ? Future.succeededFuture("false." + workflowId)
            : queues.push(QueueNames.DECIDER, new QueueMessage(workflowId, workflowId, 0), 0).map(v -> "true." + workflowId));
  }

  /**
   * Checks that a running workflow is in the decider queue and that each of its scheduled worker
   * tasks is in its task queue; puts back what is missing. Answers whether anything was.
   */
  public Future<Boolean> verifyAndRepair(String workflowId) {
    return existing(workflowId).compose(wf -> {
      if (wf.status.isTerminal()) {
        return Future.succeededFuture(false);
      }
      List<Task> scheduled = new ArrayList<>();
      for (Task t : wf.tasks) {
        if (!t.retried && t.status == TaskStatus.SCHEDULED && engine.types().of(t.workflowTask.type).isWorkerTask()) {
          scheduled.add(t);
        }
      }
      Future<Boolean> deciderMissing = queues.contains(QueueNames.DECIDER, workflowId).compose(present -> present
          ? Future.succeededFuture(false)
          : queues.push(QueueNames.DECIDER, new QueueMessage(workflowId, workflowId, 0), 0).map(v -> true));
      return deciderMissing.compose(repaired -> tasksMissing(scheduled).compose(missing -> missing
          // the owner pushes its missing task messages (and wakes the polls waiting for them)
          ? engine.send(new Command.Decide(workflowId, true)).map(v -> true)
          : Future.succeededFuture(repaired)));
    });
  }

  private Future<Boolean> tasksMissing(List<Task> scheduled) {
    Future<Boolean> chain = Future.succeededFuture(false);
    for (Task t : scheduled) {
      chain = chain.compose(missing -> missing
          ? Future.succeededFuture(true)
          : queues.contains(QueueNames.taskQueue(t.taskType, t.domain), t.taskId).map(present -> !present));
    }
    return chain;
  }

  private Future<Workflow> existing(String workflowId) {
    return engine.backends().executions().getWorkflow(workflowId, true).compose(wf -> wf == null
        ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
        : Future.succeededFuture(wf));
  }

  /**
   * The event queues the active event handlers listen to: {@code {event: queueName}}, or with
   * {@code verbose} {@code {event: {queueName: messages waiting}}}.
   */
  public Future<Map<String, Object>> eventQueues(boolean verbose) {
    return engine.backends().eventHandlers().list().map(handlers -> {
      Map<String, Object> out = new TreeMap<>();
      for (EventHandler h : handlers) {
        if (!h.active || h.event == null) {
          continue;
        }
        int colon = h.event.indexOf(':');
        String type = colon > 0 ? h.event.substring(0, colon) : h.event;
        String queue = colon > 0 ? h.event.substring(colon + 1) : h.event;
        if (!verbose) {
          out.put(h.event, queue);
          continue;
        }
        EventQueues provider = engine.backends().eventQueues().provider(type);
        long size = provider == null ? 0 : provider.sizes().getOrDefault(queue, 0L);
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put(queue, size);
        out.put(h.event, sizes);
      }
      return out;
    });
  }
}
