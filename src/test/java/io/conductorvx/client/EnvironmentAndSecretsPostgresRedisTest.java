package io.conductorvx.client;

/** {@link EnvironmentAndSecretsContract} with postgres+redis. */
class EnvironmentAndSecretsPostgresRedisTest extends EnvironmentAndSecretsContract {
  @Override
  protected String backend() {
    return "postgres+redis";
  }
}
