package io.conductorvx.engine;

import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Navigation over a workflow definition, built once per execution: find a node by reference name,
 * and find what comes after a node (Conductor's "next task" rules).
 */
public final class DefinitionIndex {
  /** Where a node sits: the list that holds it, its position, and the node owning that list. */
  private record Place(List<WorkflowTask> list, int index, WorkflowTask owner, Container container) {}

  /** What kind of list a node sits in; it decides what follows the list's last node. */
  public enum Container { TOP, CASE, FORK_BRANCH, LOOP }

  private final WorkflowDef def;
  private final Map<String, WorkflowTask> byRef = new HashMap<>();
  private final Map<String, Place> places = new HashMap<>();

  public DefinitionIndex(WorkflowDef def) {
    this.def = def;
    index(def.tasks, null, Container.TOP);
  }

  private void index(List<WorkflowTask> list, WorkflowTask owner, Container container) {
    for (int i = 0; i < list.size(); i++) {
      WorkflowTask node = list.get(i);
      byRef.put(node.taskReferenceName, node);
      places.put(node.taskReferenceName, new Place(list, i, owner, container));
      node.decisionCases.values().forEach(c -> index(c, node, Container.CASE));
      index(node.defaultCase, node, Container.CASE);
      node.forkTasks.forEach(b -> index(b, node, Container.FORK_BRANCH));
      index(node.loopOver, node, Container.LOOP);
    }
  }

  public WorkflowDef definition() {
    return def;
  }

  /** The node with that reference name; loop suffixes ({@code __N}) are ignored. */
  public WorkflowTask node(String referenceName) {
    return byRef.get(baseRef(referenceName));
  }

  public WorkflowTask first() {
    return def.tasks.isEmpty() ? null : def.tasks.get(0);
  }

  /** Every node of the definition, nested ones included. */
  public List<WorkflowTask> allNodes() {
    return new ArrayList<>(byRef.values());
  }

  /** The node that holds the list this node is in (SWITCH, FORK, DO_WHILE), or null at top level. */
  public WorkflowTask owner(WorkflowTask node) {
    Place p = places.get(node.taskReferenceName);
    return p == null ? null : p.owner();
  }

  public Container container(WorkflowTask node) {
    Place p = places.get(node.taskReferenceName);
    return p == null ? Container.TOP : p.container();
  }

  /**
   * The node to schedule after {@code node} completes, or null when nothing follows: end of the
   * workflow, end of a fork branch (its JOIN is already scheduled), or end of a loop body (the loop
   * task decides what happens next). The end of a case list continues after its SWITCH.
   */
  public WorkflowTask next(WorkflowTask node) {
    if ("TERMINATE".equals(node.type)) {
      return null;
    }
    Place p = places.get(node.taskReferenceName);
    if (p == null) {
      return null;
    }
    if (p.index() + 1 < p.list().size()) {
      return p.list().get(p.index() + 1);
    }
    return p.container() == Container.CASE ? next(p.owner()) : null;
  }

  /** Strips the loop iteration suffix: {@code ref__3} → {@code ref}. */
  public static String baseRef(String referenceName) {
    int cut = referenceName.lastIndexOf("__");
    if (cut > 0 && cut + 2 < referenceName.length()) {
      for (int i = cut + 2; i < referenceName.length(); i++) {
        if (!Character.isDigit(referenceName.charAt(i))) {
          return referenceName;
        }
      }
      return referenceName.substring(0, cut);
    }
    return referenceName;
  }
}
