package io.conductorvx.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The few fields the load generator reads from a server's answers, taken with a streaming parser
 * that skips everything else. Building the whole answer as maps (a polled task carries its
 * workflow task and task definition; a workflow its definition) was a third of the generator's
 * CPU, and the generator shares the machine with the server it measures.
 */
final class ResponseFields {
  private static final JsonFactory JSON = new JsonFactory();

  /** What a worker needs of a polled task to complete it. */
  record PolledTask(String taskId, String workflowInstanceId, Object n) {}

  private ResponseFields() {}

  /** The tasks of a batch poll's answer (a JSON array of tasks). */
  static List<PolledTask> polledTasks(Buffer body) {
    List<PolledTask> tasks = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body.getBytes())) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("a batch poll answers a JSON array");
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String taskId = null;
        String workflowId = null;
        Object n = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "taskId" -> taskId = p.getValueAsString();
            case "workflowInstanceId" -> workflowId = p.getValueAsString();
            case "inputData" -> n = valueOf(p, "n");
            default -> p.skipChildren();
          }
        }
        tasks.add(new PolledTask(taskId, workflowId, n));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tasks;
  }

  /** The top-level {@code status} of a workflow's JSON; null when absent. */
  static String status(Buffer body) {
    try (JsonParser p = JSON.createParser(body.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("status")) {
          return p.getValueAsString();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** With the parser on an object's start: that object's scalar {@code name} (null if absent), the rest skipped. */
  private static Object valueOf(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    Object found = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals(name) && value.isScalarValue()) {
        found = switch (value) {
          case VALUE_NUMBER_INT -> p.getNumberValue();
          case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
          case VALUE_TRUE -> Boolean.TRUE;
          case VALUE_FALSE -> Boolean.FALSE;
          case VALUE_NULL -> null;
          default -> p.getText();
        };
      } else {
        p.skipChildren();
      }
    }
    return found;
  }
}
