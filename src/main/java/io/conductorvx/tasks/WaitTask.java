package io.conductorvx.tasks;

import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WAIT: IN_PROGRESS until its {@code duration} has passed since it started, or until the instant
 * {@code until} names; without either, until someone updates it (task update, update by
 * reference, signal). The deadline is recomputed from the input, so nothing extra is stored: the
 * decider re-decides the workflow at {@link #nextCheckAt} and {@link #evaluate} completes it.
 */
public final class WaitTask implements TaskType {
  public static final String TYPE = "WAIT";
  static final String DURATION = "duration";
  static final String UNTIL = "until";

  private static final Pattern DURATION_PART = Pattern.compile("\\s*(\\d+)\\s*([a-z]+)\\s*,?", Pattern.CASE_INSENSITIVE);
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
  private static final DateTimeFormatter DATE_TIME_ZONE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void start(TaskContext ctx, Task task) {
    long deadline;
    try {
      deadline = deadline(task);
    } catch (IllegalArgumentException e) {
      SystemTasks.finish(ctx, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, e.getMessage());
      return;
    }
    SystemTasks.inProgress(ctx, task);
    if (deadline > 0 && ctx.now() >= deadline) {
      SystemTasks.finish(ctx, task, TaskStatus.COMPLETED, null); // a date in the past
    }
  }

  @Override
  public boolean evaluate(TaskContext ctx, Task task) {
    long deadline = safeDeadline(task);
    if (task.status == TaskStatus.IN_PROGRESS && deadline > 0 && ctx.now() >= deadline) {
      SystemTasks.finish(ctx, task, TaskStatus.COMPLETED, null);
      return true;
    }
    return false;
  }

  @Override
  public long nextCheckAt(Task task) {
    return task.status == TaskStatus.IN_PROGRESS ? safeDeadline(task) : 0;
  }

  private static long safeDeadline(Task task) {
    try {
      return deadline(task);
    } catch (IllegalArgumentException e) {
      return 0; // only reachable if the input changed after start
    }
  }

  /** Epoch ms at which the wait ends, or 0 when it waits for an external update. */
  static long deadline(Task task) {
    Object duration = blankToNull(task.inputData.get(DURATION));
    Object until = blankToNull(task.inputData.get(UNTIL));
    if (duration != null && until != null) {
      throw new IllegalArgumentException("Both 'duration' and 'until' specified. Please provide only one input");
    }
    if (duration != null) {
      return task.startTime + parseDuration(duration.toString()) * 1000;
    }
    if (until != null) {
      return parseUntil(until.toString());
    }
    return 0;
  }

  /** Why a {@code duration} input cannot be used, or null when it parses (definition validation). */
  public static String durationProblem(String text) {
    try {
      parseDuration(text);
      return null;
    } catch (IllegalArgumentException | ArithmeticException e) {
      return e instanceof ArithmeticException ? "Invalid duration '" + text + "': too long" : e.getMessage();
    }
  }

  /** Why an {@code until} input cannot be used, or null when it parses (definition validation). */
  public static String untilProblem(String text) {
    try {
      parseUntil(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static Object blankToNull(Object value) {
    return value instanceof String s && s.isBlank() ? null : value;
  }

  /** Seconds in "30s", "5m", "1 hour 30 mins", "2d", "1 days, 2 hours"... */
  static long parseDuration(String text) {
    Matcher m = DURATION_PART.matcher(text);
    long seconds = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      long amount = Long.parseLong(m.group(1));
      seconds = Math.addExact(seconds, Math.multiplyExact(amount, unitSeconds(m.group(2), text)));
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("Invalid duration '" + text + "': expected e.g. '30s', '5m', '1 hour 30 mins', '2d'");
    }
    return seconds;
  }

  private static long unitSeconds(String unit, String text) {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "d", "day", "days" -> 86_400;
      case "h", "hr", "hrs", "hour", "hours" -> 3_600;
      case "m", "min", "mins", "minute", "minutes" -> 60;
      case "s", "sec", "secs", "second", "seconds" -> 1;
      default -> throw new IllegalArgumentException("Invalid duration '" + text + "': unknown unit '" + unit + "'");
    };
  }

  /** Epoch ms of "yyyy-MM-dd HH:mm z", "yyyy-MM-dd HH:mm" or "yyyy-MM-dd" (the last two in the server's zone). */
  static long parseUntil(String text) {
    String s = text.trim();
    try {
      if (s.length() > 16) {
        return ZonedDateTime.parse(s, DATE_TIME_ZONE).toInstant().toEpochMilli();
      }
      if (s.length() > 10) {
        return LocalDateTime.parse(s, DATE_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
      }
      return LocalDate.parse(s).atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("Invalid 'until' date '" + text + "': expected yyyy-MM-dd HH:mm z, yyyy-MM-dd HH:mm or yyyy-MM-dd");
    }
  }
}
