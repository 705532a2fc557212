package io.conductorvx.openapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A plain, dependency-free HTML reference of the document, grouped by tag (served at /api-docs). */
final class ReferencePage {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private ReferencePage() {}

  static Buffer render(JsonObject doc) {
    JsonObject info = doc.getJsonObject("info", new JsonObject());
    Map<String, List<String>> byTag = new LinkedHashMap<>();
    for (Object t : doc.getJsonArray("tags", new JsonArray())) {
      byTag.put(((JsonObject) t).getString("name"), new ArrayList<>());
    }
    JsonObject paths = doc.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        String tag = op.getJsonArray("tags", new JsonArray().add("other")).getString(0);
        byTag.computeIfAbsent(tag, k -> new ArrayList<>()).add(operation(doc, path, method, item, op));
      }
    }
    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(info.getString("title", "API"))).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}")
        .append("code,.m{font-family:ui-monospace,monospace}.op{border-top:1px solid #ddd;padding:.6em 0}")
        .append(".m{display:inline-block;min-width:4.5em;font-weight:bold}.get{color:#1769aa}.post{color:#2e7d32}")
        .append(".put{color:#a15c00}.delete{color:#b71c1c}table{border-collapse:collapse;margin:.4em 0}")
        .append("td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;font-size:.9em}")
        .append("</style></head><body><h1>").append(esc(info.getString("title", "API"))).append("</h1><p>")
        .append(esc(info.getString("description", ""))).append("</p><p>The document: <a href=\"/api-docs/openapi.yaml\">")
        .append("openapi.yaml</a>, <a href=\"/api-docs/openapi.json\">openapi.json</a>; interactive: ")
        .append("<a href=\"/swagger-ui/index.html\">Swagger UI</a>.</p><ul>");
    for (String tag : byTag.keySet()) {
      html.append("<li><a href=\"#tag-").append(esc(tag)).append("\">").append(esc(tag)).append("</a></li>");
    }
    html.append("</ul>");
    for (Map.Entry<String, List<String>> e : byTag.entrySet()) {
      html.append("<h2 id=\"tag-").append(esc(e.getKey())).append("\">").append(esc(e.getKey())).append("</h2>");
      e.getValue().forEach(html::append);
    }
    return Buffer.buffer(html.append("</body></html>").toString());
  }

  private static String operation(JsonObject doc, String path, String method, JsonObject item, JsonObject op) {
    StringBuilder s = new StringBuilder();
    s.append("<div class=\"op\" id=\"").append(esc(op.getString("operationId", ""))).append("\"><span class=\"m ")
        .append(method).append("\">").append(method.toUpperCase()).append("</span> <code>").append(esc(path))
        .append("</code> &mdash; ").append(esc(op.getString("summary", "")));
    if (op.getString("description") != null) {
      s.append("<p>").append(esc(op.getString("description"))).append("</p>");
    }
    List<JsonObject> params = new ArrayList<>();
    for (JsonArray list : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
      if (list != null) {
        list.forEach(p -> params.add(resolve(doc, (JsonObject) p)));
      }
    }
    if (!params.isEmpty()) {
      s.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>notes</th></tr>");
      for (JsonObject p : params) {
        JsonObject schema = resolve(doc, p.getJsonObject("schema", new JsonObject()));
        s.append("<tr><td><code>").append(esc(p.getString("name"))).append("</code></td><td>")
            .append(esc(p.getString("in"))).append("</td><td>").append(esc(type(schema))).append("</td><td>")
            .append(p.getBoolean("required", false) ? "yes" : "").append("</td><td>")
            .append(schema.containsKey("default") ? "default " + esc(String.valueOf(schema.getValue("default"))) + " " : "")
            .append(esc(p.getString("description", ""))).append("</td></tr>");
      }
      s.append("</table>");
    }
    JsonObject body = op.getJsonObject("requestBody");
    if (body != null) {
      body = resolve(doc, body);
      s.append("<div>Body").append(body.getBoolean("required", false) ? " (required)" : " (optional)").append(": ");
      JsonObject content = body.getJsonObject("content", new JsonObject());
      for (String type : content.fieldNames()) {
        s.append("<code>").append(esc(type)).append("</code> ")
            .append(esc(type(content.getJsonObject(type).getJsonObject("schema", new JsonObject())))).append(' ');
      }
      s.append("</div>");
    }
    JsonObject responses = op.getJsonObject("responses", new JsonObject());
    s.append("<div>Answers: ");
    for (String code : responses.fieldNames()) {
      JsonObject r = resolve(doc, responses.getJsonObject(code));
      s.append("<b>").append(esc(code)).append("</b> ").append(esc(r.getString("description", ""))).append(' ');
    }
    return s.append("</div></div>").toString();
  }

  private static String type(JsonObject schema) {
    if (schema.getString("$ref") != null) {
      String ref = schema.getString("$ref");
      return ref.substring(ref.lastIndexOf('/') + 1);
    }
    Object type = schema.getValue("type");
    if ("array".equals(type) && schema.getJsonObject("items") != null) {
      return "array of " + type(schema.getJsonObject("items"));
    }
    return type == null ? "any" : type instanceof JsonArray a ? String.join(" | ", a.getList()) : type.toString();
  }

  private static JsonObject resolve(JsonObject doc, JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null || !ref.startsWith("#/")) {
      return maybeRef;
    }
    Object node = doc;
    for (String part : ref.substring(2).split("/")) {
      node = node instanceof JsonObject o ? o.getValue(part) : null;
    }
    return node instanceof JsonObject o ? o : maybeRef;
  }

  private static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
