package io.conductorvx.client;

/** {@link WorkflowMessagesContract} with postgres+redis. */
class WorkflowMessagesPostgresRedisTest extends WorkflowMessagesContract {
  @Override
  protected String backend() {
    return "postgres+redis";
  }
}
