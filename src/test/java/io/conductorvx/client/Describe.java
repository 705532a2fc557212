package io.conductorvx.client;

import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import java.util.Collection;
import java.util.stream.Collectors;

/** Compact, readable renderings of client models for failure messages. */
public final class Describe {
  private Describe() {}

  public static String any(Object o) {
    if (o instanceof Workflow w) {
      return workflow(w);
    }
    if (o instanceof Task t) {
      return task(t);
    }
    if (o instanceof Collection<?> c) {
      return c.stream().map(Describe::any).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(o);
  }

  public static String workflow(Workflow w) {
    if (w == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Workflow{").append(w.getWorkflowId()).append(' ').append(w.getWorkflowName())
        .append(" v").append(w.getWorkflowVersion()).append(' ').append(w.getStatus());
    if (w.getReasonForIncompletion() != null) {
      sb.append(" reason='").append(w.getReasonForIncompletion()).append('\'');
    }
    sb.append(" output=").append(w.getOutput());
    if (w.getTasks() != null) {
      sb.append(" tasks=").append(w.getTasks().stream().map(Describe::task)
          .collect(Collectors.joining(", ", "[", "]")));
    }
    return sb.append('}').toString();
  }

  public static String task(Task t) {
    if (t == null) {
      return "null";
    }
    return "Task{" + t.getReferenceTaskName() + " " + t.getTaskType() + " " + t.getStatus()
        + " id=" + t.getTaskId() + " seq=" + t.getSeq() + " retryCount=" + t.getRetryCount()
        + (t.isRetried() ? " retried" : "") + " poll=" + t.getPollCount()
        + " cb=" + t.getCallbackAfterSeconds()
        + (t.getDomain() != null ? " domain=" + t.getDomain() : "")
        + (t.getReasonForIncompletion() != null ? " reason='" + t.getReasonForIncompletion() + "'" : "")
        + "}";
  }
}
