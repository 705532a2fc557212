package io.conductorvx.engine;

import io.conductorvx.model.Task;
import io.conductorvx.queue.QueueMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import io.conductorvx.tasks.TaskServices;
import io.vertx.core.Future;

/**
 * What one command changed, collected while it runs and applied after: the store first, then the
 * queues, then events. Task identity is object identity, so a task changed twice is saved once.
 */
final class Changes {
  /** Work a system task handed off, to run once the state is durable. */
  record Offload(String taskId, Function<TaskServices, Future<Object>> work) {}

  /** A queue operation to apply once the state is durable. */
  record QueueOp(String queue, QueueMessage message, long delayMs, boolean remove) {}

  final Set<Task> tasks = new LinkedHashSet<>();
  final List<String> removedTaskIds = new ArrayList<>();
  final List<QueueOp> queueOps = new ArrayList<>();
  final List<Task> statusChanges = new ArrayList<>();
  final List<Offload> offloads = new ArrayList<>();
  boolean workflow;
  boolean workflowStatusChanged;
  /** A finished workflow runs again: a parent waiting on it must run again too. */
  boolean reopened;
  /** Set when the workflow failed in a way that starts its failure workflow: the id it will get. */
  String failureWorkflowId;
  String failureTaskId;

  void task(Task t) {
    tasks.add(t);
  }

  void push(String queue, QueueMessage message, long delayMs) {
    queueOps.add(new QueueOp(queue, message, delayMs, false));
  }

  void removeFromQueue(String queue, String id) {
    queueOps.add(new QueueOp(queue, new QueueMessage(id, null, 0), 0, true));
  }

  boolean isEmpty() {
    return tasks.isEmpty() && removedTaskIds.isEmpty() && !workflow && queueOps.isEmpty() && offloads.isEmpty();
  }
}
