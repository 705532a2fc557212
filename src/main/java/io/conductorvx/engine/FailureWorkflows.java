package io.conductorvx.engine;

import io.conductorvx.model.Json;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.Workflow;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts a definition's failure workflow with Conductor's input under the id already written to the
 * failed workflow's output; if it cannot start, the output says why instead. Runs before the failure
 * is saved, so the failure workflow exists before anyone can read the failure that names it; the id
 * is derived from the failed run, so doing it twice starts it once.
 */
final class FailureWorkflows {
  private final WorkflowEngine engine;

  FailureWorkflows(WorkflowEngine engine) {
    this.engine = engine;
  }

  Future<Void> start(Workflow wf, Changes changes) {
    String name = wf.workflowDefinition.failureWorkflow;
    if (name.startsWith("${workflow.input.") && name.endsWith("}")) {
      Object fromInput = wf.input.get(name.substring("${workflow.input.".length(), name.length() - 1));
      name = fromInput == null ? null : fromInput.toString();
    }
    StartWorkflowRequest request = new StartWorkflowRequest();
    request.name = name;
    request.version = wf.workflowDefinition.failureWorkflowVersion;
    request.correlationId = wf.correlationId;
    request.taskToDomain = wf.taskToDomain;
    Map<String, Object> input = new LinkedHashMap<>(wf.input);
    input.put("workflowId", wf.workflowId);
    input.put("reason", wf.reasonForIncompletion);
    input.put("failureStatus", wf.status.name());
    if (changes.failureTaskId != null) {
      input.put("failureTaskId", changes.failureTaskId);
    }
    input.put("failedWorkflow", Json.toMap(wf));
    request.input = input;
    String failureName = name;
    Future<String> started = failureName == null
        ? Future.failedFuture("failure workflow name resolved to null")
        : engine.startWorkflow(request, changes.failureWorkflowId, null, null, null);
    return started.<Void>mapEmpty().recover(err -> {
      wf.output = new LinkedHashMap<>(wf.output);
      wf.output.put("conductor.failure_workflow", "Error starting failure workflow " + failureName + ": " + err.getMessage());
      return Future.succeededFuture();
    });
  }
}
