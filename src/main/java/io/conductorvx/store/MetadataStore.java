package io.conductorvx.store;

import io.conductorvx.model.Json;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.vertx.core.Future;
import java.util.List;

/**
 * Task and workflow definitions. Reads answer null for a missing item; deciding what that means
 * (404 or a default) is the caller's job. A failed future means the backend failed.
 */
public interface MetadataStore {
  /** Creates or overwrites each definition, all or nothing. */
  Future<Void> saveTaskDefs(List<TaskDef> defs);

  Future<TaskDef> getTaskDef(String name);

  Future<List<TaskDef>> listTaskDefs();

  /** @return false when there was no such definition */
  Future<Boolean> deleteTaskDef(String name);

  /** Creates a (name, version) that does not exist yet. @return false when it already exists */
  Future<Boolean> createWorkflowDef(WorkflowDef def);

  /** Creates or overwrites a (name, version). */
  Future<Void> saveWorkflowDef(WorkflowDef def);

  /** @param version null for the latest version */
  default Future<WorkflowDef> getWorkflowDef(String name, Integer version) {
    return getWorkflowDefJson(name, version).map(json -> json == null ? null : Json.fromText(json, WorkflowDef.class));
  }

  /**
   * A definition as stored, its JSON text, or null. Equal text means an equal definition, so a
   * caller may keep what it built from one (the engine's prepared definitions).
   * @param version null for the latest version
   */
  Future<String> getWorkflowDefJson(String name, Integer version);

  /** Every version of every workflow definition, ordered by name then version. */
  Future<List<WorkflowDef>> listWorkflowDefs();

  /** @return false when that version did not exist */
  Future<Boolean> deleteWorkflowDef(String name, int version);

  Future<Void> close();
}
