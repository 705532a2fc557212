package io.conductorvx.api;

import io.conductorvx.engine.ExecutionLimits;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.PollData;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueuePosition;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/tasks/{taskId}/waiting: why a task is not running yet, as far as this server knows
 * (the dashboard's "Why is it waiting?"). Conductor has no such endpoint; it only reads state.
 * The answer holds the facts (queue position, polls per domain, limits, delay) and a list of
 * reasons, each a code and a sentence, most telling first.
 */
final class WaitingResource {
  /** With no pollTimeoutSeconds, a queue not polled for this long counts as without workers. */
  static final long STALE_POLL_MS = 30_000;

  private final WorkflowEngine engine;

  WaitingResource(WorkflowEngine engine) {
    this.engine = engine;
  }

  void mount(Router r) {
    Routes.handle(r.get("/api/tasks/:taskId/waiting"), this::waiting);
  }

  private Future<Reply> waiting(RoutingContext ctx) {
    String taskId = Requests.path(ctx, "taskId");
    return engine.backends().executions().getTask(taskId).compose(task -> {
      if (task == null) {
        throw ConductorException.notFound("Task not found for taskId: " + taskId);
      }
      String queue = QueueNames.taskQueue(task.taskType, task.domain);
      return Future.all(engine.backends().queues().locate(queue, task.taskId), engine.backends().queues().size(queue))
          .map(all -> Reply.json(explain(task, queue, all.resultAt(0), all.resultAt(1), System.currentTimeMillis())));
    });
  }

  private Map<String, Object> explain(Task task, String queue, QueuePosition position, long size, long now) {
    List<Map<String, String>> reasons = new ArrayList<>();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("taskId", task.taskId);
    out.put("taskType", task.taskType);
    out.put("referenceTaskName", task.referenceTaskName);
    out.put("workflowId", task.workflowInstanceId);
    out.put("status", task.status);
    // IN_PROGRESS and back in its queue: a worker asked to be called back later
    boolean waiting = task.status == TaskStatus.SCHEDULED
        || (task.status == TaskStatus.IN_PROGRESS && position.found() && !position.leased());
    out.put("waiting", waiting);
    out.put("now", now);

    Map<String, Object> q = new LinkedHashMap<>();
    q.put("name", queue);
    q.put("domain", task.domain);
    q.put("size", size);
    q.put("inQueue", position.found());
    q.put("leased", position.leased());
    q.put("dueAt", position.dueAt());
    q.put("ahead", position.ahead());
    out.put("queue", q);

    // polls of this task type: in the task's domain, and in any other domain
    PollData here = null;
    List<Map<String, Object>> domains = new ArrayList<>();
    for (PollData p : engine.activeWorkers().forType(task.taskType)) {
      String domain = p.domain() == null ? "" : p.domain();
      if (domain.equals(task.domain == null ? "" : task.domain)) {
        here = p;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("domain", domain);
      d.put("lastPollTime", p.lastPollTime());
      d.put("workerId", p.workerId());
      domains.add(d);
    }
    Map<String, Object> polls = new LinkedHashMap<>();
    polls.put("lastPollTime", here == null ? 0 : here.lastPollTime());
    polls.put("workerId", here == null ? null : here.workerId());
    polls.put("domains", domains);
    out.put("polls", polls);

    TaskDef def = engine.taskDefs().get(task.taskDefName);
    if (def == null) {
      def = task.taskDefinition();
    }
    Map<String, Object> limits = new LinkedHashMap<>();
    boolean concurrencyHolds = false;
    boolean rateHolds = false;
    if (def != null) {
      ExecutionLimits.Usage usage = engine.limitUsage(def);
      int concurrent = def.concurrentExecLimit == null ? 0 : def.concurrentExecLimit;
      int perWindow = def.rateLimitPerFrequency == null ? 0 : def.rateLimitPerFrequency;
      int windowSeconds = def.rateLimitFrequencyInSeconds == null ? 0 : def.rateLimitFrequencyInSeconds;
      limits.put("concurrentExecLimit", concurrent);
      limits.put("inProgress", usage.inProgress());
      limits.put("rateLimitPerFrequency", perWindow);
      limits.put("rateLimitFrequencyInSeconds", windowSeconds);
      limits.put("startedInWindow", usage.startedInWindow());
      concurrencyHolds = concurrent > 0 && usage.inProgress() >= concurrent;
      rateHolds = perWindow > 0 && windowSeconds > 0 && usage.startedInWindow() >= perWindow;
      limits.put("rateWindowFreesAt", rateHolds ? usage.windowFreesAt() : 0);
    }
    limits.put("concurrencyHolds", concurrencyHolds);
    limits.put("rateHolds", rateHolds);
    out.put("limits", limits);

    Map<String, Object> delay = new LinkedHashMap<>();
    boolean delayed = position.found() && !position.leased() && position.dueAt() > now;
    // a retried attempt carries its retry delay as callbackAfterSeconds too, as Conductor's does
    String delayCause = !delayed ? null
        : task.status == TaskStatus.SCHEDULED && task.retryCount > 0 ? "retryDelay"
        : task.callbackAfterSeconds > 0 ? "callbackAfterSeconds"
        : task.startDelayInSeconds > 0 ? "startDelay"
        : "postponed";
    delay.put("until", delayed ? position.dueAt() : 0);
    delay.put("cause", delayCause);
    delay.put("callbackAfterSeconds", task.callbackAfterSeconds);
    delay.put("retryCount", task.retryCount);
    out.put("delay", delay);

    if (!waiting) {
      reasons.add(reason("NOT_WAITING", "The task is " + task.status + ", not waiting for a worker"
          + (task.status == TaskStatus.IN_PROGRESS ? " (a worker has it)." : ".")));
    } else {
      if (!position.found()) {
        reasons.add(reason("NOT_QUEUED", "The task is not in its queue " + queue
            + " (the sweeper puts it back if it stays missing)."));
      } else if (position.leased()) {
        reasons.add(reason("HANDED_OUT", "A poll has just taken it from the queue; it turns IN_PROGRESS as soon as the claim commits."));
      }
      long pollTimeoutMs = def != null && def.pollTimeoutSeconds != null && def.pollTimeoutSeconds > 0
          ? def.pollTimeoutSeconds * 1000L : STALE_POLL_MS;
      if (here == null) {
        reasons.add(reason("NO_WORKER", "No worker has polled " + queue + " since this server started"
            + otherDomains(domains, task.domain) + "."));
      } else if (now - here.lastPollTime() > pollTimeoutMs) {
        reasons.add(reason("STALE_WORKER", "The last poll of " + queue + " was " + (now - here.lastPollTime()) / 1000
            + " s ago (worker " + here.workerId() + ")."));
      }
      if (concurrencyHolds) {
        reasons.add(reason("CONCURRENCY_LIMIT", "Held back by concurrentExecLimit " + def.concurrentExecLimit
            + ": " + limits.get("inProgress") + " tasks of " + def.name + " are in progress."));
      }
      if (rateHolds) {
        reasons.add(reason("RATE_LIMIT", "Held back by rateLimitPerFrequency " + def.rateLimitPerFrequency + " per "
            + def.rateLimitFrequencyInSeconds + " s; the window frees a slot at epoch ms " + limits.get("rateWindowFreesAt") + "."));
      }
      if (delayed) {
        reasons.add(reason("DELAYED", "Delayed by " + switch (delayCause) {
          case "callbackAfterSeconds" -> "callbackAfterSeconds (" + task.callbackAfterSeconds + " s)";
          case "retryDelay" -> "the retry delay (attempt " + (task.retryCount + 1) + ")";
          case "startDelay" -> "startDelayInSeconds (" + task.startDelayInSeconds + " s)";
          default -> "a postponement";
        } + " until epoch ms " + position.dueAt() + "."));
      }
      if (position.found() && !position.leased() && position.ahead() > 0) {
        reasons.add(reason("QUEUED_BEHIND", position.ahead() + " tasks in " + queue + " go out before it."));
      }
      if (reasons.isEmpty()) {
        reasons.add(reason("NEXT_UP", "It is next in " + queue + "; the next poll takes it."));
      }
    }
    out.put("reasons", reasons);
    return out;
  }

  private static String otherDomains(List<Map<String, Object>> domains, String own) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> d : domains) {
      String name = (String) d.get("domain");
      if (!name.equals(own == null ? "" : own)) {
        names.add(name.isEmpty() ? "(no domain)" : name);
      }
    }
    return names.isEmpty() ? "" : "; workers poll this task type in " + String.join(", ", names);
  }

  private static Map<String, String> reason(String code, String message) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("code", code);
    r.put("message", message);
    return r;
  }
}
