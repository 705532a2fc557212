package io.conductorvx.client;

/** {@link AdminApiContract} with postgres+redis. */
class AdminApiPostgresRedisTest extends AdminApiContract {
  @Override
  protected String backend() {
    return "postgres+redis";
  }
}
