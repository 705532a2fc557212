package io.conductorvx.events;

import io.conductorvx.model.EventHandler;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Decides whether a handler's {@code condition} holds for a message payload (semantics §16):
 * blank ⇒ true; otherwise truthy = boolean true or a number &gt; 0, anything else false.
 *
 * <ul>
 *   <li>{@code evaluatorType} null, {@code javascript} or {@code graaljs}: the condition is a
 *       JavaScript expression over {@code $} = the payload. See the TODO below: for now only the
 *       subset {@link SimpleCondition} understands.
 *   <li>{@code value-param}: the condition names a top-level payload key; its value is tested.
 *   <li>any other type: an error, so the handler does not fire.
 * </ul>
 */
final class EventConditions {

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
        // TODO(scripts): once branch `scripts` is on main, evaluate JavaScript with
        //  io.conductorvx.tasks.script.ScriptEvaluator.shared().evaluateAsync(services, condition, payloadMap)
        //  (off the event loop, time-limited) and apply truthy() to its result; SimpleCondition then goes.
        case "javascript", "graaljs" -> Future.succeededFuture(truthy(SimpleCondition.evaluate(condition, payload)));
        default -> Future.failedFuture(new IllegalArgumentException("Unsupported evaluatorType: " + handler.evaluatorType));
      };
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
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
