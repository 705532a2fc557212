package io.conductorvx.engine;

import io.conductorvx.tasks.TaskServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Starts the work system tasks handed off during a decision, once that decision is saved; each
 * outcome returns to the workflow's owner as a {@link Command.TaskWorkDone}, in order with the rest.
 */
final class Offloads {
  private final WorkflowEngine engine;
  private final TaskServices services;

  Offloads(Vertx vertx, WorkflowEngine engine) {
    this.engine = engine;
    this.services = TaskServices.of(vertx, engine);
  }

  void run(LiveWorkflow lw, Changes changes) {
    for (Changes.Offload offload : changes.offloads) {
      Future<Object> work;
      try {
        work = offload.work().apply(services);
      } catch (RuntimeException e) {
        work = Future.failedFuture(e);
      }
      work.onComplete(outcome -> engine.send(new Command.TaskWorkDone(lw.id(), offload.taskId(),
          outcome.succeeded() ? outcome.result() : null, outcome.failed() ? outcome.cause() : null)));
    }
  }
}
