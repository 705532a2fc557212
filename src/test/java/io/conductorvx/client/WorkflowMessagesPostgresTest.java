package io.conductorvx.client;

/** {@link WorkflowMessagesContract} with postgres. */
class WorkflowMessagesPostgresTest extends WorkflowMessagesContract {
  @Override
  protected String backend() {
    return "postgres";
  }
}
