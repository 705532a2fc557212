package io.conductorvx.store;

import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The stored JSON of a workflow without its task list (tasks are stored one by one). A workflow is
 * saved after every command, but its input and definition are set when it starts (or reruns) and
 * can be large (a dynamic fork's items), so their bytes are kept on the workflow and reused while
 * they are still the same objects; only the small, changing rest is serialized each time.
 */
public final class WorkflowDocument {
  private static final byte[] INPUT_KEY = ",\"input\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DEFINITION_KEY = ",\"workflowDefinition\":".getBytes(StandardCharsets.UTF_8);

  /** The serialized input and definition, and the objects they were serialized from. */
  private record Parts(Map<String, Object> input, byte[] inputJson, WorkflowDef definition, byte[] definitionJson) {}

  private WorkflowDocument() {}

  public static byte[] encode(Workflow workflow) {
    Parts parts = workflow.storedParts instanceof Parts p && p.input() == workflow.input
        && p.definition() == workflow.workflowDefinition ? p : encodeParts(workflow);
    workflow.storedParts = parts;

    List<Task> tasks = workflow.tasks;
    Map<String, Object> input = workflow.input;
    WorkflowDef definition = workflow.workflowDefinition;
    byte[] rest;
    workflow.tasks = List.of();
    workflow.input = null;
    workflow.workflowDefinition = null;
    try {
      rest = Json.toBytes(workflow);
    } finally {
      workflow.tasks = tasks;
      workflow.input = input;
      workflow.workflowDefinition = definition;
    }
    // rest is a non-empty object ("workflowId" at least): splice the parts in before its last brace
    ByteArrayOutputStream out = new ByteArrayOutputStream(rest.length + length(parts) + 40);
    out.write(rest, 0, rest.length - 1);
    append(out, INPUT_KEY, parts.inputJson());
    append(out, DEFINITION_KEY, parts.definitionJson());
    out.write('}');
    return out.toByteArray();
  }

  public static String encodeToString(Workflow workflow) {
    return new String(encode(workflow), StandardCharsets.UTF_8);
  }

  private static Parts encodeParts(Workflow workflow) {
    return new Parts(workflow.input, workflow.input == null ? null : Json.toBytes(workflow.input),
        workflow.workflowDefinition, workflow.workflowDefinition == null ? null : Json.toBytes(workflow.workflowDefinition));
  }

  private static void append(ByteArrayOutputStream out, byte[] key, byte[] json) {
    if (json != null) {
      out.write(key, 0, key.length);
      out.write(json, 0, json.length);
    }
  }

  private static int length(Parts parts) {
    return (parts.inputJson() == null ? 0 : parts.inputJson().length)
        + (parts.definitionJson() == null ? 0 : parts.definitionJson().length);
  }
}
