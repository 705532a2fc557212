package io.conductorvx.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What to do when an event arrives (Conductor's EventHandler): for every message on {@link #event}
 * whose payload passes {@link #condition}, run each action. Only {@link #active} handlers fire, and
 * a handler is inactive unless told otherwise, as in Conductor.
 */
public class EventHandler extends Extensible {
  /** Unique name; the key of the handler. */
  public String name;
  /** {@code <queueType>:<queueName>}, e.g. {@code conductor:wfName:taskRef} or {@code sqs:my-queue}. */
  public String event;
  /** Expression over the message payload ({@code $}); blank means "always". */
  public String condition;
  public List<Action> actions = new ArrayList<>();
  public boolean active;
  /** How {@link #condition} is evaluated: null means JavaScript; also {@code value-param}. */
  public String evaluatorType;

  /** One thing a handler does. Only the payload object matching {@link #action} is used. */
  public static class Action extends Extensible {
    /** The action kinds Conductor declares; OSS runs only the first three. */
    public enum Type {
      start_workflow,
      complete_task,
      fail_task,
      terminate_workflow,
      update_workflow_variables,
      start_agent
    }

    public Type action;
    public StartWorkflow start_workflow;
    public TaskDetails complete_task;
    public TaskDetails fail_task;
    public TerminateWorkflow terminate_workflow;
    public UpdateWorkflowVariables update_workflow_variables;
    /** Parse JSON strings nested in the payload before resolving the templates. */
    public boolean expandInlineJSON;
  }

  /** start_workflow: templates resolved against the payload. */
  public static class StartWorkflow extends Extensible {
    public String name;
    public Integer version;
    public String correlationId;
    public Map<String, Object> input;
    public Map<String, String> taskToDomain;
  }

  /** complete_task / fail_task: the task by id, or by workflow id and reference name. */
  public static class TaskDetails extends Extensible {
    public String workflowId;
    public String taskRefName;
    public String taskId;
    public Map<String, Object> output;
    public String reasonForIncompletion;
  }

  /** terminate_workflow: declared by Conductor, not run by OSS (nor here). */
  public static class TerminateWorkflow extends Extensible {
    public String workflowId;
    public String terminationReason;
  }

  /** update_workflow_variables: declared by Conductor, not run by OSS (nor here). */
  public static class UpdateWorkflowVariables extends Extensible {
    public String workflowId;
    public Map<String, Object> variables;
    public Boolean appendArray;
  }
}
