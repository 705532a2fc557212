package io.conductorvx.tasks.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an HTTP task asks for, read from {@code http_request} or, without it, from the task input
 * itself. Defaults are Conductor's: JSON in and out, 3000 ms to connect and 3000 ms between reads.
 */
public record HttpRequestSpec(String uri, String method, Map<String, List<String>> headers, Object body,
    String accept, String contentType, long connectTimeoutMs, long readTimeoutMs) {

  public static final String INPUT_KEY = "http_request";
  static final String JSON = "application/json";
  static final long DEFAULT_TIMEOUT_MS = 3000;
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE");

  /** @throws IllegalArgumentException when the input lacks what a request needs */
  public static HttpRequestSpec from(Map<String, Object> input) {
    Object nested = input.get(INPUT_KEY);
    Map<?, ?> in = nested instanceof Map<?, ?> m ? m : input;
    Object uri = in.get("uri");
    if (uri == null || uri.toString().isBlank()) {
      throw new IllegalArgumentException("Missing HTTP URI. See documentation for HttpTask for required input parameters");
    }
    Object method = in.get("method");
    if (method == null || method.toString().isBlank()) {
      throw new IllegalArgumentException("No HTTP method specified");
    }
    String verb = method.toString().trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(verb)) {
      throw new IllegalArgumentException("Unsupported HTTP method: " + method);
    }
    return new HttpRequestSpec(uri.toString().trim(), verb, headers(in.get("headers")), in.get("body"),
        joined(in.get("accept"), JSON), joined(in.get("contentType"), JSON),
        millis(in.get("connectionTimeOut"), "connectionTimeOut"), millis(in.get("readTimeOut"), "readTimeOut"));
  }

  private static Map<String, List<String>> headers(Object raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    if (!(raw instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("HTTP headers must be a map, got: " + raw);
    }
    map.forEach((name, value) -> {
      List<String> values = new ArrayList<>();
      if (value instanceof List<?> list) {
        list.forEach(v -> values.add(String.valueOf(v)));
      } else if (value != null) {
        values.add(value.toString());
      }
      out.put(String.valueOf(name), values);
    });
    return out;
  }

  /** A header value given as a string or a list of strings. */
  private static String joined(Object value, String fallback) {
    if (value instanceof List<?> list && !list.isEmpty()) {
      List<String> parts = new ArrayList<>();
      list.forEach(v -> parts.add(String.valueOf(v)));
      return String.join(", ", parts);
    }
    return value == null || value.toString().isBlank() ? fallback : value.toString();
  }

  private static long millis(Object value, String what) {
    if (value == null || value.toString().isBlank()) {
      return DEFAULT_TIMEOUT_MS;
    }
    try {
      long ms = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
      return ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number of milliseconds, got '" + value + "'");
    }
  }

  boolean sendsJson() {
    return contentType.toLowerCase(Locale.ROOT).contains("json");
  }

  boolean sendsForm() {
    return contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }
}
