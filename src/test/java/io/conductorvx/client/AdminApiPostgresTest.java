package io.conductorvx.client;

/** {@link AdminApiContract} with postgres. */
class AdminApiPostgresTest extends AdminApiContract {
  @Override
  protected String backend() {
    return "postgres";
  }
}
