package io.conductorvx.events;

import io.conductorvx.model.EventHandler;
import io.conductorvx.tasks.TaskServices;
import io.conductorvx.tasks.script.ScriptEvaluator;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Decides whether a handler's {@code condition} holds for a message payload (semantics §16):
 * blank ⇒ true; otherwise truthy = boolean true or a number &gt; 0, anything else false.
 *
 * <ul>
 *   <li>{@code evaluatorType} null, {@code javascript} or {@code graaljs}: the condition is a
 *       JavaScript expression over {@code $} = the payload, run by the script engine off the event
 *       loop with the server's script time limit.
 *   <li>{@code value-param}: the condition names a top-level payload key; its value is tested.
 *   <li>any other type: an error, so the handler does not fire.
 * </ul>
 */
final class EventConditions {
  private final TaskServices services;

  EventConditions(TaskServices services) {
    this.services = services;
  }

  /** Completes with the verdict, or fails when the condition cannot be evaluated. */
  Future<Boolean> test(EventHandler handler, Object payload) {
    String condition = handler.condition;
    if (condition == null || condition.isBlank()) {
      return Future.succeededFuture(true);
    }
    String type = handler.evaluatorType == null || handler.evaluatorType.isBlank() ? "javascript" : handler.evaluatorType;
    try {
      return switch (type) {
        case "value-param" -> Future.succeededFuture(truthy(payload instanceof Map<?, ?> m ? m.get(condition.trim()) : null));
        case "javascript", "graaljs" -> ScriptEvaluator.evaluateAsync(services, condition, asInput(payload))
            .map(EventConditions::truthy);
        default -> Future.failedFuture(new IllegalArgumentException("Unsupported evaluatorType: " + handler.evaluatorType));
      };
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The script's {@code $}: the payload object, or {@code {}} for a payload that is not one. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> asInput(Object payload) {
    return payload instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** Conductor's reading of a condition's result: boolean true, or a number greater than zero. */
  static boolean truthy(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.doubleValue() > 0;
    }
    return false;
  }
}
