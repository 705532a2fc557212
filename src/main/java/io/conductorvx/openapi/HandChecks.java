package io.conductorvx.openapi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The document's rules for the hot routes (batch poll, task update, start by name, get a
 * workflow), checked by hand on the event loop: vertx-openapi's validator roughly halved the
 * throughput of the first two, and on the standard load it took a tenth of the server's CPU
 * (building a schema validator per parameter and body copies its whole schema table; see
 * benchmarks/README.md). Only operations whose rules fit what is checked here belong in the set:
 * query parameters' scalar types with their minimum and maximum, string path parameters, and the
 * body's top-level type with its properties' types.
 * The rules are read from the document, not restated: each query parameter's scalar type and
 * minimum, and the body's top-level type with its properties' types (one streaming pass, nothing
 * built). Violations have the validator's shape: path = parameter name or body.field.
 */
public final class HandChecks {
  /** Operations checked here rather than by vertx-openapi. */
  public static final Set<String> OPERATIONS =
      Set.of("batchPoll", "updateTask", "startWorkflowByName", "getExecutionStatus");

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

  private record Param(String name, String type, Long minimum, Long maximum, boolean required) {}

  private record Body(boolean required, String type, Map<String, Set<String>> properties) {}

  private record Rules(List<Param> query, Body body) {}

  private final Map<String, Rules> rules = new HashMap<>();

  public HandChecks(JsonObject doc) {
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && OPERATIONS.contains(op.getString("operationId"))) {
          rules.put(op.getString("operationId"), rules(doc, item, op));
        }
      }
    }
    if (!rules.keySet().equals(OPERATIONS)) {
      throw new IllegalStateException("The API document lacks hand-checked operations: " + OPERATIONS + " vs " + rules.keySet());
    }
  }

  /** The violations of the request, or null when it keeps the document's rules. */
  ConductorException check(String operationId, RoutingContext ctx) {
    return check(operationId, ctx.request()::getParam, ctx.body().buffer());
  }

  /** The same, from a query parameter lookup and the body (the benchmark's entry). */
  public ConductorException check(String operationId, Function<String, String> queryParam, Buffer body) {
    Rules r = rules.get(operationId);
    List<ConductorException.Violation> problems = new ArrayList<>(0);
    for (Param p : r.query()) {
      String value = queryParam.apply(p.name());
      if (value == null || value.isBlank()) {
        if (p.required()) {
          problems.add(new ConductorException.Violation(p.name(),
              "The related request does not contain the required query parameter " + p.name()));
        }
        continue;
      }
      String problem = scalarProblem(p, value.trim());
      if (problem != null) {
        problems.add(new ConductorException.Violation(p.name(),
            "The value of query parameter " + p.name() + " is invalid. Reason: " + problem));
      }
    }
    if (r.body() != null) {
      bodyProblems(r.body(), body, problems);
    }
    return problems.isEmpty() ? null : ConductorException.violations(problems);
  }

  private static String scalarProblem(Param p, String value) {
    switch (p.type()) {
      case "integer" -> {
        if (!INTEGER.matcher(value).matches()) {
          return "Instance type string is invalid. Expected integer";
        }
        if (p.minimum() != null && Long.parseLong(value) < p.minimum()) {
          return "Value " + value + " is less than the minimum " + p.minimum();
        }
        if (p.maximum() != null && Long.parseLong(value) > p.maximum()) {
          return "Value " + value + " is greater than the maximum " + p.maximum();
        }
        return null;
      }
      case "boolean" -> {
        return "true".equals(value) || "false".equals(value) ? null : "Instance type string is invalid. Expected boolean";
      }
      default -> {
        return null;
      }
    }
  }

  private static void bodyProblems(Body body, Buffer buffer, List<ConductorException.Violation> problems) {
    if (buffer == null || buffer.length() == 0) {
      if (body.required()) {
        problems.add(new ConductorException.Violation("body", "The related request does not contain the required body."));
      }
      return;
    }
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(buffer.getBytes())) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        if (body.required()) {
          problems.add(new ConductorException.Violation("body", "The related request does not contain the required body."));
        }
        return;
      }
      if (!kind(first).equals(body.type())) {
        problems.add(new ConductorException.Violation("body", "Instance type " + kind(first) + " is invalid. Expected " + body.type()));
        return;
      }
      if (first != JsonToken.START_OBJECT) {
        return;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        Set<String> allowed = body.properties().get(field);
        if (allowed != null && !allowed.contains(kind(value)) && !(value == JsonToken.VALUE_NUMBER_INT && allowed.contains("number"))) {
          problems.add(new ConductorException.Violation("body." + field,
              "Instance type " + kind(value) + " is invalid. Expected " + String.join(", ", allowed)));
        }
        parser.skipChildren();
      }
    } catch (IOException malformed) {
      // not JSON: the resource answers it with Conductor's message
    }
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT -> "integer";
      case VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }

  private static Rules rules(JsonObject doc, JsonObject item, JsonObject op) {
    List<Param> query = new ArrayList<>();
    for (JsonArray list : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
      if (list == null) {
        continue;
      }
      for (Object o : list) {
        JsonObject p = resolve(doc, (JsonObject) o);
        JsonObject schema = resolve(doc, p.getJsonObject("schema", new JsonObject()));
        if ("query".equals(p.getString("in"))) {
          Number min = (Number) schema.getValue("minimum");
          Number max = (Number) schema.getValue("maximum");
          query.add(new Param(p.getString("name"), schema.getString("type", "string"), min == null ? null : min.longValue(),
              max == null ? null : max.longValue(), p.getBoolean("required", false)));
        } else if (!"path".equals(p.getString("in")) || !"string".equals(schema.getString("type"))) {
          throw new IllegalStateException("HandChecks cannot check parameter " + p.getString("name") + " of "
              + op.getString("operationId") + ": take the operation out of HandChecks.OPERATIONS");
        }
      }
    }
    Body body = null;
    JsonObject requestBody = op.getJsonObject("requestBody");
    if (requestBody != null) {
      requestBody = resolve(doc, requestBody);
      JsonObject schema = resolve(doc, requestBody.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema"));
      Map<String, Set<String>> properties = new HashMap<>();
      JsonObject props = schema.getJsonObject("properties", new JsonObject());
      for (String name : props.fieldNames()) {
        Object type = props.getJsonObject(name).getValue("type");
        if (type instanceof String t) {
          properties.put(name, Set.of(t));
        } else if (type instanceof JsonArray types) {
          properties.put(name, Set.copyOf(types.getList().stream().map(String::valueOf).toList()));
        }
      }
      body = new Body(requestBody.getBoolean("required", false), schema.getString("type", "object"), properties);
    }
    return new Rules(query, body);
  }

  private static JsonObject resolve(JsonObject doc, JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    Object node = doc;
    for (String part : ref.substring(2).split("/")) {
      node = ((JsonObject) node).getValue(part);
    }
    return (JsonObject) node;
  }
}
