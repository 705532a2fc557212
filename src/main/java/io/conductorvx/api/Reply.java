package io.conductorvx.api;

import io.conductorvx.model.Json;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** What a route answers: status, content type and body, written in one place. */
public record Reply(int status, String contentType, Buffer body) {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain";

  public static Reply json(Object value) {
    return new Reply(200, JSON, Buffer.buffer(Json.toBytes(value)));
  }

  /** JSON the owner already serialized (a polled task). */
  public static Reply rawJson(byte[] json) {
    return new Reply(200, JSON, Buffer.buffer(json));
  }

  /** A JSON array of already serialized elements. */
  public static Reply rawJsonArray(List<byte[]> elements) {
    Buffer b = Buffer.buffer().appendByte((byte) '[');
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        b.appendByte((byte) ',');
      }
      b.appendBytes(elements.get(i));
    }
    return new Reply(200, JSON, b.appendByte((byte) ']'));
  }

  /** A bare id, as Conductor answers starts and updates: no JSON quotes. */
  public static Reply text(String value) {
    return new Reply(200, TEXT, Buffer.buffer(value == null ? "" : value));
  }

  public static Reply ok() {
    return new Reply(200, null, null);
  }

  public static Reply noContent() {
    return new Reply(204, null, null);
  }
}
