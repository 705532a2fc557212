package io.conductorvx.engine;

import io.conductorvx.model.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a child workflow's committed change tells its parent: that it ended (the parent's
 * SUB_WORKFLOW task takes its outcome) or that it runs again (the parent's task reopens). Notices
 * are commands to the parent's owner; a lost one is made up by the parent's periodic re-check.
 */
final class ParentNotices {
  private final WorkflowEngine engine;

  ParentNotices(WorkflowEngine engine) {
    this.engine = engine;
  }

  void afterCommit(Workflow wf, Changes changes) {
    if (wf.parentWorkflowId == null || wf.parentWorkflowTaskId == null) {
      return;
    }
    if (changes.workflowStatusChanged && wf.status.isTerminal()) {
      Command.ChildEnded ended = new Command.ChildEnded(wf.workflowId, wf.status,
          wf.output == null ? Map.of() : new LinkedHashMap<>(wf.output), wf.reasonForIncompletion);
      engine.send(new Command.TaskWorkDone(wf.parentWorkflowId, wf.parentWorkflowTaskId, ended, null));
    }
    if (changes.reopened) {
      engine.send(new Command.ChildReopened(wf.parentWorkflowId, wf.parentWorkflowTaskId));
    }
  }
}
