package io.conductorvx.scheduler;

import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.BackendFailure;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.conductorvx.model.SearchResult;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.scheduler.ScheduleExecution.State;
import io.conductorvx.scheduler.WorkflowSchedule.CronSchedule;
import io.conductorvx.scheduler.WorkflowSchedule.Tag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Workflow schedules: what the API does with them and how their slots fire. Shared by the HTTP
 * verticles and the {@link SchedulerVerticle}; its state is the store's, plus this instance's
 * pause switch.
 *
 * <p>A slot fires once. Claiming it is one conditional store write that advances the schedule past
 * the slot and records the run as POLLED with a lease; only one claimer of a slot wins, on this
 * instance or another. The winner then starts the workflow under an id derived from the schedule
 * and the slot, and records EXECUTED (or FAILED with the reason). A start that never got recorded
 * (crash, backend outage) leaves a POLLED run whose lease runs out; recovery starts it again under
 * the same id, which finds the workflow if it was started, so no slot starts two workflows.
 */
public final class Scheduler {
  private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
  /** How long a claimed run may take to start before recovery retries it. */
  static final long LEASE_MS = 60_000;
  /** Schedules read per due page. */
  static final int BATCH = 256;
  /** Due pages handled in one tick before yielding to the next tick. */
  private static final int MAX_PAGES_PER_TICK = 64;
  /** Starts a pass lets run at once before it claims more slots. */
  private static final int MAX_STARTS_IN_FLIGHT = 1024;
  private static final long RECOVERY_EVERY_MS = 5_000;
  private static final int MAX_WRITE_ATTEMPTS = 8;
  private static final int MAX_PREVIEW = 5;

  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final ScheduleStore store;
  private final Clock clock;
  private final ScheduleOwnership ownership;
  private final AtomicBoolean pausedHere = new AtomicBoolean();
  private volatile long nextRecoveryAt;

  public Scheduler(Vertx vertx, WorkflowEngine engine, ScheduleStore store, Clock clock, ScheduleOwnership ownership) {
    this.vertx = vertx;
    this.engine = engine;
    this.store = store;
    this.clock = clock;
    this.ownership = ownership;
  }

  public ScheduleStore store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }

  // ---- the API ----

  /** Creates or replaces a schedule (by name); its slots start after now. Answers it as stored. */
  public Future<WorkflowSchedule> save(WorkflowSchedule input) {
    validate(input);
    return checkWorkflow(input.startWorkflowRequest).compose(ok -> update(input.name.trim(), true, existing -> {
      WorkflowSchedule next = Json.copy(input, WorkflowSchedule.class);
      long now = clock.millis();
      normalize(next);
      if (existing != null) {
        next.createTime = existing.schedule().createTime;
        next.createdBy = existing.schedule().createdBy;
        next.tags = input.tags == null || input.tags.isEmpty() ? existing.schedule().tags : next.tags;
      } else {
        next.createTime = now;
        next.createdBy = input.createdBy == null ? "" : input.createdBy;
      }
      next.updatedTime = now;
      next.updatedBy = input.updatedBy == null ? "" : input.updatedBy;
      if (!next.paused) {
        next.pausedReason = null;
      }
      return next;
    }, false)).map(StoredSchedule::view);
  }

  public Future<WorkflowSchedule> get(String name) {
    return store.get(name).compose(s -> s == null
        ? Future.failedFuture(notFound(name))
        : Future.succeededFuture(s.view()));
  }

  public Future<List<WorkflowSchedule>> list(String workflowName) {
    return store.list(workflowName).map(all -> all.stream().map(StoredSchedule::view).toList());
  }

  public Future<SearchResult<WorkflowSchedule>> search(ScheduleSearch search) {
    return store.search(search).map(r -> new SearchResult<>(r.totalHits(),
        r.results().stream().map(StoredSchedule::view).toList()));
  }

  /** Schedules carrying the tag. */
  public Future<List<WorkflowSchedule>> withTag(String key, String value) {
    return list(null).map(all -> all.stream()
        .filter(s -> s.tags != null && s.tags.stream().anyMatch(t -> key.equals(t.key()) && (value == null || value.equals(t.value()))))
        .toList());
  }

  /** Deleting an unknown schedule is not an error (as in Conductor). */
  public Future<Void> delete(String name) {
    return store.delete(name).mapEmpty();
  }

  /** Pauses a schedule: no slot fires until it is resumed. 404 when there is no such schedule. */
  public Future<Void> pause(String name, String reason) {
    return update(name, false, existing -> {
      WorkflowSchedule next = existing.schedule();
      next.paused = true;
      next.pausedReason = reason;
      next.updatedTime = clock.millis();
      return next;
    }, false).mapEmpty();
  }

  /**
   * Resumes a schedule: its slots start again after now (slots that passed while it was paused are
   * not made up). Resuming one that is not paused changes nothing (Conductor answers 404).
   */
  public Future<Void> resume(String name) {
    return update(name, false, existing -> {
      WorkflowSchedule next = existing.schedule();
      if (!next.paused) {
        return null;
      }
      next.paused = false;
      next.pausedReason = null;
      next.updatedTime = clock.millis();
      return next;
    }, false).mapEmpty();
  }

  public Future<List<Tag>> tags(String name) {
    return get(name).map(s -> s.tags == null ? List.<Tag>of() : s.tags);
  }

  /** Adds tags (a tag already there is kept once). */
  public Future<Void> addTags(String name, List<Tag> tags) {
    checkTags(tags);
    return update(name, false, existing -> {
      WorkflowSchedule next = existing.schedule();
      LinkedHashSet<Tag> all = new LinkedHashSet<>(next.tags == null ? List.of() : next.tags);
      all.addAll(tags);
      next.tags = new ArrayList<>(all);
      return next;
    }, true).mapEmpty();
  }

  public Future<Void> removeTags(String name, List<Tag> tags) {
    checkTags(tags);
    return update(name, false, existing -> {
      WorkflowSchedule next = existing.schedule();
      List<Tag> kept = new ArrayList<>(next.tags == null ? List.of() : next.tags);
      kept.removeAll(tags);
      next.tags = kept;
      return next;
    }, true).mapEmpty();
  }

  private static void checkTags(List<Tag> tags) {
    for (Tag t : tags) {
      if (t == null || t.key() == null || t.key().isBlank()) {
        throw ConductorException.badRequest("Every tag needs a key");
      }
    }
  }

  /** The next few slots of a cron (at most 5), from now or scheduleStartTime, up to scheduleEndTime. */
  public List<Long> nextFew(String cronExpression, String zoneId, Long start, Long end, int limit) {
    Cron.parse(cronExpression);
    Cron.zone(zoneId);
    CronSchedule trigger = new CronSchedule(cronExpression, zoneId).withDefaultZone();
    return Slots.preview(trigger, start, end, Math.max(0, Math.min(MAX_PREVIEW, limit)), clock.millis());
  }

  public Future<SearchResult<ScheduleExecution>> searchExecutions(ExecutionQuery query) {
    return store.searchExecutions(query);
  }

  /** Stops (true) or restarts firing on this instance only: the admin switch. */
  public void pauseHere(boolean paused) {
    pausedHere.set(paused);
  }

  public boolean pausedHere() {
    return pausedHere.get();
  }

  /**
   * Retries every run still POLLED now, whatever its lease (GET /admin/requeue). Answers their
   * number and up to ten of their ids, as Conductor does.
   */
  public Future<Map<String, Object>> requeue() {
    return store.expireLeases().map(ids -> {
      nextRecoveryAt = 0;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("recordIds.size", ids.size());
      out.put("sampleIds", ids.subList(0, Math.min(10, ids.size())));
      return out;
    });
  }

  /**
   * Read-modify-write of one schedule, conditional on the version read; retried when another write
   * came first. {@code change} answers the new document (null: nothing to do). The slots are
   * computed again from now unless {@code keepSlots}.
   */
  private Future<StoredSchedule> update(String name, boolean create, Function<StoredSchedule, WorkflowSchedule> change,
      boolean keepSlots) {
    return update(name, create, change, keepSlots, 0);
  }

  private Future<StoredSchedule> update(String name, boolean create, Function<StoredSchedule, WorkflowSchedule> change,
      boolean keepSlots, int attempt) {
    return store.get(name).compose(existing -> {
      if (existing == null && !create) {
        return Future.failedFuture(notFound(name));
      }
      WorkflowSchedule next = change.apply(existing);
      if (next == null) {
        return Future.succeededFuture(existing);
      }
      List<Long> slots = keepSlots && existing != null ? existing.slots() : Slots.first(next, clock.millis());
      long version = existing == null ? 0 : existing.version();
      StoredSchedule stored = new StoredSchedule(next, slots, version + 1);
      return store.write(stored, version).compose(written -> {
        if (written) {
          return Future.succeededFuture(stored);
        }
        if (attempt + 1 >= MAX_WRITE_ATTEMPTS) {
          return Future.failedFuture(ConductorException.conflict("Schedule '" + name + "' kept changing; try again"));
        }
        return update(name, create, change, keepSlots, attempt + 1);
      });
    });
  }

  /** The rules a schedule must meet; one 400 listing what is wrong. */
  static void validate(WorkflowSchedule s) {
    List<String> problems = new ArrayList<>();
    if (s.name == null || s.name.isBlank()) {
      problems.add("Schedule name is required");
    }
    if (s.startWorkflowRequest == null) {
      problems.add("startWorkflowRequest is required");
    } else {
      if ((s.startWorkflowRequest.name == null || s.startWorkflowRequest.name.isBlank()) && s.startWorkflowRequest.workflowDef == null) {
        problems.add("startWorkflowRequest.name is required");
      }
      Integer p = s.startWorkflowRequest.priority;
      if (p != null && (p < 0 || p > 99)) {
        problems.add("startWorkflowRequest.priority must be between 0 and 99, got " + p);
      }
    }
    boolean hasCrons = s.cronSchedules != null && !s.cronSchedules.isEmpty();
    if (!hasCrons && (s.cronExpression == null || s.cronExpression.isBlank())) {
      problems.add("cronExpression is required (or cronSchedules)");
    }
    if (hasCrons || s.cronExpression != null && !s.cronExpression.isBlank()) {
      for (CronSchedule t : s.triggers()) {
        if (t == null) {
          problems.add("cronSchedules must not hold null entries");
          continue;
        }
        check(problems, () -> Cron.parse(t.cronExpression()));
        check(problems, () -> Cron.zone(t.zoneId()));
      }
    }
    if (!hasCrons && s.zoneId != null) {
      check(problems, () -> Cron.zone(s.zoneId));
    }
    if (s.tags != null) {
      check(problems, () -> checkTags(s.tags));
    }
    if (s.scheduleStartTime != null && s.scheduleEndTime != null && s.scheduleStartTime > s.scheduleEndTime) {
      problems.add("scheduleStartTime must not be after scheduleEndTime");
    }
    if (!problems.isEmpty()) {
      throw ConductorException.badRequest(String.join("; ", problems));
    }
  }

  private static void check(List<String> problems, Runnable rule) {
    try {
      rule.run();
    } catch (ConductorException e) {
      problems.add(e.getMessage());
    }
  }

  /** The workflow (and version) a schedule starts must exist when it is saved. */
  private Future<Void> checkWorkflow(StartWorkflowRequest request) {
    if (request.workflowDef != null) {
      return Future.succeededFuture();
    }
    return engine.backends().metadata().getWorkflowDef(request.name, request.version).compose(def -> def != null
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(ConductorException.badRequest("No such workflow found by name: " + request.name
            + ", version: " + request.version)));
  }

  private static void normalize(WorkflowSchedule s) {
    s.name = s.name.trim();
    if (s.cronSchedules == null) {
      s.cronSchedules = new ArrayList<>();
    }
    if (s.zoneId == null || s.zoneId.isBlank()) {
      s.zoneId = WorkflowSchedule.DEFAULT_ZONE;
    }
    if (s.tags == null) {
      s.tags = new ArrayList<>();
    }
    s.nextRunTime = null;
  }

  private static ConductorException notFound(String name) {
    return ConductorException.notFound("Schedule '" + name + "' not found");
  }

  // ---- firing ----

  /**
   * One scheduler pass: retries expired runs now and then, then fires every due slot of the
   * schedules this instance owns. The due schedules are read page by page in slot order; when a
   * sweep fired something it starts again from the first page, since a schedule catching up may
   * still be due, until nothing is (or the page budget of the pass is spent).
   */
  Future<Void> runOnce() {
    if (pausedHere.get()) {
      return Future.succeededFuture();
    }
    long now = clock.millis();
    Future<Void> recovered = Future.succeededFuture();
    if (now >= nextRecoveryAt) {
      nextRecoveryAt = now + RECOVERY_EVERY_MS;
      recovered = recover(now);
    }
    return recovered.compose(v -> fireDue(now, Long.MIN_VALUE, null, 0, false)).recover(err -> {
      LOG.log(Level.WARNING, "scheduler pass failed: " + BackendFailure.describe(err));
      return Future.succeededFuture();
    });
  }

  private Future<Void> fireDue(long now, long afterTime, String afterName, int page, boolean firedInSweep) {
    List<Future<Void>> starts = new ArrayList<>();
    return fireDue(now, afterTime, afterName, page, firedInSweep, starts)
        .eventually(() -> Future.join(starts));
  }

  /**
   * Claims the due slots page by page; the starts of a page's claimed runs go on while the next
   * page is claimed ({@code starts} collects them, the pass ends when they have all answered).
   * Between pages the pass yields its event loop (and waits for the starts when too many are in
   * flight), so a large batch of due slots never holds the loop.
   */
  private Future<Void> fireDue(long now, long afterTime, String afterName, int page, boolean firedInSweep,
      List<Future<Void>> starts) {
    if (page >= MAX_PAGES_PER_TICK || pausedHere.get()) {
      return Future.succeededFuture();
    }
    return store.due(now, afterTime, afterName, BATCH).compose(due -> {
      List<Future<Boolean>> claimed = new ArrayList<>(due.size());
      for (StoredSchedule s : due) {
        if (ownership.ownsSchedule(s.name())) {
          claimed.add(fire(s, now, starts).recover(err -> {
            LOG.log(Level.WARNING, "schedule " + s.name() + " could not fire: " + BackendFailure.describe(err));
            return Future.succeededFuture(false);
          }));
        }
      }
      return Future.join(claimed).transform(ignored -> {
        boolean any = firedInSweep || claimed.stream().anyMatch(f -> f.succeeded() && Boolean.TRUE.equals(f.result()));
        if (due.size() < BATCH && !any) {
          return Future.succeededFuture();
        }
        return breather(starts).compose(v -> {
          if (due.size() == BATCH) {
            // the next page starts after this one's last row
            StoredSchedule last = due.get(due.size() - 1);
            return fireDue(now, last.nextRunTime(), last.name(), page + 1, any, starts);
          }
          return fireDue(now, Long.MIN_VALUE, null, page + 1, false, starts);
        });
      });
    });
  }

  /** Lets the event loop run other work before the next page; waits while too many starts are in flight. */
  private Future<Void> breather(List<Future<Void>> starts) {
    starts.removeIf(Future::isComplete);
    if (starts.size() > MAX_STARTS_IN_FLIGHT) {
      return Future.join(new ArrayList<>(starts)).mapEmpty();
    }
    Promise<Void> next = Promise.promise();
    vertx.runOnContext(v -> next.complete());
    return next.future();
  }

  /**
   * Fires the slots of one schedule that are due: claims them (the schedule advances past them and
   * each becomes a POLLED run), then starts their workflows, adding those starts to {@code starts}.
   * Answers whether the claim won.
   */
  Future<Boolean> fire(StoredSchedule s, long now, List<Future<Void>> starts) {
    WorkflowSchedule schedule = s.schedule();
    if (schedule.paused) {
      return Future.succeededFuture(false);
    }
    List<CronSchedule> triggers = schedule.triggers();
    List<Long> slots = new ArrayList<>(s.slots());
    List<ScheduleExecution> runs = new ArrayList<>();
    for (int i = 0; i < triggers.size() && i < slots.size(); i++) {
      Long slot = slots.get(i);
      if (slot != null && slot <= now) {
        runs.add(newRun(schedule, triggers.get(i), slot, now));
        slots.set(i, Slots.after(schedule, triggers.get(i), slot, now));
      }
    }
    if (runs.isEmpty()) {
      return Future.succeededFuture(false);
    }
    return store.claim(s.advanced(slots), s.version(), runs, now + LEASE_MS).map(won -> {
      if (won) {
        for (ScheduleExecution run : runs) {
          starts.add(start(run));
        }
      }
      return won;
    });
  }

  /** Runs claimed earlier whose start was never recorded: started again under their own id. */
  private Future<Void> recover(long now) {
    return store.expiredRuns(now, BATCH).compose(expired -> {
      List<Future<Void>> retried = new ArrayList<>();
      for (ScheduleExecution run : expired) {
        if (ownership.ownsSchedule(run.scheduleName())) {
          retried.add(store.renewLease(run.executionId(), now, now + LEASE_MS)
              .compose(mine -> mine ? start(run) : Future.<Void>succeededFuture()));
        }
      }
      return Future.join(retried).<Void>mapEmpty();
    }).recover(err -> {
      LOG.log(Level.WARNING, "scheduler recovery failed: " + BackendFailure.describe(err));
      return Future.succeededFuture();
    });
  }

  /**
   * Starts a claimed run's workflow under the id of its slot and records the outcome. A request
   * the engine refuses (unknown workflow, bad input) makes the run FAILED; an engine or backend that
   * does not answer leaves it POLLED for recovery.
   */
  private Future<Void> start(ScheduleExecution run) {
    return engine.startWorkflow(run.startWorkflowRequest(), workflowIdOf(run.executionId()), null, null, null)
        .compose(id -> store.finish(run.finished(State.EXECUTED, id, null)))
        .recover(err -> {
          if (err instanceof ConductorException ce && ce.status() < 500) {
            return store.finish(run.finished(State.FAILED, null, ce.getMessage()));
          }
          LOG.log(Level.WARNING, "schedule " + run.scheduleName() + " slot " + run.scheduledTime()
              + " not started yet, retried when its lease ends: " + BackendFailure.describe(err));
          return Future.succeededFuture();
        });
  }

  /** A run for one slot, with the request it starts: the schedule's, plus the injected inputs. */
  private static ScheduleExecution newRun(WorkflowSchedule schedule, CronSchedule trigger, long slot, long now) {
    String executionId = executionIdOf(schedule.name, trigger, slot);
    StartWorkflowRequest template = schedule.startWorkflowRequest;
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = template.name;
    request.version = template.version;
    request.correlationId = template.correlationId;
    request.taskToDomain = template.taskToDomain == null ? new LinkedHashMap<>() : new LinkedHashMap<>(template.taskToDomain);
    request.workflowDef = template.workflowDef;
    request.externalInputPayloadStoragePath = template.externalInputPayloadStoragePath;
    request.priority = template.priority;
    request.createdBy = schedule.createdBy;
    request.idempotencyKey = template.idempotencyKey;
    request.idempotencyStrategy = template.idempotencyStrategy;
    request.input = template.input == null ? new LinkedHashMap<>() : new LinkedHashMap<>(template.input);
    request.input.put("_startedByScheduler", schedule.name);
    request.input.put("_scheduledTime", slot);
    request.input.put("_executedTime", now);
    request.input.put("_executionId", executionId);
    request.input.put("_schedulerCron", trigger.describe());
    String workflowName = template.name != null ? template.name : template.workflowDef == null ? null : template.workflowDef.name;
    return new ScheduleExecution(executionId, schedule.name, slot, now, workflowName, null, null, null, request,
        State.POLLED, trigger.zoneId());
  }

  /** A slot's run id: the same for every instance and every retry of that slot. */
  static String executionIdOf(String schedule, CronSchedule trigger, long slot) {
    return UUID.nameUUIDFromBytes(("schedule-run\n" + schedule + "\n" + trigger.describe() + "\n" + slot)
        .getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The workflow id of a run: derived from the run id, so a retried start finds the workflow. */
  static String workflowIdOf(String executionId) {
    return UUID.nameUUIDFromBytes(("schedule-workflow\n" + executionId).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
