package io.conductorvx.engine;

import io.conductorvx.error.ConductorException;
import io.conductorvx.store.ExecutionStore;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * The running workflows a partition owns, kept between commands so a decision costs no store read.
 * A workflow leaves when it ends, and whenever a failed command leaves its copy in doubt: the store
 * stays the truth and the next command reads it again.
 */
final class WorkflowCache {
  private final ExecutionStore store;
  private final WorkflowEngine engine;
  private final Map<String, LiveWorkflow> live = new HashMap<>();

  WorkflowCache(ExecutionStore store, WorkflowEngine engine) {
    this.store = store;
    this.engine = engine;
  }

  /** The epoch of this instance's lease on the workflow's partition (0 for one instance), -1 when not owned. */
  private long epochOf(String workflowId) {
    Ownership o = engine.ownership();
    return o.clustered() ? o.epochIfOwned(o.partitionOf(workflowId)) : 0;
  }

  /**
   * The cached workflow, else the stored one; null (or 404 when required) if there is none. A copy
   * cached under an earlier lease of its partition is dropped: another owner may have changed it since.
   */
  Future<LiveWorkflow> load(String workflowId, boolean required) {
    long epoch = epochOf(workflowId);
    if (epoch < 0) {
      return Future.failedFuture(WorkflowEngine.notOwner(engine.ownership().partitionOf(workflowId)));
    }
    LiveWorkflow cached = live.get(workflowId);
    if (cached != null) {
      if (cached.epoch == epoch) {
        return Future.succeededFuture(cached);
      }
      live.remove(workflowId);
    }
    return store.getWorkflow(workflowId, true).compose(wf -> {
      if (wf == null) {
        return required
            ? Future.failedFuture(ConductorException.notFound("Workflow with id: " + workflowId + " not found."))
            : Future.succeededFuture(null);
      }
      LiveWorkflow lw = new LiveWorkflow(wf);
      lw.epoch = epoch;
      if (!wf.status.isTerminal()) {
        live.put(workflowId, lw);
      }
      return Future.succeededFuture(lw);
    });
  }

  void put(LiveWorkflow lw) {
    lw.epoch = epochOf(lw.id());
    live.put(lw.id(), lw);
  }

  /** Forgets every cached workflow of a cluster partition this instance no longer owns. */
  void dropPartition(int partition) {
    Ownership o = engine.ownership();
    live.values().removeIf(lw -> o.partitionOf(lw.id()) == partition);
  }

  void remove(String workflowId) {
    live.remove(workflowId);
  }
}
