package io.conductorvx.scheduler;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.conductorvx.error.ConductorException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conductor's cron dialect (Spring's: six fields with seconds, {@code ? L W #}, {@code @daily} and
 * the other macros) through cron-utils' SPRING53 definition, evaluated in a zone. Daylight-saving
 * changes are the library's: a wall time that does not exist on a spring-forward day is skipped
 * that day, one that occurs twice on a fall-back day fires once, at its first occurrence; crons
 * that name no hour (hourly, every minute) follow real time through both.
 */
public final class Cron {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
  /** Parsed expressions: schedules share few distinct crons, and firing reads them every slot. */
  private static final Map<String, ExecutionTime> PARSED = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 10_000;
  private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();

  private Cron() {}

  /** The parsed expression; a 400 naming the expression when it is not valid. */
  public static ExecutionTime parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw ConductorException.badRequest("Invalid cron expression: it is empty");
    }
    ExecutionTime cached = PARSED.get(expression);
    if (cached != null) {
      return cached;
    }
    ExecutionTime parsed;
    try {
      synchronized (PARSER) {
        parsed = ExecutionTime.forCron(PARSER.parse(expression.trim()).validate());
      }
    } catch (RuntimeException e) {
      throw ConductorException.badRequest("Invalid cron expression '" + expression + "': " + e.getMessage());
    }
    if (PARSED.size() >= MAX_CACHED) {
      PARSED.clear();
    }
    PARSED.put(expression, parsed);
    return parsed;
  }

  /** The zone; a 400 naming it when it is not a zone id. */
  public static ZoneId zone(String zoneId) {
    String id = zoneId == null || zoneId.isBlank() ? WorkflowSchedule.DEFAULT_ZONE : zoneId.trim();
    ZoneId cached = ZONES.get(id);
    if (cached != null) {
      return cached;
    }
    try {
      ZoneId zone = ZoneId.of(id);
      if (ZONES.size() < MAX_CACHED) {
        ZONES.put(id, zone);
      }
      return zone;
    } catch (DateTimeException e) {
      throw ConductorException.badRequest("Invalid zoneId '" + zoneId + "': " + e.getMessage());
    }
  }

  /** The first time the cron matches strictly after {@code afterMillis}, in ms; null when it never does. */
  public static Long next(WorkflowSchedule.CronSchedule trigger, long afterMillis) {
    // Slots are whole seconds, so the answer depends on the second only: schedules sharing a cron
    // and firing together (the common case) compute it once. cron-utils takes 20-400 µs per call.
    NextKey key = new NextKey(trigger.cronExpression(), trigger.zoneId(), Math.floorDiv(afterMillis, 1000));
    Long cached = NEXT.get(key);
    if (cached != null) {
      return cached == NEVER ? null : cached;
    }
    Long computed = compute(trigger, key.second() * 1000);
    if (NEXT.size() >= MAX_CACHED) {
      NEXT.clear();
    }
    NEXT.put(key, computed == null ? NEVER : computed);
    return computed;
  }

  private static Long compute(WorkflowSchedule.CronSchedule trigger, long afterSecond) {
    ZonedDateTime after = ZonedDateTime.ofInstant(Instant.ofEpochMilli(afterSecond), zone(trigger.zoneId()));
    Optional<ZonedDateTime> next = parse(trigger.cronExpression()).nextExecution(after);
    if (next.isEmpty()) {
      return null;
    }
    // cron-utils would carry sub-second parts into its answer; and never the same instant again or
    // an earlier one, whatever a DST edge case makes of it.
    long at = next.get().truncatedTo(ChronoUnit.SECONDS).toInstant().toEpochMilli();
    return at > afterSecond ? at : compute(trigger, afterSecond + 1000);
  }

  private record NextKey(String cron, String zone, long second) {}

  private static final Long NEVER = Long.MIN_VALUE;
  private static final Map<NextKey, Long> NEXT = new ConcurrentHashMap<>();
}
