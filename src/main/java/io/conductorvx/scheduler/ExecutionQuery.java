package io.conductorvx.scheduler;

import io.conductorvx.error.ConductorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search of schedule runs ({@code GET /api/scheduler/search/executions}). The query is Conductor's
 * clauses joined by AND: {@code scheduleName IN (a,b)}, {@code state IN (..)}, {@code scheduledTime>ms},
 * {@code scheduledTime<ms}, {@code workflowName=x} (contains, any case), {@code executionId=id}; any
 * other clause is a schedule name. ui-next's words are understood too: {@code workflowType IN (..)}
 * (exact names), {@code status IN (..)}, {@code startTime>ms}/{@code startTime<ms} (the slot time),
 * quoted values. Stores evaluate {@link #matches} or translate the conditions to SQL.
 */
public record ExecutionQuery(List<Condition> conditions, String freeText, int start, int size, String sortField,
    boolean descending) {
  public static final int MAX_SIZE = 5000;

  /** Fields a condition or a sort may name (the stored record's). */
  public enum Field { SCHEDULE_NAME, STATE, WORKFLOW_NAME, WORKFLOW_ID, EXECUTION_ID, SCHEDULED_TIME, EXECUTION_TIME }

  /** IN: one of the values; CONTAINS: contains the value, any case; GT/LT: numeric comparison. */
  public enum Op { IN, CONTAINS, GT, LT }

  public record Condition(Field field, Op op, List<String> values) {
    /** The value as a number for GT/LT. */
    public long number() {
      return Long.parseLong(values.get(0));
    }
  }

  private static final Pattern IN = Pattern.compile("(?i)^\\s*(\\w+)\\s+IN\\s*\\((.*)\\)\\s*$");
  private static final Pattern COMPARE = Pattern.compile("^\\s*(\\w+)\\s*(=|>|<)\\s*(.*?)\\s*$");

  public static ExecutionQuery parse(String query, String freeText, int start, int size, String sort) {
    if (size > MAX_SIZE) {
      throw ConductorException.badRequest("Cannot return more than " + MAX_SIZE + " executions. Please use pagination.");
    }
    if (start < 0 || size < 0) {
      throw ConductorException.badRequest("start and size must not be negative");
    }
    List<Condition> conditions = new ArrayList<>();
    if (query != null && !query.isBlank()) {
      for (String clause : query.split("(?i)\\s+AND\\s+")) {
        if (!clause.isBlank()) {
          conditions.add(clause(clause.trim()));
        }
      }
    }
    String sortField = "scheduledTime";
    boolean desc = true;
    if (sort != null) {
      for (String item : sort.split("[;,]")) {
        String[] parts = item.split(":");
        String field = sortField(parts[0].trim());
        if (field != null) {
          sortField = field;
          desc = parts.length > 1 && "DESC".equalsIgnoreCase(parts[1].trim());
          break;
        }
      }
    }
    String text = freeText == null || freeText.isBlank() || "*".equals(freeText.trim()) ? null : freeText.trim();
    return new ExecutionQuery(List.copyOf(conditions), text, start, size, sortField, desc);
  }

  private static Condition clause(String text) {
    Matcher in = IN.matcher(text);
    if (in.matches()) {
      Field field = field(in.group(1));
      if (field != null) {
        List<String> values = new ArrayList<>();
        for (String v : in.group(2).split(",")) {
          if (!v.isBlank()) {
            values.add(canonical(field, unquote(v.trim())));
          }
        }
        return new Condition(field, Op.IN, values);
      }
    }
    Matcher cmp = COMPARE.matcher(text);
    if (cmp.matches()) {
      Field field = field(cmp.group(1));
      String value = unquote(cmp.group(3));
      if (field != null) {
        String op = cmp.group(2);
        if (!"=".equals(op)) {
          if (field != Field.SCHEDULED_TIME && field != Field.EXECUTION_TIME) {
            throw ConductorException.badRequest("Invalid search clause, only times compare with > and <: " + text);
          }
          try {
            Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw ConductorException.badRequest("Invalid search clause, expected a time in ms: " + text);
          }
          return new Condition(field, ">".equals(op) ? Op.GT : Op.LT, List.of(value));
        }
        // workflowName=x is a contains match in Conductor; every other field is exact
        return new Condition(field, field == Field.WORKFLOW_NAME && "workflowName".equals(cmp.group(1)) ? Op.CONTAINS : Op.IN,
            List.of(canonical(field, value)));
      }
    }
    // Conductor's rule: anything else names a schedule
    return new Condition(Field.SCHEDULE_NAME, Op.IN, List.of(unquote(text)));
  }

  private static Field field(String name) {
    return switch (name) {
      case "scheduleName" -> Field.SCHEDULE_NAME;
      case "state", "status" -> Field.STATE;
      case "workflowName", "workflowType" -> Field.WORKFLOW_NAME;
      case "workflowId" -> Field.WORKFLOW_ID;
      case "executionId" -> Field.EXECUTION_ID;
      case "scheduledTime", "startTime" -> Field.SCHEDULED_TIME;
      case "executionTime" -> Field.EXECUTION_TIME;
      default -> null;
    };
  }

  private static String sortField(String name) {
    return switch (name) {
      case "scheduledTime", "startTime" -> "scheduledTime";
      case "executionTime" -> "executionTime";
      case "scheduleName" -> "scheduleName";
      case "workflowName", "workflowType" -> "workflowName";
      case "state", "status" -> "state";
      default -> null;
    };
  }

  private static String canonical(Field field, String value) {
    return field == Field.STATE ? value.toUpperCase(Locale.ROOT) : value;
  }

  private static String unquote(String v) {
    String t = v.trim();
    if (t.length() >= 2 && (t.startsWith("'") && t.endsWith("'") || t.startsWith("\"") && t.endsWith("\""))) {
      return t.substring(1, t.length() - 1);
    }
    return t;
  }

  /** The value a condition or sort compares for a record. */
  public static Object value(ScheduleExecution e, Field field) {
    return switch (field) {
      case SCHEDULE_NAME -> e.scheduleName();
      case STATE -> e.state() == null ? null : e.state().name();
      case WORKFLOW_NAME -> e.workflowName();
      case WORKFLOW_ID -> e.workflowId();
      case EXECUTION_ID -> e.executionId();
      case SCHEDULED_TIME -> e.scheduledTime();
      case EXECUTION_TIME -> e.executionTime();
    };
  }

  /** Whether a record matches every condition and the free text. */
  public boolean matches(ScheduleExecution e) {
    for (Condition c : conditions) {
      Object v = value(e, c.field());
      boolean ok = switch (c.op()) {
        case IN -> v != null && c.values().contains(v.toString());
        case CONTAINS -> v != null && v.toString().toLowerCase(Locale.ROOT).contains(c.values().get(0).toLowerCase(Locale.ROOT));
        case GT -> v instanceof Long n && n > c.number();
        case LT -> v instanceof Long n && n < c.number();
      };
      if (!ok) {
        return false;
      }
    }
    return freeText == null || freeTextOf(e).contains(freeText.toLowerCase(Locale.ROOT));
  }

  /** What free text is matched against: the record's names, ids and reason. */
  static String freeTextOf(ScheduleExecution e) {
    return String.join(" ", String.valueOf(e.scheduleName()), String.valueOf(e.workflowName()),
        String.valueOf(e.workflowId()), String.valueOf(e.executionId()), String.valueOf(e.reason())).toLowerCase(Locale.ROOT);
  }
}
