package io.conductorvx.engine;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.ParseContext;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves {@code ${...}} expressions in task input parameters and other templates (semantics §3).
 *
 * <ul>
 *   <li>Maps and lists are walked recursively into new maps and lists; only string values are
 *       evaluated, never keys; other values are copied as they are.
 *   <li>A string that is exactly one {@code ${expr}} becomes the expression's typed value (map,
 *       list, number, boolean, string or null).
 *   <li>In any other string each {@code ${expr}} is replaced by {@code String.valueOf(value)}:
 *       maps render as {@code {a=1}}, null as {@code null}.
 *   <li>{@code expr} is a Jayway JsonPath evaluated against the context, the {@code $.} prefix being
 *       optional. A missing path yields null, and so does an expression that is not valid JsonPath:
 *       a bad expression never makes resolution throw.
 *   <li>Expressions nest and are resolved inside-out: {@code ${workflow.input.${workflow.input.key}}}.
 *   <li>{@code $${...}} is an escape for the literal text {@code ${...}}; {@code ${}} (or only
 *       blanks) yields ""; a {@code ${} without its closing brace is literal text.
 *   <li>{@code ${CPEWF_TASK_ID}} yields the id of the task being scheduled.
 *
 *   <li>{@code ${workflow.env.NAME}} (or {@code NAME.path} inside a JSON value) yields the
 *       configured environment value (see {@code secrets.EnvironmentVariables}); null when absent.
 *   <li>{@code ${workflow.secrets.NAME}} stays as it is, text included: secrets are filled in only
 *       where a task leaves the server (see {@code secrets.Secrets}), never in what is stored.
 * </ul>
 *
 * <p><b>Security:</b> unlike Conductor OSS, bare names are never looked up in OS environment
 * variables or JVM system properties (nor the {@code NETFLIX_ENV}/{@code NETFLIX_STACK} specials):
 * anyone who can register a workflow could otherwise read the server's secrets. Only the values an
 * operator published as the environment are readable, through {@code workflow.env}. Other
 * expressions are ordinary paths and resolve to null unless the context holds them.
 *
 * <p>Values taken from the context are deep copies of its maps and lists, so a resolved input never
 * aliases another task's output. Strings without {@code ${} are returned as they are with no
 * JsonPath work; plain dotted paths ({@link #isPlainPath}) are read by walking maps; other paths
 * are compiled once and reused from JsonPath's bounded LRU cache (looked up by
 * {@code ReadContext.read(String)}).
 *
 * <p>Thread-safe: the only state is the immutable JsonPath configuration and environment.
 */
public final class ParameterResolver {
  /** The expression that yields the id of the task being scheduled. */
  public static final String TASK_ID_EXPRESSION = "CPEWF_TASK_ID";

  private static final String ESCAPE = "$${";
  private static final String OPEN = "${";
  private static final String ENV = "workflow.env.";
  private static final String SECRETS = "workflow.secrets.";

  /** NAME (or NAME.path) → the environment value; null when this resolver has no environment. */
  private final Function<String, Object> environment;

  /** A resolver without an environment: {@code ${workflow.env.X}} is an ordinary (missing) path. */
  public ParameterResolver() {
    this(null);
  }

  public ParameterResolver(Function<String, Object> environment) {
    this.environment = environment;
  }

  // Jackson's provider reads plain java.util Maps/Lists and builds results as plain Lists (the
  // default json-smart one builds JSONArrays that print as JSON, not as Java toString).
  // Leaf-to-null: a missing last segment is null; suppress: a missing parent is null too.
  private static final ParseContext JSON_PATH =
      JsonPath.using(
          Configuration.builder()
              .jsonProvider(new JacksonJsonProvider())
              .options(Option.DEFAULT_PATH_LEAF_TO_NULL, Option.SUPPRESS_EXCEPTIONS)
              .build());

  /**
   * Resolves every value of {@code inputParameters} into a new map; the arguments are not changed.
   *
   * @param inputParameters the template; null is treated as empty
   * @param context the evaluation document, e.g. a {@link ResolutionContext}; must not be null
   *     when a value contains an expression
   * @param taskId the value of {@code ${CPEWF_TASK_ID}}
   */
  public Map<String, Object> resolve(
      Map<String, Object> inputParameters, Map<String, Object> context, String taskId) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    if (inputParameters != null) {
      inputParameters.forEach((key, value) -> resolved.put(key, resolveValue(value, context, taskId)));
    }
    return resolved;
  }

  /**
   * Resolves task input under a TaskDef {@code inputTemplate} (semantics §3), in two steps:
   *
   * <ol>
   *   <li>each template entry whose key is absent from {@code inputParameters}, or mapped to null
   *       there, is added, and is then resolved like any other parameter;
   *   <li>after resolution, each key whose value is null takes a deep copy of the template's raw,
   *       unresolved value for that key (so stays null when the template lacks the key).
   * </ol>
   *
   * <p>A null or empty template makes this the same as {@link #resolve}.
   */
  public Map<String, Object> resolveWithTemplate(
      Map<String, Object> inputParameters,
      Map<String, Object> inputTemplate,
      Map<String, Object> context,
      String taskId) {
    if (inputTemplate == null || inputTemplate.isEmpty()) {
      return resolve(inputParameters, context, taskId);
    }
    Map<String, Object> merged =
        inputParameters == null ? new LinkedHashMap<>() : new LinkedHashMap<>(inputParameters);
    inputTemplate.forEach(merged::putIfAbsent);
    Map<String, Object> resolved = resolve(merged, context, taskId);
    resolved.replaceAll((key, value) -> value != null ? value : deepCopy(inputTemplate.get(key)));
    return resolved;
  }

  /** Resolves one value: strings are evaluated, maps and lists walked into new ones. */
  public Object resolveValue(Object value, Map<String, Object> context, String taskId) {
    if (value instanceof String s) {
      return resolveString(s, context, taskId);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> resolved = new LinkedHashMap<>();
      map.forEach((key, item) -> resolved.put(key, resolveValue(item, context, taskId)));
      return resolved;
    }
    if (value instanceof List<?> list) {
      List<Object> resolved = new ArrayList<>(list.size());
      for (Object item : list) {
        resolved.add(resolveValue(item, context, taskId));
      }
      return resolved;
    }
    return value;
  }

  private Object resolveString(String s, Map<String, Object> context, String taskId) {
    if (!s.contains(OPEN)) {
      return s;
    }
    int[] close = matchExpressions(s);
    if (close[0] == s.length() - 1) {
      // The whole string is one expression: keep the value's type.
      String expression = interpolate(s, OPEN.length(), s.length() - 1, close, context, taskId);
      return deepCopy(evaluate(expression, context, taskId));
    }
    return interpolate(s, 0, s.length(), close, context, taskId);
  }

  /**
   * Pairs each expression opener {@code ${} with its closing brace in one pass, innermost first, so
   * nesting costs nothing extra. Returns, for each index, the index of the closing brace of the
   * expression opened there, or -1. Unclosed openers keep -1 and so stay literal text.
   */
  private static int[] matchExpressions(String s) {
    int[] close = new int[s.length()];
    Arrays.fill(close, -1);
    Deque<Integer> open = new ArrayDeque<>();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith(ESCAPE, i)) {
        i += ESCAPE.length() - 1;
      } else if (s.startsWith(OPEN, i)) {
        open.push(i);
        i += OPEN.length() - 1;
      } else if (s.charAt(i) == '}' && !open.isEmpty()) {
        close[open.pop()] = i;
      }
    }
    return close;
  }

  /**
   * The text of {@code s[from, to)} with escapes unescaped and every expression replaced by the
   * string form of its value. Steps through {@code s} exactly like {@link #matchExpressions}.
   */
  private String interpolate(
      String s, int from, int to, int[] close, Map<String, Object> context, String taskId) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      if (s.startsWith(ESCAPE, i)) {
        out.append(OPEN);
        i += ESCAPE.length();
      } else if (close[i] >= 0) {
        String expression = interpolate(s, i + OPEN.length(), close[i], close, context, taskId);
        out.append(evaluate(expression, context, taskId));
        i = close[i] + 1;
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }

  private Object evaluate(String expression, Map<String, Object> context, String taskId) {
    String expr = expression.trim();
    if (expr.isEmpty()) {
      return "";
    }
    if (expr.equals(TASK_ID_EXPRESSION)) {
      return taskId;
    }
    String path = expr.startsWith("$.") ? expr.substring(2) : expr;
    if (path.startsWith(SECRETS)) {
      return OPEN + path + "}"; // stays a reference; filled in where the task leaves the server
    }
    if (environment != null && path.startsWith(ENV)) {
      return environment.apply(path.substring(ENV.length()));
    }
    return isPlainPath(path) ? readPlainPath(path, context) : readJsonPath(expr, context);
  }

  /** Evaluates {@code expr} ({@code $.} optional) with JsonPath; an invalid path gives null. */
  static Object readJsonPath(String expr, Map<String, Object> context) {
    try {
      return JSON_PATH.parse(context).read(expr.startsWith("$") ? expr : "$." + expr);
    } catch (InvalidPathException e) {
      // Treated like a missing path: a typo in a definition must not break scheduling.
      return null;
    }
  }

  /**
   * Whether {@code path} is only names joined by dots ({@code workflow.input.orderId}), each of
   * letters, digits, {@code _} or {@code -}: most expressions in definitions are. Anything else
   * (brackets, filters, functions, wildcards) goes to JsonPath.
   */
  static boolean isPlainPath(String path) {
    boolean nameStart = true;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.') {
        if (nameStart) {
          return false;
        }
        nameStart = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        nameStart = false;
      } else {
        return false;
      }
    }
    return !nameStart;
  }

  /**
   * Reads a plain path by walking maps, as JsonPath reads it under this resolver's options (a
   * missing name, or a step into something that is not a map, gives null), without its parse,
   * cache lookup and evaluation context: measured, that was most of resolving a task's input.
   */
  static Object readPlainPath(String path, Map<String, Object> context) {
    Object at = context;
    int from = 0;
    while (from <= path.length()) {
      if (!(at instanceof Map<?, ?> map)) {
        return null;
      }
      int dot = path.indexOf('.', from);
      int to = dot < 0 ? path.length() : dot;
      at = map.get(path.substring(from, to));
      from = to + 1;
    }
    return at;
  }

  /** Copies maps and lists recursively; other values (strings, numbers, booleans) are immutable. */
  private static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put(key, deepCopy(item)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(deepCopy(item));
      }
      return copy;
    }
    return value;
  }
}
