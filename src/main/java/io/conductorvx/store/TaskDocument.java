package io.conductorvx.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import java.nio.charset.StandardCharsets;

/**
 * The stored JSON of a task: every field but those the model computes from others (its task
 * definition is its workflow task's, a quarter of a typical task's bytes), which a reader computes
 * again. Read it back with {@link Json#fromBytes}.
 */
public final class TaskDocument {
  @JsonIgnoreProperties({"queueWaitTime", "loopOverTask", "taskDefinition"})
  private abstract static class WithoutComputedFields {}

  private static final ObjectWriter WRITER =
      Json.MAPPER.copy().addMixIn(Task.class, WithoutComputedFields.class).writerFor(Task.class);

  private TaskDocument() {}

  /** The task's document; the one {@link #encodeForSave} kept on it, if any, is taken instead. */
  public static byte[] encode(Task task) {
    byte[] kept = task.encodedDocument;
    if (kept != null) {
      task.encodedDocument = null;
      return kept;
    }
    try {
      return WRITER.writeValueAsBytes(task);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize task " + task.taskId, e);
    }
  }

  public static String encodeText(Task task) {
    return new String(encode(task), StandardCharsets.UTF_8);
  }

  /**
   * Encodes the task and keeps the bytes on it for the save that follows in the same command, with
   * nothing changing the task in between: a claim answers the poll from these bytes too
   * ({@link #withComputedFields}), so the task is encoded once, not once for each.
   */
  public static byte[] encodeForSave(Task task) {
    task.encodedDocument = null;
    byte[] json = encode(task);
    task.encodedDocument = json;
    return json;
  }

  /**
   * The task's whole JSON, as {@code Json.toBytes(task)} writes it (fields in another order): its
   * stored document with the computed fields added before the closing brace.
   */
  public static byte[] withComputedFields(Task task, byte[] document) {
    byte[] definition = task.taskDefinition() == null ? null : Json.toBytes(task.taskDefinition());
    byte[] computed = (",\"queueWaitTime\":" + task.queueWaitTime() + ",\"loopOverTask\":" + task.loopOverTask()
        + (definition == null ? "" : ",\"taskDefinition\":")).getBytes(StandardCharsets.US_ASCII);
    // the size is known: one array, written once (a stream's toByteArray copied it again)
    byte[] out = new byte[document.length + computed.length + (definition == null ? 0 : definition.length)];
    int at = document.length - 1; // a non-empty object: splice before its last brace
    System.arraycopy(document, 0, out, 0, at);
    System.arraycopy(computed, 0, out, at, computed.length);
    at += computed.length;
    if (definition != null) {
      System.arraycopy(definition, 0, out, at, definition.length);
      at += definition.length;
    }
    out[at] = '}';
    return out;
  }
}
