package io.conductorvx.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.WorkflowTask;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskDocumentTest {

  private static Task task(boolean withDefinition, int iteration) {
    Task t = new Task();
    t.taskId = "t1";
    t.taskType = "SIMPLE";
    t.taskDefName = "charge";
    t.referenceTaskName = "charge_ref";
    t.status = TaskStatus.IN_PROGRESS;
    t.inputData.put("amount", 12);
    t.inputData.put("note", "caf\u00e9 \"quoted\"");
    t.workflowInstanceId = "w1";
    t.scheduledTime = 1_000;
    t.startTime = 1_250;
    t.updateTime = 1_250;
    t.iteration = iteration;
    if (withDefinition) {
      TaskDef def = new TaskDef();
      def.name = "charge";
      def.retryCount = 2;
      WorkflowTask node = new WorkflowTask();
      node.name = "charge";
      node.taskReferenceName = "charge_ref";
      node.taskDefinition = def;
      t.workflowTask = node;
    }
    return t;
  }

  @Test
  void theClaimAnswerFromTheStoredDocumentReadsAsTheWholeTask() {
    for (Task t : new Task[] {task(true, 0), task(false, 0), task(true, 3)}) {
      byte[] document = TaskDocument.encodeForSave(t);
      JsonObject answer = new JsonObject(new String(TaskDocument.withComputedFields(t, document), java.nio.charset.StandardCharsets.UTF_8));
      JsonObject whole = new JsonObject(Json.toString(t));
      assertEquals(whole, answer);
      assertEquals(Map.of("amount", 12, "note", "caf\u00e9 \"quoted\""), answer.getJsonObject("inputData").getMap());
    }
  }

  @Test
  void aDocumentEncodedForTheSaveIsTakenOnceByTheSave() {
    Task t = task(true, 0);
    byte[] kept = TaskDocument.encodeForSave(t);
    assertSame(kept, TaskDocument.encode(t), "the save takes the bytes encoded for it");
    assertNull(t.encodedDocument);
    t.status = TaskStatus.COMPLETED;
    byte[] later = TaskDocument.encode(t);
    assertNotSame(kept, later);
    assertEquals("COMPLETED", new JsonObject(new String(later, java.nio.charset.StandardCharsets.UTF_8)).getString("status"));
    assertArrayEquals(later, TaskDocument.encode(t), "encoded again from the task itself");
  }
}
