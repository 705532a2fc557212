package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The running workflows a partition owns, kept between commands so a decision costs no store read.
 * A workflow leaves when it ends, and whenever a failed command leaves its copy in doubt: the store
 * stays the truth and the next command reads it again.
 */
final class WorkflowCache {
  private final ExecutionStore store;
  private final Map<String, LiveWorkflow> live = new HashMap<>();

  WorkflowCache(ExecutionStore store) {
    this.store = store;
  }

  /** The cached workflow, else the stored one; null (or 404 when required) if there is none. */
  Future<LiveWorkflow> load(String workflowId, boolean required) {
    LiveWorkflow cached = live.get(workflowId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return store.getWorkflow(workflowId, true).compose(wf -> {
      if (wf == null) {
        return required
            ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
            : Future.succeededFuture(null);
      }
      LiveWorkflow lw = new LiveWorkflow(wf);
      if (!wf.status.isTerminal()) {
        live.put(workflowId, lw);
      }
      return Future.succeededFuture(lw);
    });
  }

  void put(LiveWorkflow lw) {
    live.put(lw.id(), lw);
  }

  void remove(String workflowId) {
    live.remove(workflowId);
  }

  Collection<LiveWorkflow> all() {
    return live.values();
  }
}
