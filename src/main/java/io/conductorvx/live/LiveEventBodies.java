package io.conductorvx.live;

import io.conductorvx.model.Task;
import io.conductorvx.model.Workflow;
import io.vertx.core.json.JsonObject;

/** The fields of a workflow or task change, as the live feed and the status addresses carry them. */
public final class LiveEventBodies {
  private LiveEventBodies() {}

  public static JsonObject workflow(Workflow wf) {
    JsonObject body = new JsonObject()
        .put("workflowId", wf.workflowId)
        .put("workflowType", wf.workflowName())
        .put("workflowName", wf.workflowName())
        .put("version", wf.workflowDefinition == null ? 0 : wf.workflowDefinition.version)
        .put("status", wf.status.name())
        .put("createTime", wf.createTime)
        .put("updateTime", wf.updateTime)
        .put("correlationId", wf.correlationId);
    if (wf.parentWorkflowId != null) {
      body.put("parentWorkflowId", wf.parentWorkflowId);
    }
    if (wf.status.isTerminal()) {
      body.put("endTime", wf.endTime)
          .put("reasonForIncompletion", wf.reasonForIncompletion)
          .put("output", new JsonObject(wf.output == null ? new java.util.LinkedHashMap<>() : wf.output));
    }
    return body;
  }

  public static JsonObject task(Task t) {
    JsonObject body = new JsonObject()
        .put("workflowId", t.workflowInstanceId)
        .put("taskId", t.taskId)
        .put("referenceTaskName", t.referenceTaskName)
        .put("taskType", t.taskType)
        .put("taskDefName", t.taskDefName)
        .put("status", t.status.name())
        .put("taskSeq", t.seq) // "seq" is the feed message's own number
        .put("retryCount", t.retryCount)
        .put("iteration", t.iteration)
        .put("scheduledTime", t.scheduledTime)
        .put("startTime", t.startTime)
        .put("updateTime", t.updateTime)
        .put("workerId", t.workerId);
    if (t.domain != null) {
      body.put("domain", t.domain);
    }
    if (t.parentTaskId != null) {
      body.put("parentTaskId", t.parentTaskId);
    }
    if (t.subWorkflowId != null) {
      body.put("subWorkflowId", t.subWorkflowId);
    }
    if (t.retried) {
      body.put("retried", true);
    }
    if (t.status.isTerminal()) {
      body.put("endTime", t.endTime)
          .put("reasonForIncompletion", t.reasonForIncompletion)
          .put("outputData", new JsonObject(t.outputData == null ? new java.util.LinkedHashMap<>() : t.outputData));
    }
    return body;
  }
}
