package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.error.ConductorException;
import io.conductorvx.store.SearchQuery;
import io.conductorvx.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads path, query and body values, turning every malformed one into a 400. */
final class Requests {
  private Requests() {}

  static String path(RoutingContext ctx, String name) {
    String v = ctx.pathParam(name);
    if (v == null || v.isBlank()) {
      throw ConductorException.badRequest(name + " must not be empty");
    }
    return v;
  }

  static int intPath(RoutingContext ctx, String name) {
    String v = path(ctx, name);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ConductorException.badRequest(name + " must be a number, got: " + v);
    }
  }

  static String query(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Every value of a repeated query parameter, comma lists split too. */
  static List<String> queryList(RoutingContext ctx, String name) {
    List<String> out = new ArrayList<>();
    for (String v : ctx.queryParam(name)) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  static String requiredQuery(RoutingContext ctx, String name) {
    String v = query(ctx, name);
    if (v == null || v.isBlank()) {
      throw ConductorException.badRequest("Query parameter '" + name + "' is required");
    }
    return v;
  }

  static int intQuery(RoutingContext ctx, String name, int defaultValue) {
    long v = longQuery(ctx, name, defaultValue);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw ConductorException.badRequest("Query parameter '" + name + "' is out of range: " + v);
    }
    return (int) v;
  }

  static Integer optionalIntQuery(RoutingContext ctx, String name) {
    String v = query(ctx, name);
    return v == null || v.isBlank() ? null : intQuery(ctx, name, 0);
  }

  static long longQuery(RoutingContext ctx, String name, long defaultValue) {
    String v = query(ctx, name);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw ConductorException.badRequest("Query parameter '" + name + "' must be a number, got: " + v);
    }
  }

  private static final Pattern SORT_ITEM = Pattern.compile("\\s*[\\w.]+\\s*(:\\s*(?i:ASC|DESC)\\s*)?");

  /**
   * A search sort, Conductor's {@code field[:ASC|DESC]} items joined by ';'. Empty items are
   * dropped; null when there is none.
   */
  static String sortQuery(RoutingContext ctx, String name) {
    String v = query(ctx, name);
    if (v == null) {
      return null;
    }
    List<String> items = new ArrayList<>();
    for (String item : v.split(";")) {
      if (item.isBlank()) {
        continue;
      }
      if (!SORT_ITEM.matcher(item).matches()) {
        throw ConductorException.badRequest("Query parameter '" + name + "' must be field[:ASC|DESC] items separated by ';', got: " + v);
      }
      items.add(item.trim());
    }
    return items.isEmpty() ? null : String.join(";", items);
  }

  /** A search's {@code query} (given, as callers may add clauses), freeText, start, size and sort. */
  static SearchQuery searchQuery(RoutingContext ctx, String query) {
    return SearchQuery.parse(query, query(ctx, "freeText"), intQuery(ctx, "start", 0), intQuery(ctx, "size", 100),
        sortQuery(ctx, "sort"));
  }

  static boolean boolQuery(RoutingContext ctx, String name, boolean defaultValue) {
    String v = query(ctx, name);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    if ("true".equalsIgnoreCase(v.trim())) {
      return true;
    }
    if ("false".equalsIgnoreCase(v.trim())) {
      return false;
    }
    throw ConductorException.badRequest("Query parameter '" + name + "' must be true or false, got: " + v);
  }

  static byte[] bodyBytes(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      throw ConductorException.badRequest("Request body must not be empty");
    }
    return b.getBytes();
  }

  static <T> T body(RoutingContext ctx, Class<T> type) {
    return Json.parseRequest(bodyBytes(ctx), type);
  }

  static <T> T body(RoutingContext ctx, TypeReference<T> type) {
    return Json.parseRequest(bodyBytes(ctx), type);
  }

  /** A body that may be absent: null when the request has none. */
  static <T> T optionalBody(RoutingContext ctx, Class<T> type) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0 || b.toString().isBlank()) {
      return null;
    }
    return Json.parseRequest(b.getBytes(), type);
  }
}
