package io.conductorvx.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Filling in secret references where a task leaves the server, and masking what comes back. */
class SecretsTest {
  private final Secrets secrets = new Secrets(Map.of("TOKEN", "t0k", "API", "{\"key\":\"k1\",\"n\":7}"));

  @Test
  void referencesAreFilledInTypedOrSplicedAndTheOriginalIsUntouched() {
    Map<String, Object> input = Map.of("whole", "${workflow.secrets.TOKEN}", "text", "Bearer ${workflow.secrets.TOKEN}",
        "path", "${workflow.secrets.API.n}", "list", List.of("${workflow.secrets.API.key}"), "unknown", "[${workflow.secrets.X}]",
        "plain", 5);
    Set<String> used = new HashSet<>();
    Object out = secrets.substitute(input, used);
    assertEquals(Map.of("whole", "t0k", "text", "Bearer t0k", "path", 7, "list", List.of("k1"), "unknown", "[]", "plain", 5), out);
    assertEquals(Set.of("t0k", "7", "k1"), used);
    assertEquals("${workflow.secrets.TOKEN}", input.get("whole"));
  }

  @Test
  void aPolledTaskWithoutReferencesPassesThroughAsItIs() {
    byte[] json = "{\"taskId\":\"t\",\"inputData\":{\"a\":\"b\"}}".getBytes(StandardCharsets.UTF_8);
    assertSame(json, secrets.resolveInTaskJson(json));
  }

  @Test
  void aPolledTaskGetsItsInputFilledInAndOnlyItsInput() {
    byte[] json = ("{\"taskId\":\"t\",\"inputData\":{\"auth\":\"${workflow.secrets.TOKEN}\"},"
        + "\"outputData\":{\"echo\":\"${workflow.secrets.TOKEN}\"}}").getBytes(StandardCharsets.UTF_8);
    Map<?, ?> task = Json.fromBytes(secrets.resolveInTaskJson(json), Map.class);
    assertEquals(Map.of("auth", "t0k"), task.get("inputData"));
    assertEquals(Map.of("echo", "${workflow.secrets.TOKEN}"), task.get("outputData"));
  }

  @Test
  void maskingHidesEveryFilledInTextInStringsOnly() {
    Object masked = Secrets.mask(Map.of("h", List.of("Bearer t0k"), "k1", "x k1 y", "n", 7), Set.of("t0k", "k1"));
    assertEquals(Map.of("h", List.of("Bearer ***"), "k1", "x *** y", "n", 7), masked);
    assertTrue(Secrets.referencedIn(Map.of("a", List.of("${workflow.secrets.A}"))));
  }
}
