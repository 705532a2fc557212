package io.conductorvx.validation;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import io.conductorvx.model.SubWorkflowParams;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code ${...}} of a definition must read something that can exist: {@code workflow}
 * ({@code ${workflow.input.x}}, {@code ${workflow.env.X}}…), a task reference name defined anywhere
 * in the workflow (inside forks, cases and loops too), or one of Conductor's system parameters.
 * Checked where expressions are resolved: every task's inputParameters (so also the inputs of
 * SWITCH expressions and DO_WHILE conditions), DO_WHILE items, EVENT sinks, SUB_WORKFLOW
 * parameters and the workflow's outputParameters. An expression must also be a valid JSONPath.
 *
 * <p>Branches of a FORK_JOIN_DYNAMIC are named at run time and are not reference names of the
 * definition: as in Conductor, later tasks read them through the JOIN's output
 * ({@code ${join.output.branchRef...}}).
 *
 * <p>Expressions are found as the resolver finds them: {@code $${...}} is an escaped literal, and
 * in a nested expression ({@code ${workflow.input.${workflow.input.key}}}) the inner one is checked
 * whole and the outer one by its first name when that is written out.
 */
final class ReferenceRules {
  private static final Set<String> SYSTEM_PARAMETERS = Set.of("CPEWF_TASK_ID", "NETFLIX_ENV", "NETFLIX_STACK");
  private static final String ESCAPE = "$${";
  private static final String OPEN = "${";

  private final Set<String> refs;
  private final Violations v;

  private ReferenceRules(Set<String> refs, Violations v) {
    this.refs = refs;
    this.v = v;
  }

  static void check(WorkflowDef def, List<Node> nodes, Set<String> refs, Violations v) {
    ReferenceRules rules = new ReferenceRules(refs, v);
    for (Node n : nodes) {
      WorkflowTask t = n.task();
      if (t.inputParameters != null) {
        t.inputParameters.forEach((key, value) -> rules.value(n.path() + ".inputParameters." + key, value));
      }
      rules.value(n.path() + ".items", t.items);
      rules.value(n.path() + ".sink", t.sink);
      SubWorkflowParams p = t.subWorkflowParam;
      if (p != null) {
        rules.value(n.path() + ".subWorkflowParam.name", p.name);
        rules.value(n.path() + ".subWorkflowParam.version", p.version);
        rules.value(n.path() + ".subWorkflowParam.priority", p.priority);
        rules.value(n.path() + ".subWorkflowParam.idempotencyKey", p.idempotencyKey);
        if (p.workflowDefinition instanceof String s) {
          rules.value(n.path() + ".subWorkflowParam.workflowDefinition", s);
        }
        if (p.taskToDomain != null) {
          p.taskToDomain.forEach((key, value) -> rules.value(n.path() + ".subWorkflowParam.taskToDomain." + key, value));
        }
      }
    }
    if (def.outputParameters != null) {
      def.outputParameters.forEach((key, value) -> rules.value("outputParameters." + key, value));
    }
  }

  private void value(String path, Object value) {
    if (value instanceof String s) {
      string(path, s);
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> value(path + "." + key, item));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        value(path + "[" + i + "]", list.get(i));
      }
    }
  }

  /** Finds the expressions of one string, pairing each {@code ${} with its closing brace. */
  private void string(String path, String s) {
    if (!s.contains(OPEN)) {
      return;
    }
    Deque<Integer> open = new ArrayDeque<>();
    List<int[]> expressions = new ArrayList<>(); // {start of inner text, end (exclusive), nested}
    List<Integer> nestedIn = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith(ESCAPE, i)) {
        i += ESCAPE.length() - 1;
      } else if (s.startsWith(OPEN, i)) {
        if (!open.isEmpty()) {
          nestedIn.add(open.peek());
        }
        open.push(i);
        i += OPEN.length() - 1;
      } else if (s.charAt(i) == '}' && !open.isEmpty()) {
        int start = open.pop();
        expressions.add(new int[] {start + OPEN.length(), i});
      }
    }
    for (int[] e : expressions) {
      boolean nested = nestedIn.contains(e[0] - OPEN.length());
      expression(path, s, s.substring(e[0], e[1]), nested);
    }
  }

  private void expression(String path, String whole, String text, boolean hasNested) {
    String expr = text.trim();
    if (expr.isEmpty() || SYSTEM_PARAMETERS.contains(expr)) {
      return;
    }
    if (hasNested) {
      // only the part before the first inner ${...} is known: check its first name if written out
      String known = expr.substring(0, expr.indexOf(OPEN));
      String name = firstName(known);
      if (name != null && known.length() > name.length() + (known.startsWith("$") ? 2 : 0)) {
        reference(path, whole, name);
      }
      return;
    }
    try {
      JsonPath.compile(expr.startsWith("$") ? expr : "$." + expr);
    } catch (InvalidPathException | IllegalArgumentException e) {
      v.add(path, "'${" + text + "}' is not a valid expression: " + e.getMessage());
      return;
    }
    String name = firstName(expr);
    if (name != null) {
      reference(path, whole, name);
    }
  }

  private void reference(String path, String whole, String name) {
    if ("workflow".equals(name) || refs.contains(name) || refs.contains(baseRef(name))) {
      return;
    }
    v.add(path, "'" + whole + "' refers to '" + name + "', which is neither 'workflow' nor a task reference name of this workflow"
        + " (environment values are ${workflow.env.NAME}, secrets ${workflow.secrets.NAME})");
  }

  /** The first name of a path: {@code a} in {@code a.b}, {@code $.a.b}, {@code a[0]}, {@code $['a'].b}. */
  static String firstName(String path) {
    String p = path;
    if (p.startsWith("$.")) {
      p = p.substring(2);
    } else if (p.startsWith("$")) {
      p = p.substring(1);
    }
    if (p.startsWith("['") || p.startsWith("[\"")) {
      char quote = p.charAt(1);
      int end = p.indexOf(quote, 2);
      return end > 2 ? p.substring(2, end) : null;
    }
    int end = 0;
    while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
      end++;
    }
    String name = p.substring(0, end).trim();
    return name.isEmpty() ? null : name;
  }

  /** {@code ref__3} (a loop iteration's task) → {@code ref}. */
  private static String baseRef(String name) {
    int cut = name.lastIndexOf("__");
    if (cut <= 0 || cut + 2 >= name.length()) {
      return name;
    }
    for (int i = cut + 2; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return name;
      }
    }
    return name.substring(0, cut);
  }
}
