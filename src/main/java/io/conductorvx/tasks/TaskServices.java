package io.conductorvx.tasks;

import io.conductorvx.engine.WorkflowEngine;
import io.vertx.core.Vertx;

/**
 * What work handed off by a system task may use once its workflow's changes are saved: Vert.x
 * (timers, worker threads via executeBlocking, clients) and the engine (start workflows, send
 * commands to other workflows).
 */
public interface TaskServices {
  Vertx vertx();

  WorkflowEngine engine();

  static TaskServices of(Vertx vertx, WorkflowEngine engine) {
    return new TaskServices() {
      @Override
      public Vertx vertx() {
        return vertx;
      }

      @Override
      public WorkflowEngine engine() {
        return engine;
      }
    };
  }
}
