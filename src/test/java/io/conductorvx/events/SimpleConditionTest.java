package io.conductorvx.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.model.EventHandler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stopgap condition subset follows JavaScript's rules and Conductor's truthiness. */
class SimpleConditionTest {
  private static final Object PAYLOAD = EventProcessor.parse(
      "{\"status\":\"done\",\"amount\":5,\"n\":\"5\",\"flag\":true,\"zero\":0,\"none\":null,"
          + "\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"inner\":\"{\\\"x\\\":1}\"}");

  private static boolean holds(String condition) {
    return EventConditions.truthy(SimpleCondition.evaluate(condition, PAYLOAD));
  }

  @Test
  void comparisonsFollowJavaScript() {
    assertTrue(holds("$.status == 'done'"));
    assertTrue(holds("$.status === \"done\""));
    assertFalse(holds("$.status != 'done'"));
    assertTrue(holds("$.amount > 4 && $.amount <= 5"));
    assertTrue(holds("$.n == 5"), "loose equality converts the string");
    assertFalse(holds("$.n === 5"), "strict equality does not");
    assertTrue(holds("$.none == undefined"));
    assertTrue(holds("$.missing == null"));
    assertFalse(holds("$.missing === null"));
    assertTrue(holds("$.items[1].id == 'b' && $.items.length == 2"));
    assertTrue(holds("$['status'] == 'done'"));
    assertTrue(holds("!($.amount > 10) || $.flag"));
    assertTrue(holds("-1 < $.zero"));
  }

  @Test
  void resultIsTruthyOnlyForTrueOrAPositiveNumber() {
    assertTrue(holds("$.flag"));
    assertTrue(holds("$.amount"));
    assertFalse(holds("$.zero"));
    assertFalse(holds("$.status"), "a non-empty string is not true for Conductor");
    assertFalse(holds("$.missing"));
    assertEquals(5.0, ((Number) SimpleCondition.evaluate("$.zero || $.amount", PAYLOAD)).doubleValue(), "|| yields an operand");
  }

  @Test
  void unsupportedSyntaxIsAnErrorNotAVerdict() {
    assertThrows(IllegalArgumentException.class, () -> SimpleCondition.evaluate("$.amount + 1 > 2", PAYLOAD));
    assertThrows(IllegalArgumentException.class, () -> SimpleCondition.evaluate("$.status.includes('d')", PAYLOAD));
    assertThrows(IllegalArgumentException.class, () -> SimpleCondition.evaluate("$.missing.deeper == 1", PAYLOAD));
  }

  @Test
  void conditionsSeeNestedJsonExpandedAndValueParamReadsAKey() throws Exception {
    EventConditions conditions = new EventConditions();
    EventHandler h = new EventHandler();
    h.condition = "$.inner.x == 1";
    assertTrue(conditions.test(h, EventProcessor.expand(PAYLOAD)).toCompletionStage().toCompletableFuture().get());
    h.condition = "flag";
    h.evaluatorType = "value-param";
    assertTrue(conditions.test(h, PAYLOAD).toCompletionStage().toCompletableFuture().get());
    h.condition = "zero";
    assertFalse(conditions.test(h, PAYLOAD).toCompletionStage().toCompletableFuture().get());
    h.evaluatorType = "python";
    assertTrue(conditions.test(h, PAYLOAD).failed());
    h.condition = " ";
    assertTrue(conditions.test(h, PAYLOAD).toCompletionStage().toCompletableFuture().get(), "blank: always");
    assertEquals(List.of(Map.of("id", "a"), Map.of("id", "b")), ((Map<?, ?>) PAYLOAD).get("items"));
  }
}
