package io.conductorvx.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;

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

  public static byte[] encode(Task task) {
    try {
      return WRITER.writeValueAsBytes(task);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize task " + task.taskId, e);
    }
  }

  public static String encodeText(Task task) {
    try {
      return WRITER.writeValueAsString(task);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize task " + task.taskId, e);
    }
  }
}
