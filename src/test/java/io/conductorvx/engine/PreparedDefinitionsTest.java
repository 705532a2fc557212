package io.conductorvx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.store.TaskDocument;
import io.conductorvx.store.memory.MemoryMetadataStore;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory store answers at once, so every future here is already complete. */
class PreparedDefinitionsTest {
  private final MemoryMetadataStore store = new MemoryMetadataStore();
  private final TaskDefCache taskDefs = new TaskDefCache();
  private int preparations;
  private final PreparedDefinitions prepared = new PreparedDefinitions(store, taskDefs, def -> {
    preparations++;
    for (WorkflowTask node : def.tasks) {
      TaskDef registered = taskDefs.get(node.name);
      node.taskDefinition = registered != null ? registered : TaskDef.synthetic(node.name, true);
    }
    return Future.succeededFuture(def);
  });

  private static WorkflowDef definition(int version, String description) {
    WorkflowDef def = new WorkflowDef();
    def.name = "orders";
    def.version = version;
    def.description = description;
    WorkflowTask node = new WorkflowTask();
    node.name = "charge";
    node.taskReferenceName = "charge_ref";
    node.type = "SIMPLE";
    def.tasks = List.of(node);
    return def;
  }

  private static TaskDef taskDef(int retries) {
    TaskDef def = new TaskDef();
    def.name = "charge";
    def.retryCount = retries;
    return def;
  }

  private WorkflowDef get(Integer version) {
    return prepared.get("orders", version).result();
  }

  @Test
  void startsOfAnUnchangedVersionShareOnePreparedDefinitionWithItsJsonAndIndex() {
    store.saveWorkflowDef(definition(1, "first"));

    WorkflowDef first = get(1);
    WorkflowDef second = get(1);

    assertSame(first, second);
    assertEquals(1, preparations);
    assertArrayEquals(Json.toBytes(first), first.frozenJson().asUnquotedUTF8());
    assertSame(first, ((DefinitionIndex) first.sharedIndex).definition());
  }

  @Test
  void aFrozenDefinitionWritesTheSameJsonAndStillConvertsAsAnObject() {
    taskDefs.put(taskDef(7));
    store.saveWorkflowDef(definition(1, "first"));
    WorkflowDef shared = get(1);
    WorkflowDef plain = Json.fromBytes(Json.toBytes(shared), WorkflowDef.class); // a copy, not frozen

    Task task = new Task();
    task.taskId = "t1";
    task.workflowTask = shared.tasks.get(0);
    Task plainTask = Json.fromBytes(Json.toBytes(task), Task.class);
    plainTask.workflowTask = plain.tasks.get(0);

    assertEquals(Json.toString(plain), Json.toString(shared));
    assertEquals(Json.toString(plainTask), Json.toString(task), "a task's node and task definition written from frozen JSON");
    assertEquals(TaskDocument.encodeText(plainTask), TaskDocument.encodeText(task));
    // convertValue goes through a token buffer: the frozen node is written field by field there
    WorkflowTask converted = Json.MAPPER.convertValue(shared.tasks.get(0), WorkflowTask.class);
    assertEquals("charge_ref", converted.taskReferenceName);
    assertEquals(7, converted.taskDefinition.retryCount);
    assertNull(converted.frozenJson());
    assertEquals("first", Json.tree(shared).get("description").asText());
  }

  @Test
  void aDefinitionChangedInTheStoreIsPreparedAgainForTheNextStart() {
    store.saveWorkflowDef(definition(1, "first"));
    WorkflowDef before = get(1);

    store.saveWorkflowDef(definition(1, "changed"));
    WorkflowDef after = get(1);

    assertNotSame(before, after);
    assertEquals("changed", after.description);
    assertEquals("first", before.description, "a prepared definition is never changed in place");
  }

  @Test
  void aChangedTaskDefinitionReachesTheNextStart() {
    taskDefs.put(taskDef(7));
    store.saveWorkflowDef(definition(1, "first"));
    assertEquals(7, get(1).tasks.get(0).taskDefinition.retryCount);

    taskDefs.put(taskDef(7)); // the same again: nothing to prepare
    get(1);
    assertEquals(1, preparations);

    taskDefs.put(taskDef(4));
    assertEquals(4, get(1).tasks.get(0).taskDefinition.retryCount);

    taskDefs.remove("charge");
    assertEquals(TaskDef.synthetic("charge", true).retryCount, get(1).tasks.get(0).taskDefinition.retryCount,
        "back to the synthetic defaults");
  }

  @Test
  void theLatestFollowsANewVersionAndADeletedOneIsGone() {
    store.saveWorkflowDef(definition(1, "first"));
    assertEquals(1, get(null).version);

    store.saveWorkflowDef(definition(2, "second"));
    assertEquals(2, get(null).version);
    assertEquals(1, get(1).version);

    store.deleteWorkflowDef("orders", 2);
    assertEquals(1, get(null).version);
    assertNull(get(2));
  }
}
