package io.conductorvx.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POST /workflow/test: a start request whose worker tasks are answered by mocks instead of workers,
 * per reference name, one mock per attempt or iteration, in order.
 */
public class WorkflowTestRequest extends StartWorkflowRequest {
  /** One mocked outcome of a worker task. */
  public static class TaskMock {
    public TaskResult.Status status = TaskResult.Status.COMPLETED;
    public Map<String, Object> output = new LinkedHashMap<>();
    public long executionTime;
    public long queueWaitTime;
  }

  public Map<String, List<TaskMock>> taskRefToMockOutput = new LinkedHashMap<>();
  public Map<String, Object> subWorkflowTestRequest = new LinkedHashMap<>();
}
