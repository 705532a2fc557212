package io.conductorvx.secrets;

import com.jayway.jsonpath.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values workflows may read as {@code ${workflow.env.NAME}}, from the {@code environment} setting
 * and the process environment variables named {@code environmentEnvPrefix} + NAME (Conductor OSS's
 * {@code CONDUCTOR_ENV_NAME}). They are not secret: {@code GET /api/environment} lists them, and a
 * task input that reads one stores the value.
 */
public final class EnvironmentVariables {
  private final Map<String, String> values;

  public EnvironmentVariables(Map<String, String> values) {
    this.values = new TreeMap<>(values);
  }

  /** The value of NAME, or null. */
  public String get(String name) {
    return values.get(name);
  }

  /** Every variable, sorted by name. */
  public List<Map.Entry<String, String>> all() {
    return new ArrayList<>(values.entrySet());
  }

  /**
   * What {@code ${workflow.env.REF}} yields: REF is NAME, or NAME.path to read inside a value that
   * holds JSON; null when there is no such variable or path.
   */
  public Object resolve(String ref) {
    return lookup(ref, values);
  }

  static Object lookup(String ref, Map<String, String> values) {
    int dot = ref.indexOf('.');
    if (dot < 0) {
      return values.get(ref);
    }
    String value = values.get(ref.substring(0, dot));
    if (value == null) {
      return null;
    }
    try {
      return JsonPath.parse(value).read("$." + ref.substring(dot + 1));
    } catch (RuntimeException notJsonOrNoSuchPath) {
      return null;
    }
  }
}
