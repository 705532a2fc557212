package io.conductorvx.model;

import java.util.Map;

/** Input and output to record for a skipped task. */
public class SkipTaskRequest {
  public Map<String, Object> taskInput;
  public Map<String, Object> taskOutput;
}
