package io.conductorvx.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.error.ConductorException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An owner's error answer becomes, on the member that forwarded the command, the error it was on the owner. */
class ForwardedErrorTest {

  @Test
  void aForwardedValidationErrorKeepsEachFieldsViolation() {
    Buffer answer = new JsonObject().put("message", "Validation failed, check below errors for detail.")
        .put("notOwner", false)
        .put("validationErrors", new JsonArray()
            .add(new JsonObject().put("path", "workflowDef.tasks[0].name").put("message", "must not be blank"))
            .add(new JsonObject().put("path", "priority").put("message", "at most 99")))
        .toBuffer();
    ConductorException e = ClusterEndpoint.error(400, answer);
    assertEquals(400, e.status());
    assertEquals(List.of(new ConductorException.Violation("workflowDef.tasks[0].name", "must not be blank"),
        new ConductorException.Violation("priority", "at most 99")), e.validationErrors());
  }

  @Test
  void otherErrorsKeepTheirStatusAndMessage() {
    ConductorException missing = ClusterEndpoint.error(404,
        new JsonObject().put("message", "No such workflow: w1").put("notOwner", false).toBuffer());
    assertEquals(404, missing.status());
    assertEquals("No such workflow: w1", missing.getMessage());
    assertTrue(missing.validationErrors().isEmpty());
    ConductorException garbled = ClusterEndpoint.error(503, Buffer.buffer("upstream gone"));
    assertEquals(503, garbled.status());
    assertEquals("upstream gone", garbled.getMessage());
  }
}
