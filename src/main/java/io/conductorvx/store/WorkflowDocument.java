package io.conductorvx.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.conductorvx.model.Json;
import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The stored JSON of a workflow without its task list (tasks are stored one by one). A workflow is
 * saved after every command, but its input and definition are set when it starts (or reruns) and
 * can be large (a dynamic fork's items), so they are encoded apart: their bytes are kept on the
 * workflow and reused while they are still the same objects, and a store that keeps them apart
 * writes them only when they changed. Only the small, changing rest is serialized each time.
 */
public final class WorkflowDocument {
  // Spliced in before the closing brace of the rest: the same keys as Workflow's fields.
  private static final String INPUT_KEY = ",\"input\":";
  private static final String DEFINITION_KEY = ",\"workflowDefinition\":";
  private static final byte[] INPUT_KEY_BYTES = INPUT_KEY.getBytes(StandardCharsets.UTF_8);
  private static final byte[] DEFINITION_KEY_BYTES = DEFINITION_KEY.getBytes(StandardCharsets.UTF_8);

  /** The serialized input and definition, the objects they came from, and whether a save has stored them. */
  private record Parts(Map<String, Object> input, byte[] inputJson, WorkflowDef definition, byte[] definitionJson,
      boolean stored) {}

  /**
   * A workflow as stored: {@code rest} is a JSON object of every field but tasks, input and
   * definition; {@code input} and {@code definition} are JSON (null when the workflow has none).
   * {@code partsStored} says whether a save has already stored these very input and definition.
   */
  public record Encoded(byte[] rest, byte[] input, byte[] definition, boolean partsStored) {
    /** The whole document (without tasks), for stores that keep the workflow in one piece. */
    public byte[] whole() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(rest.length + length(input) + length(definition) + 40);
      out.write(rest, 0, rest.length - 1); // rest is a non-empty object: splice before its last brace
      append(out, INPUT_KEY_BYTES, input);
      append(out, DEFINITION_KEY_BYTES, definition);
      out.write('}');
      return out.toByteArray();
    }
  }

  private WorkflowDocument() {}

  public static Encoded encode(Workflow workflow) {
    Parts parts = workflow.storedParts instanceof Parts p && p.input() == workflow.input
        && p.definition() == workflow.workflowDefinition ? p : encodeParts(workflow);
    workflow.storedParts = parts;

    List<Task> tasks = workflow.tasks;
    Map<String, Object> input = workflow.input;
    WorkflowDef definition = workflow.workflowDefinition;
    workflow.tasks = List.of();
    workflow.input = null;
    workflow.workflowDefinition = null;
    workflow.detachedDefinition = definition; // the rest keeps workflowName and workflowVersion
    try {
      return new Encoded(Json.toBytes(workflow), parts.inputJson(), parts.definitionJson(), parts.stored());
    } finally {
      workflow.tasks = tasks;
      workflow.input = input;
      workflow.workflowDefinition = definition;
      workflow.detachedDefinition = null;
    }
  }

  /** After a save of {@code encoded} committed: its input and definition need not be written again. */
  public static void saved(Workflow workflow, Encoded encoded) {
    if (workflow.storedParts instanceof Parts p && !p.stored() && p.inputJson() == encoded.input()
        && p.definitionJson() == encoded.definition()) {
      workflow.storedParts = new Parts(p.input(), p.inputJson(), p.definition(), p.definitionJson(), true);
    }
  }

  /**
   * Whether a stored rest names its workflow (a top-level {@code workflowName}): documents written
   * before it was stored lack it, and must be read into a Workflow, which derives it again.
   */
  public static boolean namesItsWorkflow(String rest) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(rest)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("workflowName")) {
          return value == JsonToken.VALUE_STRING;
        }
        p.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false; // not ours to judge here: the parse path reports it
    }
  }

  /** The whole document from parts stored apart; input and definition may be null (kept inside rest). */
  public static String join(String rest, String input, String definition) {
    if (input == null && definition == null) {
      return rest;
    }
    StringBuilder out = new StringBuilder(rest.length() + (input == null ? 0 : input.length())
        + (definition == null ? 0 : definition.length()) + 40);
    out.append(rest, 0, rest.lastIndexOf('}'));
    if (input != null) {
      out.append(INPUT_KEY).append(input);
    }
    if (definition != null) {
      out.append(DEFINITION_KEY).append(definition);
    }
    return out.append('}').toString();
  }

  private static Parts encodeParts(Workflow workflow) {
    return new Parts(workflow.input, workflow.input == null ? null : Json.toBytes(workflow.input),
        workflow.workflowDefinition, definitionJson(workflow.workflowDefinition),
        false);
  }

  private static byte[] definitionJson(WorkflowDef def) {
    return def == null ? null : def.frozenJson() != null ? def.frozenJson().asUnquotedUTF8() : Json.toBytes(def);
  }

  private static void append(ByteArrayOutputStream out, byte[] key, byte[] json) {
    if (json != null) {
      out.write(key, 0, key.length);
      out.write(json, 0, json.length);
    }
  }

  private static int length(byte[] json) {
    return json == null ? 0 : json.length;
  }
}
