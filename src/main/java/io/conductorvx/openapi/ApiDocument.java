package io.conductorvx.openapi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Our OpenAPI document as shipped in the jar: the YAML as written, the same as JSON, and the
 * reference page made from it. Read once per JVM, on a worker thread.
 */
public record ApiDocument(Buffer yaml, Buffer json, Buffer page, JsonObject tree) {
  /** Where the document lives on the classpath. */
  public static final String RESOURCE = "openapi/conductor-vx.yaml";

  private static volatile ApiDocument loaded;

  /** The document, read and parsed on first use (off the event loop). */
  public static Future<ApiDocument> load(Vertx vertx) {
    ApiDocument doc = loaded;
    if (doc != null) {
      return Future.succeededFuture(doc);
    }
    return vertx.executeBlocking(() -> {
      ApiDocument read = read();
      loaded = read;
      return read;
    }, false);
  }

  /** Reads and parses the document on the calling thread. */
  public static ApiDocument read() {
    byte[] bytes;
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The API document " + RESOURCE + " is missing from the classpath");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LoaderOptions options = new LoaderOptions();
    Map<String, Object> map = new Yaml(options).load(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    JsonObject tree = new JsonObject(map);
    // round trip through JSON text so every nested value is a JsonObject/JsonArray
    Buffer json = Buffer.buffer(tree.encodePrettily());
    JsonObject normalized = new JsonObject(json);
    return new ApiDocument(Buffer.buffer(bytes), json, ReferencePage.render(normalized), normalized);
  }
}
