package io.conductorvx.client;

/** {@link AdminApiContract} with memory. */
class AdminApiMemoryTest extends AdminApiContract {
  @Override
  protected String backend() {
    return "memory";
  }
}
