package io.conductorvx.client;

/** {@link EnvironmentAndSecretsContract} with memory. */
class EnvironmentAndSecretsMemoryTest extends EnvironmentAndSecretsContract {
  @Override
  protected String backend() {
    return "memory";
  }
}
