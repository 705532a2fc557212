package io.conductorvx.validation;

import io.conductorvx.error.ConductorException.Violation;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Conductor's registration rules for definitions, applied wherever a definition enters the server:
 * create, update and validate in the metadata API, and inline definitions in start requests and
 * SUB_WORKFLOW tasks. Every broken rule is reported, each at its JSON path, so a user fixes them in
 * one go. The rules:
 *
 * <ul>
 *   <li>the workflow's own fields (name, schemaVersion 2, tasks…) and every task's (name,
 *       reference name unique across the whole tree); an inline task definition is not checked,
 *       as Conductor does not;
 *   <li>per task type, what it needs to run ({@link TaskTypeRules});
 *   <li>every {@code ${...}} reads {@code workflow} or a task of this workflow ({@link ReferenceRules}).
 * </ul>
 *
 * <p>Validation parses scripts, which is CPU work: {@link #validateAsync} runs it on a worker thread. The engine keeps its run-time checks for what only the input can tell (a
 * dynamic fork's branches, a DYNAMIC task's chosen name).
 */
public final class DefinitionValidator {
  /** Inline definitions nest; deeper than this is refused rather than walked. */
  private static final int MAX_INLINE_DEPTH = 16;

  private final Function<String, TaskDef> registered;

  /** @param registered the registered task definition of a name, or null (HTTP and jq read their templates) */
  public DefinitionValidator(Function<String, TaskDef> registered) {
    this.registered = registered;
  }

  TaskDef registered(String name) {
    return name == null ? null : registered.apply(name);
  }

  /** Validates on a worker thread; answers every violation (empty when the definition is valid). */
  public Future<List<Violation>> validateAsync(Vertx vertx, WorkflowDef def) {
    return vertx.executeBlocking(() -> validate(def), false);
  }

  /** Validates several (a bulk update) on a worker thread; paths start with the definition's index. */
  public Future<List<Violation>> validateAllAsync(Vertx vertx, List<WorkflowDef> defs) {
    return vertx.executeBlocking(() -> {
      Violations v = new Violations();
      for (int i = 0; i < defs.size(); i++) {
        if (defs.get(i) == null) {
          v.add("[" + i + "]", "a workflow definition must not be null");
        } else {
          v.addAll("[" + i + "]", validate(defs.get(i)));
        }
      }
      return v.list();
    }, false);
  }

  /** Blocks while scripts are parsed: call it on a worker thread. Fills in a missing task type (SIMPLE). */
  public List<Violation> validate(WorkflowDef def) {
    return validate(def, 0);
  }

  List<Violation> validate(WorkflowDef def, int depth) {
    Violations v = new Violations();
    if (depth > MAX_INLINE_DEPTH) {
      v.add("", "inline workflow definitions are nested more than " + MAX_INLINE_DEPTH + " deep");
      return v.list();
    }
    if (TaskTypeRules.blank(def.name)) {
      v.add("name", "WorkflowDef name cannot be null or empty");
    }
    if (def.schemaVersion != 2) {
      v.add("schemaVersion", "only schemaVersion 2 is supported, got " + def.schemaVersion);
    }
    if (def.version < 0) {
      v.add("version", "must not be negative");
    }
    if (def.timeoutSeconds < 0) {
      v.add("timeoutSeconds", "must not be negative");
    }
    String retention = io.conductorvx.retention.RetentionPolicy.validate(def);
    if (retention != null) {
      v.add("metadata." + io.conductorvx.retention.RetentionPolicy.DEFINITION_KEY, retention);
    }
    if (def.tasks == null || def.tasks.isEmpty()) {
      v.add("tasks", "WorkflowTask list cannot be empty");
      return v.list();
    }
    List<Node> nodes = new ArrayList<>();
    walk(def.tasks, "tasks", null, Node.Container.TOP, List.of(), nodes, v);
    Map<String, Node> byRef = new HashMap<>();
    for (Node n : nodes) {
      task(n, byRef, v);
    }
    TaskTypeRules typeRules = new TaskTypeRules(this, depth);
    for (Node n : nodes) {
      typeRules.check(n, v);
    }
    ReferenceRules.check(def, nodes, byRef.keySet(), v);
    return v.list();
  }

  /** Every task of the tree with its path and place; nulls where a task or list should be are violations. */
  private static void walk(List<WorkflowTask> list, String path, Node owner, Node.Container container, List<String> loops,
      List<Node> out, Violations v) {
    for (int i = 0; i < list.size(); i++) {
      WorkflowTask t = list.get(i);
      String p = path + "[" + i + "]";
      if (t == null) {
        v.add(p, "a task must not be null");
        continue;
      }
      if (t.type == null || t.type.isBlank()) {
        t.type = "SIMPLE";
      }
      Node n = new Node(t, p, list, i, owner, container, loops);
      out.add(n);
      if (t.decisionCases != null) {
        t.decisionCases.forEach((name, tasks) -> {
          if (tasks == null) {
            v.add(p + ".decisionCases." + name, "case '" + name + "' must be a list of tasks");
          } else {
            walk(tasks, p + ".decisionCases." + name, n, Node.Container.CASE, loops, out, v);
          }
        });
      }
      if (t.defaultCase != null) {
        walk(t.defaultCase, p + ".defaultCase", n, Node.Container.CASE, loops, out, v);
      }
      if (t.forkTasks != null) {
        for (int b = 0; b < t.forkTasks.size(); b++) {
          List<WorkflowTask> branch = t.forkTasks.get(b);
          if (branch == null) {
            v.add(p + ".forkTasks[" + b + "]", "fork branch " + b + " must be a list of tasks");
          } else {
            walk(branch, p + ".forkTasks[" + b + "]", n, Node.Container.FORK_BRANCH, loops, out, v);
          }
        }
      }
      if (t.loopOver != null) {
        List<String> inner = loops;
        if ("DO_WHILE".equals(t.type)) {
          inner = new ArrayList<>(loops);
          inner.add(t.taskReferenceName);
        }
        walk(t.loopOver, p + ".loopOver", n, Node.Container.LOOP, inner, out, v);
      }
    }
  }

  /** The rules every task has, whatever its type. */
  private static void task(Node n, Map<String, Node> byRef, Violations v) {
    WorkflowTask t = n.task();
    if (TaskTypeRules.blank(t.name)) {
      v.add(n.path() + ".name", "WorkflowTask name cannot be empty or null");
    }
    if (TaskTypeRules.blank(t.taskReferenceName)) {
      v.add(n.path() + ".taskReferenceName", "WorkflowTask taskReferenceName name cannot be empty or null");
    } else {
      Node first = byRef.putIfAbsent(t.taskReferenceName, n);
      if (first != null) {
        v.add(n.path() + ".taskReferenceName", "taskReferenceName '" + t.taskReferenceName
            + "' is used more than once in this workflow (first at " + first.path() + "): it must be unique across all tasks");
      }
    }
    if (t.startDelay < 0) {
      v.add(n.path() + ".startDelay", "startDelay of task " + n.label() + " must not be negative");
    }
    if (t.retryCount != null && t.retryCount < 0) {
      v.add(n.path() + ".retryCount", "retryCount of task " + n.label() + " must not be negative");
    }
  }

  /** Fills in what a definition may leave out (a task's type is SIMPLE), for definitions stored before validation changed. */
  public static void normalize(WorkflowDef def) {
    if (def.tasks != null) {
      normalize(def.tasks);
    }
  }

  private static void normalize(List<WorkflowTask> tasks) {
    for (WorkflowTask t : tasks) {
      if (t == null) {
        continue;
      }
      if (t.type == null || t.type.isBlank()) {
        t.type = "SIMPLE";
      }
      if (t.decisionCases != null) {
        t.decisionCases.values().forEach(list -> {
          if (list != null) {
            normalize(list);
          }
        });
      }
      if (t.defaultCase != null) {
        normalize(t.defaultCase);
      }
      if (t.forkTasks != null) {
        t.forkTasks.forEach(list -> {
          if (list != null) {
            normalize(list);
          }
        });
      }
      if (t.loopOver != null) {
        normalize(t.loopOver);
      }
    }
  }

  /** A task definition's rules; paths are the definition's own fields. */
  public static List<Violation> validate(TaskDef def) {
    return TaskDefRules.validate(def);
  }
}
