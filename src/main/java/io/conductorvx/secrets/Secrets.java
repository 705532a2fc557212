package io.conductorvx.secrets;

import io.conductorvx.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secret values, from the {@code secrets} setting and the process environment variables named
 * {@code secretsEnvPrefix} + NAME (Conductor OSS's {@code CONDUCTOR_SECRET_NAME}).
 *
 * <p>A definition reads one as {@code ${workflow.secrets.NAME}} (or {@code NAME.path} inside a JSON
 * value). Resolution leaves that text as it is: it is what task inputs store, what the API answers
 * and what in-server tasks (scripts, SET_VARIABLE, SWITCH…) see. The value replaces it only where it
 * leaves the server: in the task a worker polls ({@link #resolveInTaskJson}) and in the request an
 * HTTP task sends ({@link #substitute}), whose answer is then {@link #mask masked}. So a secret is
 * never stored, listed, logged or published on the live feed by the server; a worker or endpoint
 * that echoes it is outside that guarantee (the HTTP task's echo is masked).
 */
public final class Secrets {
  private static final String MARK = "${workflow.secrets.";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{workflow\\.secrets\\.([^}]+)}");
  private static final String MASK = "***";

  private final Map<String, String> values;

  public Secrets(Map<String, String> values) {
    this.values = new TreeMap<>(values);
  }

  /** Names only, sorted: values are never answered. */
  public List<String> names() {
    return new ArrayList<>(values.keySet());
  }

  public boolean exists(String name) {
    return values.containsKey(name);
  }

  /** True when some string in the value (maps and lists walked) references a secret. */
  public static boolean referencedIn(Object value) {
    if (value instanceof String s) {
      return s.contains(MARK);
    }
    if (value instanceof Map<?, ?> map) {
      for (Object item : map.values()) {
        if (referencedIn(item)) {
          return true;
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (referencedIn(item)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A copy of the value with every {@code ${workflow.secrets.REF}} replaced: a string that is just
   * the reference becomes the value (typed when REF reads inside JSON), one inside text is spliced
   * in ("" when unknown). The argument is not changed. Adds every text it filled in to
   * {@code used}: what {@link #mask} later hides.
   */
  public Object substitute(Object value, Set<String> used) {
    if (value instanceof String s) {
      return substituteString(s, used);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, substitute(v, used)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(item -> out.add(substitute(item, used)));
      return out;
    }
    return value;
  }

  private Object substituteString(String s, Set<String> used) {
    if (!s.contains(MARK)) {
      return s;
    }
    Matcher whole = REFERENCE.matcher(s);
    if (whole.matches()) {
      return resolve(whole.group(1), used);
    }
    Matcher m = REFERENCE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object resolved = resolve(m.group(1), used);
      m.appendReplacement(out, Matcher.quoteReplacement(resolved == null ? "" : String.valueOf(resolved)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Object resolve(String ref, Set<String> used) {
    Object value = EnvironmentVariables.lookup(ref, values);
    collectTexts(value, used);
    return value;
  }

  /** The texts a resolved value can show up as: itself, or each scalar inside it. */
  private static void collectTexts(Object value, Set<String> out) {
    if (value instanceof Map<?, ?> map) {
      map.values().forEach(v -> collectTexts(v, out));
    } else if (value instanceof List<?> list) {
      list.forEach(v -> collectTexts(v, out));
    } else if (value != null && !String.valueOf(value).isEmpty()) {
      out.add(String.valueOf(value));
    }
  }

  /**
   * A polled task's JSON with the secrets its input references filled in: what the worker gets.
   * The stored task keeps the references. Most tasks reference none and pass through untouched
   * (one scan of the bytes).
   */
  @SuppressWarnings("unchecked")
  public byte[] resolveInTaskJson(byte[] taskJson) {
    if (taskJson == null || indexOf(taskJson, MARK) < 0) {
      return taskJson;
    }
    Map<String, Object> task;
    try {
      task = Json.MAPPER.readValue(taskJson, Map.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("A task's own JSON is not readable: " + e.getMessage(), e);
    }
    Object input = task.get("inputData");
    if (input != null) {
      task.put("inputData", substitute(input, new LinkedHashSet<>()));
    }
    return Json.toBytes(task);
  }

  /**
   * A copy of the value where every string has the given secret texts (what {@link #substitute}
   * filled in) replaced by {@code ***}: what an HTTP task keeps of an answer that may echo its
   * request.
   */
  public static Object mask(Object value, Set<String> filledIn) {
    List<String> secrets = new ArrayList<>(filledIn);
    secrets.sort((a, b) -> b.length() - a.length()); // a secret containing another is masked whole
    return secrets.isEmpty() ? value : maskWith(value, secrets);
  }

  private static Object maskWith(Object value, List<String> secrets) {
    if (value instanceof String s) {
      String out = s;
      for (String secret : secrets) {
        out = out.replace(secret, MASK);
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, maskWith(v, secrets)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(item -> out.add(maskWith(item, secrets)));
      return out;
    }
    return value;
  }

  /**
   * Where {@code needle} (ASCII) first occurs in {@code haystack}, or -1. Read as Latin-1, each byte
   * is one char, so String's vectorised search finds the same index; a plain byte loop here was
   * 2.5% of the server's CPU on the standard load (every polled task is scanned).
   */
  private static int indexOf(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1).indexOf(needle);
  }
}
