package io.conductorvx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment and secrets settings: from the file and process variables, and never shown. */
class SecretSettingsTest {
  @Test
  void prefixedProcessVariablesJoinTheSettingsAndWinOverTheFile() {
    ServerConfig config = ConfigLoader.load(Map.of(
        "CONDUCTOR_ENVIRONMENT", "{\"REGION\":\"from-setting\",\"ZONE\":\"a\"}",
        "CONDUCTOR_ENV_REGION", "from-process",
        "CONDUCTOR_SECRET_TOKEN", "t0ken",
        "CONDUCTOR_SECRETS_ENV_PREFIX", "CONDUCTOR_SECRET_",
        "CONDUCTOR_ENV_", "no name",
        "UNRELATED", "x"));
    assertEquals(Map.of("REGION", "from-process", "ZONE", "a"), config.environment());
    assertEquals(Map.of("TOKEN", "t0ken"), config.secrets());
  }

  @Test
  void thePrefixesAreSettings() {
    ServerConfig config = ConfigLoader.load(Map.of(
        "CONDUCTOR_SECRETS_ENV_PREFIX", "MYAPP_SECRET_",
        "CONDUCTOR_ENVIRONMENT_ENV_PREFIX", "MYAPP_ENV_",
        "MYAPP_SECRET_DB", "pw",
        "MYAPP_ENV_STAGE", "prod",
        "CONDUCTOR_SECRET_IGNORED", "x"));
    assertEquals(Map.of("DB", "pw"), config.secrets());
    assertEquals(Map.of("STAGE", "prod"), config.environment());
  }

  @Test
  void aValueThatIsNotTextIsKeptAsJson() {
    ServerConfig config = ServerConfig.fromJson(new JsonObject()
        .put("secrets", new JsonObject().put("API", new JsonObject().put("key", "k"))));
    assertEquals("{\"key\":\"k\"}", config.secrets().get("API"));
    assertThrows(IllegalArgumentException.class, () -> ServerConfig.fromJson(new JsonObject().put("secrets", "x")));
    assertThrows(IllegalArgumentException.class, () -> ServerConfig.fromJson(new JsonObject().put("workflowMessageQueueMaxSize", 0)));
  }

  @Test
  void secretValuesAreNeverInTheTextOrJsonFormOfTheSettings() {
    ServerConfig config = ServerConfig.fromJson(new JsonObject().put("secrets", new JsonObject().put("TOKEN", "t0p-s3cret")));
    assertFalse(config.toString().contains("t0p-s3cret"), config::toString);
    assertFalse(config.toJson().encode().contains("t0p-s3cret"));
    assertEquals("***", config.toJson().getJsonObject("secrets").getString("TOKEN"));
    assertTrue(config.toString().contains("TOKEN"), "names stay");
  }
}
