package io.conductorvx.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conductorvx.engine.Command;
import io.conductorvx.model.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Commands and their answers as JSON, for forwarding between members: {@code {"kind": "UpdateTask",
 * "command": {...}}} and {@code {"kind": "value"|"updated"|"claim", "value": ...}}. Commands are
 * records of model objects, which the server's mapper reads and writes as the API does.
 */
final class CommandCodec {
  private static final Map<String, Class<?>> KINDS = new HashMap<>();

  static {
    for (Class<?> c : Command.class.getPermittedSubclasses()) {
      KINDS.put(c.getSimpleName(), c);
    }
  }

  private CommandCodec() {}

  /**
   * Whether a command can travel. Offloaded work of a system task answers with objects of its own
   * type: when its workflow moved meanwhile it is not forwarded, the new owner hands the still
   * SCHEDULED task off again when it loads the workflow. A child's end notice does travel.
   */
  static boolean forwardable(Command command) {
    return !(command instanceof Command.TaskWorkDone done)
        || (done.result() instanceof Command.ChildEnded && done.error() == null);
  }

  static Buffer encode(Command command) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("kind", command.getClass().getSimpleName());
    if (command instanceof Command.TaskWorkDone done) {
      ObjectNode c = root.putObject("command");
      c.put("workflowId", done.workflowId());
      c.put("taskId", done.taskId());
      c.set("childEnded", Json.MAPPER.valueToTree(done.result()));
    } else {
      root.set("command", Json.MAPPER.valueToTree(command));
    }
    return bytes(root);
  }

  static Command decode(Buffer body) {
    try {
      JsonNode root = Json.MAPPER.readTree(body.getBytes());
      String kind = root.path("kind").asText();
      JsonNode c = root.path("command");
      if ("TaskWorkDone".equals(kind)) {
        return new Command.TaskWorkDone(c.path("workflowId").asText(), c.path("taskId").asText(),
            Json.MAPPER.treeToValue(c.path("childEnded"), Command.ChildEnded.class), null);
      }
      Class<?> type = KINDS.get(kind);
      if (type == null) {
        throw new IllegalArgumentException("unknown command kind " + kind);
      }
      return (Command) Json.MAPPER.treeToValue(c, type);
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable command: " + e.getMessage(), e);
    }
  }

  static Buffer encodeReply(Object reply) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("kind", reply instanceof Command.TaskUpdated ? "updated" : reply instanceof Command.Claim ? "claim" : "value");
    root.set("value", Json.MAPPER.valueToTree(reply));
    return bytes(root);
  }

  static Object decodeReply(Buffer body) {
    try {
      JsonNode root = Json.MAPPER.readTree(body.getBytes());
      JsonNode v = root.path("value");
      return switch (root.path("kind").asText()) {
        case "updated" -> Json.MAPPER.treeToValue(v, Command.TaskUpdated.class);
        case "claim" -> Json.MAPPER.treeToValue(v, Command.Claim.class);
        default -> v.isNull() || v.isMissingNode() ? null
            : v.isTextual() ? v.asText()
            : v.isBoolean() ? (Object) v.booleanValue()
            : v.isInt() ? (Object) v.intValue()
            : v.isNumber() ? (Object) v.longValue()
            : Json.MAPPER.treeToValue(v, Object.class);
      };
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable answer: " + e.getMessage(), e);
    }
  }

  private static Buffer bytes(JsonNode node) {
    try {
      return Buffer.buffer(Json.MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
