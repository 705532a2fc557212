package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The document that {@code ${...}} expressions of one workflow are evaluated against (semantics §3):
 * key {@code "workflow"} holds the workflow's fields, every other key is a task reference name
 * holding that task's fields.
 *
 * <p>Built lazily: {@link #get} and {@link #containsKey} only look up the key asked for, and each
 * view is built at most once per context object, so an expression touching one task costs one
 * lookup however long the workflow is. Only {@link #entrySet} (used by whole-document paths such as
 * {@code $..x}) walks all tasks.
 *
 * <p>The views share the live {@code input}/{@code output} maps of the workflow and its tasks, they
 * are not copies; {@link ParameterResolver} copies what it returns. Because views are cached, build
 * a new context for each evaluation pass after tasks change. Not thread-safe: one context belongs
 * to the thread evaluating its workflow.
 */
public final class ResolutionContext extends AbstractMap<String, Object> {
  private static final String WORKFLOW = "workflow";

  private final Workflow wf;
  private final Function<String, Task> latestTaskByRef;
  private Map<String, Object> workflowView;
  // Caches misses too (null value), so an unknown ref is looked up once.
  private final Map<String, Map<String, Object>> taskViews = new HashMap<>();

  private ResolutionContext(Workflow wf, Function<String, Task> latestTaskByRef) {
    this.wf = wf;
    this.latestTaskByRef = latestTaskByRef;
  }

  /**
   * @param latestTaskByRef returns the task to expose for a reference name (loop suffix {@code __N}
   *     already stripped, latest attempt chosen), or null when there is none
   */
  public static ResolutionContext of(Workflow wf, Function<String, Task> latestTaskByRef) {
    return new ResolutionContext(wf, latestTaskByRef);
  }

  @Override
  public Object get(Object key) {
    if (!(key instanceof String name)) {
      return null;
    }
    return WORKFLOW.equals(name) ? workflowView() : taskView(name);
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /** Never empty: the workflow view always exists (and the default would walk all tasks). */
  @Override
  public boolean isEmpty() {
    return false;
  }

  /** Every view: the workflow, then one per distinct task reference (loop suffix stripped). */
  @Override
  public Set<Entry<String, Object>> entrySet() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put(WORKFLOW, workflowView());
    for (Task task : wf.tasks) {
      String ref = stripIteration(task.referenceTaskName);
      if (ref != null && !all.containsKey(ref)) {
        Map<String, Object> view = taskView(ref);
        if (view != null) {
          all.put(ref, view);
        }
      }
    }
    return Collections.unmodifiableMap(all).entrySet();
  }

  private Map<String, Object> workflowView() {
    if (workflowView == null) {
      Map<String, Object> m = new LinkedHashMap<>();
      putIfNotNull(m, "input", wf.input);
      putIfNotNull(m, "output", wf.output);
      putIfNotNull(m, "status", wf.status == null ? null : wf.status.name());
      putIfNotNull(m, "workflowId", wf.workflowId);
      putIfNotNull(m, "parentWorkflowId", wf.parentWorkflowId);
      putIfNotNull(m, "parentWorkflowTaskId", wf.parentWorkflowTaskId);
      WorkflowDef def = wf.workflowDefinition;
      if (def != null) {
        putIfNotNull(m, "workflowType", def.name);
        m.put("version", def.version);
      }
      putIfNotNull(m, "correlationId", wf.correlationId);
      putIfNotNull(m, "reasonForIncompletion", wf.reasonForIncompletion);
      if (def != null) {
        m.put("schemaVersion", def.schemaVersion);
      }
      putIfNotNull(m, "variables", wf.variables);
      workflowView = Collections.unmodifiableMap(m);
    }
    return workflowView;
  }

  private Map<String, Object> taskView(String ref) {
    if (taskViews.containsKey(ref)) {
      return taskViews.get(ref);
    }
    Task task = latestTaskByRef.apply(ref);
    Map<String, Object> view = task == null ? null : viewOf(task);
    taskViews.put(ref, view);
    return view;
  }

  private static Map<String, Object> viewOf(Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    putIfNotNull(m, "input", t.inputData);
    putIfNotNull(m, "output", t.outputData);
    putIfNotNull(m, "taskType", t.taskType);
    putIfNotNull(m, "status", t.status == null ? null : t.status.name());
    putIfNotNull(m, "referenceTaskName", t.referenceTaskName);
    m.put("retryCount", t.retryCount);
    putIfNotNull(m, "correlationId", t.correlationId);
    m.put("pollCount", t.pollCount);
    putIfNotNull(m, "taskDefName", t.taskDefName);
    m.put("scheduledTime", t.scheduledTime);
    m.put("startTime", t.startTime);
    m.put("endTime", t.endTime);
    putIfNotNull(m, "workflowInstanceId", t.workflowInstanceId);
    putIfNotNull(m, "taskId", t.taskId);
    putIfNotNull(m, "reasonForIncompletion", t.reasonForIncompletion);
    m.put("callbackAfterSeconds", t.callbackAfterSeconds);
    putIfNotNull(m, "workerId", t.workerId);
    m.put("iteration", t.iteration);
    return Collections.unmodifiableMap(m);
  }

  private static void putIfNotNull(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /** {@code "loop__3"} → {@code "loop"}; other names unchanged. */
  static String stripIteration(String ref) {
    if (ref == null) {
      return null;
    }
    int sep = ref.lastIndexOf("__");
    if (sep <= 0 || sep + 2 == ref.length()) {
      return ref;
    }
    for (int i = sep + 2; i < ref.length(); i++) {
      char c = ref.charAt(i);
      if (c < '0' || c > '9') {
        return ref;
      }
    }
    return ref.substring(0, sep);
  }
}
