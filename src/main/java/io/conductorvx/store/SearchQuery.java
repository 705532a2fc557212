package io.conductorvx.store;

import io.conductorvx.error.ConductorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A parsed Conductor search: clauses {@code field op value} joined by AND (ops =, !=, >, <, IN),
 * free text ({@code *} = everything), a page and a sort. Stores translate it (SQL) or evaluate it
 * with {@link #matches}.
 */
public record SearchQuery(List<Clause> clauses, String freeText, int start, int size, String sortField, boolean descending) {
  public static final int MAX_SIZE = 5000;

  /** One condition; {@code values} has several entries only for IN. */
  public record Clause(String field, String op, List<String> values) {}

  public static SearchQuery parse(String query, String freeText, int start, int size, String sort) {
    if (size > MAX_SIZE) {
      throw ConductorException.badRequest("Cannot return more than " + MAX_SIZE + " workflows. Please use pagination.");
    }
    if (start < 0 || size < 0) {
      throw ConductorException.badRequest("start and size must not be negative");
    }
    List<Clause> clauses = new ArrayList<>();
    if (query != null && !query.isBlank()) {
      for (String part : query.split("(?i)\\s+AND\\s+")) {
        clauses.add(parseClause(part.trim()));
      }
    }
    String sortField = null;
    boolean desc = false;
    for (String item : sort == null ? new String[0] : sort.split(";")) {
      String[] fieldAndOrder = item.split(":");
      if (fieldAndOrder.length > 0 && !fieldAndOrder[0].isBlank()) {
        sortField = fieldAndOrder[0].trim();
        desc = fieldAndOrder.length > 1 && "DESC".equalsIgnoreCase(fieldAndOrder[1].trim());
        break; // one sort field, as Conductor's SQL backends use
      }
    }
    String text = freeText == null || freeText.isBlank() ? "*" : freeText.trim();
    return new SearchQuery(List.copyOf(clauses), text, start, size, sortField, desc);
  }

  private static Clause parseClause(String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    int in = upper.indexOf(" IN ");
    if (in < 0 && upper.contains(" IN(")) {
      in = upper.indexOf(" IN(");
    }
    if (in > 0) {
      String field = text.substring(0, in).trim();
      String rest = text.substring(in + 4).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw ConductorException.badRequest("Invalid search clause, expected IN (a,b,...): " + text);
      }
      List<String> values = new ArrayList<>();
      for (String v : rest.substring(1, rest.length() - 1).split(",")) {
        if (!v.isBlank()) {
          values.add(unquote(v.trim()));
        }
      }
      return new Clause(field, "IN", values);
    }
    for (String op : new String[] {"!=", ">=", "<=", "=", ">", "<"}) {
      int at = text.indexOf(op);
      if (at > 0) {
        return new Clause(text.substring(0, at).trim(), op, List.of(unquote(text.substring(at + op.length()).trim())));
      }
    }
    throw ConductorException.badRequest("Invalid search clause: " + text);
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  public boolean matchesAll() {
    return clauses.isEmpty() && "*".equals(freeText);
  }

  /**
   * Evaluates the clauses against a document's fields, then the free text against its JSON
   * ({@code text}, asked for only when the clauses match and there is free text).
   */
  public boolean matches(Function<String, Object> field, Supplier<String> text) {
    for (Clause c : clauses) {
      if (!matches(c, field.apply(c.field()))) {
        return false;
      }
    }
    return "*".equals(freeText) || text.get().toLowerCase(Locale.ROOT).contains(freeText.toLowerCase(Locale.ROOT));
  }

  private static boolean matches(Clause c, Object actual) {
    String value = actual == null ? "" : actual.toString();
    return switch (c.op()) {
      case "IN" -> c.values().contains(value);
      case "=" -> wildcard(c.values().get(0), value);
      case "!=" -> !wildcard(c.values().get(0), value);
      default -> compare(value, c.values().get(0), c.op());
    };
  }

  private static boolean wildcard(String pattern, String value) {
    if (!pattern.contains("*")) {
      return pattern.equals(value);
    }
    StringBuilder regex = new StringBuilder();
    for (String literal : pattern.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append(".*");
      }
      regex.append(java.util.regex.Pattern.quote(literal));
    }
    return value.matches(regex.toString());
  }

  private static boolean compare(String actual, String expected, String op) {
    int cmp;
    try {
      cmp = Long.compare(Long.parseLong(actual), Long.parseLong(expected));
    } catch (NumberFormatException e) {
      cmp = actual.compareTo(expected);
    }
    return switch (op) {
      case ">" -> cmp > 0;
      case "<" -> cmp < 0;
      case ">=" -> cmp >= 0;
      default -> cmp <= 0;
    };
  }
}
