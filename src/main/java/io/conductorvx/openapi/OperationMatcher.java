package io.conductorvx.openapi;

import io.vertx.core.http.HttpMethod;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the documented operation for a request's method and path. A path with more literal
 * segments wins over a templated one (/api/tasks/search before /api/tasks/{taskId}), as the
 * router's own ordering has it.
 */
final class OperationMatcher {
  private record Candidate(String[] segments, int literals, Operation operation) {}

  private final Map<HttpMethod, List<Candidate>> byMethod = new HashMap<>();

  OperationMatcher(OpenAPIContract contract) {
    for (Operation op : contract.operations()) {
      String[] segments = split(op.getOpenAPIPath());
      int literals = 0;
      for (String s : segments) {
        if (!isTemplate(s)) {
          literals++;
        }
      }
      byMethod.computeIfAbsent(op.getHttpMethod(), m -> new ArrayList<>()).add(new Candidate(segments, literals, op));
    }
    // stable sort: among equals, document order
    byMethod.values().forEach(list -> list.sort(Comparator.comparingInt(Candidate::literals).reversed()));
  }

  /** The operation, or null when the document has none for this method and path. */
  Operation find(HttpMethod method, String path) {
    List<Candidate> candidates = byMethod.get(method);
    if (candidates == null) {
      return null;
    }
    String[] segments = split(path);
    for (Candidate c : candidates) {
      if (matches(c.segments(), segments)) {
        return c.operation();
      }
    }
    return null;
  }

  private static boolean matches(String[] template, String[] path) {
    if (template.length != path.length) {
      return false;
    }
    for (int i = 0; i < template.length; i++) {
      if (isTemplate(template[i]) ? path[i].isEmpty() : !template[i].equals(path[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTemplate(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }

  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.split("/", -1);
  }
}
