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

  /** A JSON array of already serialized elements, copied once into a body of the exact size. */
  public static Reply rawJsonArray(List<byte[]> elements) {
    int size = 2 + Math.max(0, elements.size() - 1);
    for (byte[] element : elements) {
      size += element.length;
    }
    byte[] body = new byte[size];
    body[0] = '[';
    int at = 1;
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        body[at++] = ',';
      }
      byte[] element = elements.get(i);
      System.arraycopy(element, 0, body, at, element.length);
      at += element.length;
    }
    body[at] = ']';
    return new Reply(200, JSON, Buffer.buffer(body));
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
