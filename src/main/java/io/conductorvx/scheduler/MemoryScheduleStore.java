package io.conductorvx.scheduler;

import io.conductorvx.model.Json;
import io.conductorvx.model.SearchResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Schedules and runs in memory, as JSON bytes (a reader gets its own copy) with the fields searches
 * use beside them. Due schedules come from a set sorted by next slot, so a tick reads only what is
 * due. One lock: every operation is a few map updates.
 */
public final class MemoryScheduleStore implements ScheduleStore {
  private record Row(byte[] json, String workflowName, boolean paused, List<Long> slots, long version, Due due) {}

  private record Due(long time, String name) {}

  private static final Comparator<Due> DUE_ORDER = Comparator.comparingLong(Due::time).thenComparing(Due::name);

  /** A run: its bytes, the fields searches compare, and the lease of a POLLED run. */
  private record RunRow(byte[] json, ScheduleExecution fields, long leaseUntil) {}

  private final Map<String, Row> schedules = new HashMap<>();
  private final TreeSet<Due> dueOrder = new TreeSet<>(DUE_ORDER);
  private final Map<String, RunRow> runs = new HashMap<>();
  private final Map<String, RunRow> polled = new LinkedHashMap<>();

  @Override
  public synchronized Future<StoredSchedule> get(String name) {
    Row row = schedules.get(name);
    return Future.succeededFuture(row == null ? null : read(row));
  }

  @Override
  public synchronized Future<List<StoredSchedule>> list(String workflowName) {
    List<StoredSchedule> out = new ArrayList<>();
    for (Row row : schedules.values()) {
      if (workflowName == null || workflowName.equals(row.workflowName())) {
        out.add(read(row));
      }
    }
    out.sort(Comparator.comparing(StoredSchedule::name));
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<SearchResult<StoredSchedule>> search(ScheduleSearch search) {
    List<StoredSchedule> hits = new ArrayList<>();
    for (Row row : schedules.values()) {
      StoredSchedule s = read(row);
      if (search.matches(s)) {
        hits.add(s);
      }
    }
    hits.sort(scheduleOrder(search));
    return Future.succeededFuture(new SearchResult<>(hits.size(), page(hits, search.start(), search.size())));
  }

  static Comparator<StoredSchedule> scheduleOrder(ScheduleSearch search) {
    Comparator<StoredSchedule> by = switch (search.sortField()) {
      case "workflowName" -> Comparator.comparing(s -> workflowOf(s.schedule()), Comparator.nullsFirst(Comparator.naturalOrder()));
      case "createTime" -> Comparator.comparing(s -> s.schedule().createTime, Comparator.nullsFirst(Comparator.naturalOrder()));
      case "updatedTime" -> Comparator.comparing(s -> s.schedule().updatedTime, Comparator.nullsFirst(Comparator.naturalOrder()));
      case "nextRunTime" -> Comparator.comparing(StoredSchedule::nextRunTime, Comparator.nullsLast(Comparator.naturalOrder()));
      default -> Comparator.comparing(StoredSchedule::name);
    };
    by = by.thenComparing(StoredSchedule::name);
    return search.descending() ? by.reversed() : by;
  }

  @Override
  public synchronized Future<Boolean> write(StoredSchedule schedule, long expectedVersion) {
    Row current = schedules.get(schedule.name());
    long version = current == null ? 0 : current.version();
    if (version != expectedVersion) {
      return Future.succeededFuture(false);
    }
    put(schedule, current);
    return Future.succeededFuture(true);
  }

  private void put(StoredSchedule s, Row previous) {
    if (previous != null && previous.due() != null) {
      dueOrder.remove(previous.due());
    }
    Long next = s.schedule().paused ? null : s.nextRunTime();
    Due due = next == null ? null : new Due(next, s.name());
    if (due != null) {
      dueOrder.add(due);
    }
    schedules.put(s.name(), new Row(Json.toBytes(s.schedule()), workflowOf(s.schedule()), s.schedule().paused,
        s.slots(), s.version(), due));
  }

  @Override
  public synchronized Future<Boolean> delete(String name) {
    Row row = schedules.remove(name);
    if (row != null && row.due() != null) {
      dueOrder.remove(row.due());
    }
    return Future.succeededFuture(row != null);
  }

  @Override
  public synchronized Future<List<StoredSchedule>> due(long now, long afterTime, String afterName, int limit) {
    List<StoredSchedule> out = new ArrayList<>();
    Iterator<Due> it = (afterName == null ? dueOrder : dueOrder.tailSet(new Due(afterTime, afterName), false)).iterator();
    while (it.hasNext() && out.size() < limit) {
      Due d = it.next();
      if (d.time() > now) {
        break;
      }
      out.add(read(schedules.get(d.name())));
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Boolean> claim(StoredSchedule advanced, long expectedVersion, List<ScheduleExecution> claimed,
      long leaseUntil) {
    Row current = schedules.get(advanced.name());
    if (current == null || current.version() != expectedVersion) {
      return Future.succeededFuture(false);
    }
    put(advanced, current);
    for (ScheduleExecution run : claimed) {
      if (!runs.containsKey(run.executionId())) {
        RunRow row = new RunRow(Json.toBytes(run), fields(run), leaseUntil);
        runs.put(run.executionId(), row);
        polled.put(run.executionId(), row);
      }
    }
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> finish(ScheduleExecution run) {
    polled.remove(run.executionId());
    runs.put(run.executionId(), new RunRow(Json.toBytes(run), fields(run), 0));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<ScheduleExecution>> expiredRuns(long now, int limit) {
    List<ScheduleExecution> out = new ArrayList<>();
    for (RunRow row : polled.values()) {
      if (out.size() >= limit) {
        break;
      }
      if (row.leaseUntil() <= now) {
        out.add(Json.fromBytes(row.json(), ScheduleExecution.class));
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Boolean> renewLease(String executionId, long now, long leaseUntil) {
    RunRow row = polled.get(executionId);
    if (row == null || row.leaseUntil() > now) {
      return Future.succeededFuture(false);
    }
    RunRow renewed = new RunRow(row.json(), row.fields(), leaseUntil);
    polled.put(executionId, renewed);
    runs.put(executionId, renewed);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<List<String>> expireLeases() {
    List<String> ids = new ArrayList<>(polled.keySet());
    for (String id : ids) {
      RunRow row = polled.get(id);
      RunRow expired = new RunRow(row.json(), row.fields(), 0);
      polled.put(id, expired);
      runs.put(id, expired);
    }
    return Future.succeededFuture(ids);
  }

  @Override
  public synchronized Future<SearchResult<ScheduleExecution>> searchExecutions(ExecutionQuery query) {
    List<RunRow> hits = new ArrayList<>();
    for (RunRow row : runs.values()) {
      if (query.matches(row.fields())) {
        hits.add(row);
      }
    }
    hits.sort(runOrder(query));
    List<ScheduleExecution> page = new ArrayList<>();
    for (RunRow row : page(hits, query.start(), query.size())) {
      page.add(Json.fromBytes(row.json(), ScheduleExecution.class));
    }
    return Future.succeededFuture(new SearchResult<>(hits.size(), page));
  }

  private static Comparator<RunRow> runOrder(ExecutionQuery query) {
    Comparator<ScheduleExecution> by = switch (query.sortField()) {
      case "executionTime" -> Comparator.comparing(ScheduleExecution::executionTime, Comparator.nullsFirst(Comparator.naturalOrder()));
      case "scheduleName" -> Comparator.comparing(ScheduleExecution::scheduleName, Comparator.nullsFirst(Comparator.naturalOrder()));
      case "workflowName" -> Comparator.comparing(ScheduleExecution::workflowName, Comparator.nullsFirst(Comparator.naturalOrder()));
      case "state" -> Comparator.comparing(e -> e.state().name());
      default -> Comparator.comparing(ScheduleExecution::scheduledTime, Comparator.nullsFirst(Comparator.naturalOrder()));
    };
    by = by.thenComparing(ScheduleExecution::executionId);
    Comparator<RunRow> rows = Comparator.comparing(RunRow::fields, by);
    return query.descending() ? rows.reversed() : rows;
  }

  @Override
  public synchronized Future<Integer> removeExecutionsOlderThan(long scheduledBefore) {
    int removed = 0;
    for (Iterator<RunRow> it = runs.values().iterator(); it.hasNext(); ) {
      ScheduleExecution f = it.next().fields();
      if (f.state() != ScheduleExecution.State.POLLED && f.scheduledTime() != null && f.scheduledTime() < scheduledBefore) {
        it.remove();
        removed++;
      }
    }
    return Future.succeededFuture(removed);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static StoredSchedule read(Row row) {
    return new StoredSchedule(Json.fromBytes(row.json(), WorkflowSchedule.class), row.slots(), row.version());
  }

  /** The record without its request: what searches and recovery compare. */
  private static ScheduleExecution fields(ScheduleExecution run) {
    return new ScheduleExecution(run.executionId(), run.scheduleName(), run.scheduledTime(), run.executionTime(),
        run.workflowName(), run.workflowId(), run.reason(), null, null, run.state(), run.zoneId());
  }

  static String workflowOf(WorkflowSchedule s) {
    return s.startWorkflowRequest == null ? null : s.startWorkflowRequest.name;
  }

  private static <T> List<T> page(List<T> all, int start, int size) {
    if (start >= all.size()) {
      return List.of();
    }
    return new ArrayList<>(all.subList(start, Math.min(all.size(), start + size)));
  }
}
