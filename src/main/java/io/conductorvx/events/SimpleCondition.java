package io.conductorvx.events;

import java.util.List;
import java.util.Map;

/**
 * A stopgap for JavaScript handler conditions until the script evaluator is on main (see the TODO
 * in {@link EventConditions}). It evaluates, with JavaScript's rules, the expressions handlers
 * mostly use: {@code $} paths ({@code $.a.b}, {@code $['a'][0]}), string/number/boolean/null
 * literals, {@code == === != !== > >= < <=}, {@code ! && ||} and parentheses, e.g.
 * {@code $.status == 'done' && $.amount > 10}. Anything else is an IllegalArgumentException, so the
 * handler does not fire rather than fire wrongly.
 */
final class SimpleCondition {
  /** JavaScript's {@code undefined}: what a missing path yields. */
  private static final Object UNDEFINED = new Object();

  private final String src;
  private final Object payload;
  private int pos;

  private SimpleCondition(String src, Object payload) {
    this.src = src;
    this.payload = payload;
  }

  /** The expression's value: a Boolean, Number, String, Map, List or null. */
  static Object evaluate(String condition, Object payload) {
    SimpleCondition c = new SimpleCondition(condition, payload);
    Object value = c.or();
    c.skipBlanks();
    if (c.pos < c.src.length()) {
      throw c.unsupported();
    }
    return value == UNDEFINED ? null : value;
  }

  private Object or() {
    Object left = and();
    while (accept("||")) {
      Object right = and();
      left = jsTruthy(left) ? left : right;
    }
    return left;
  }

  private Object and() {
    Object left = comparison();
    while (accept("&&")) {
      Object right = comparison();
      left = jsTruthy(left) ? right : left;
    }
    return left;
  }

  private Object comparison() {
    Object left = unary();
    for (String op : new String[] {"===", "!==", "==", "!=", ">=", "<=", ">", "<"}) {
      if (accept(op)) {
        Object right = unary();
        return switch (op) {
          case "===" -> strictEquals(left, right);
          case "!==" -> !strictEquals(left, right);
          case "==" -> looseEquals(left, right);
          case "!=" -> !looseEquals(left, right);
          default -> compare(op, left, right);
        };
      }
    }
    return left;
  }

  private Object unary() {
    if (peekIs("!") && !peekIs("!=")) {
      pos++;
      return !jsTruthy(unary());
    }
    if (accept("(")) {
      Object inner = or();
      expect(")");
      return inner;
    }
    return operand();
  }

  private Object operand() {
    skipBlanks();
    if (pos >= src.length()) {
      throw unsupported();
    }
    char c = src.charAt(pos);
    if (c == '$') {
      pos++;
      return path(payload);
    }
    if (c == '\'' || c == '"') {
      return string();
    }
    if (c == '-' || Character.isDigit(c)) {
      return number();
    }
    String word = identifier();
    return switch (word) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      case "null" -> null;
      case "undefined" -> UNDEFINED;
      default -> throw unsupported();
    };
  }

  private Object path(Object current) {
    while (true) {
      if (pos < src.length() && src.charAt(pos) == '.') {
        pos++;
        current = member(current, identifier());
      } else if (pos < src.length() && src.charAt(pos) == '[') {
        pos++;
        skipBlanks();
        Object key = pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"') ? string() : number();
        expect("]");
        current = member(current, key);
      } else {
        return current;
      }
    }
  }

  private static Object member(Object target, Object key) {
    if (target instanceof Map<?, ?> map) {
      String name = key instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(key);
      return map.containsKey(name) ? map.get(name) : UNDEFINED;
    }
    if (target instanceof List<?> list) {
      if ("length".equals(key)) {
        return list.size();
      }
      if (key instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() < list.size() && n.doubleValue() == n.intValue()) {
        return list.get(n.intValue());
      }
      return UNDEFINED;
    }
    if (target instanceof String s && "length".equals(key)) {
      return s.length();
    }
    if (target == null || target == UNDEFINED) {
      throw new IllegalArgumentException("TypeError: cannot read property '" + key + "' of " + (target == null ? "null" : "undefined"));
    }
    return UNDEFINED;
  }

  private String string() {
    char quote = src.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (pos < src.length() && src.charAt(pos) != quote) {
      char c = src.charAt(pos++);
      if (c == '\\' && pos < src.length()) {
        char e = src.charAt(pos++);
        sb.append(switch (e) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> e;
        });
      } else {
        sb.append(c);
      }
    }
    expect(String.valueOf(quote));
    return sb.toString();
  }

  private Number number() {
    int start = pos;
    if (pos < src.length() && src.charAt(pos) == '-') {
      pos++;
    }
    while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.'
        || src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      pos++;
    }
    try {
      return Double.parseDouble(src.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw unsupported();
    }
  }

  private String identifier() {
    int start = pos;
    while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_' || src.charAt(pos) == '$')) {
      pos++;
    }
    if (start == pos) {
      throw unsupported();
    }
    return src.substring(start, pos);
  }

  private static boolean jsTruthy(Object v) {
    if (v == null || v == UNDEFINED) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    return true;
  }

  private static boolean strictEquals(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a == null || b == null || a == UNDEFINED || b == UNDEFINED) {
      return a == b;
    }
    return (a instanceof String || a instanceof Boolean) ? a.equals(b) : a == b;
  }

  private static boolean looseEquals(Object a, Object b) {
    boolean aNull = a == null || a == UNDEFINED;
    boolean bNull = b == null || b == UNDEFINED;
    if (aNull || bNull) {
      return aNull && bNull;
    }
    Double x = numeric(a);
    Double y = numeric(b);
    if ((a instanceof Number || a instanceof Boolean || b instanceof Number || b instanceof Boolean) && x != null && y != null) {
      return x.doubleValue() == y.doubleValue();
    }
    return strictEquals(a, b);
  }

  private static boolean compare(String op, Object a, Object b) {
    int c;
    if (a instanceof String s && b instanceof String t) {
      c = s.compareTo(t);
    } else {
      Double x = numeric(a);
      Double y = numeric(b);
      if (x == null || y == null || x.isNaN() || y.isNaN()) {
        return false;
      }
      c = Double.compare(x, y);
    }
    return switch (op) {
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      case "<" -> c < 0;
      default -> c <= 0;
    };
  }

  /** JavaScript's ToNumber for the primitive kinds, or null when it is not a primitive. */
  private static Double numeric(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    if (v == null) {
      return 0.0;
    }
    if (v instanceof String s) {
      try {
        return s.isBlank() ? 0.0 : Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return null;
  }

  private boolean accept(String token) {
    skipBlanks();
    if (src.startsWith(token, pos)) {
      pos += token.length();
      return true;
    }
    return false;
  }

  private boolean peekIs(String token) {
    skipBlanks();
    return src.startsWith(token, pos);
  }

  private void expect(String token) {
    if (!accept(token)) {
      throw unsupported();
    }
  }

  private void skipBlanks() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException unsupported() {
    return new IllegalArgumentException("Condition not understood at position " + pos + ": '" + src + "'. Until the"
        + " script evaluator is available, conditions may use $ paths, literals, == === != !== > >= < <=, ! && || and"
        + " parentheses");
  }
}
