package io.conductorvx.client;

/** {@link WorkflowMessagesContract} with memory. */
class WorkflowMessagesMemoryTest extends WorkflowMessagesContract {
  @Override
  protected String backend() {
    return "memory";
  }
}
