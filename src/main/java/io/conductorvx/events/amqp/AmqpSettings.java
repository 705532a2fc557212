package io.conductorvx.events.amqp;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What an AMQP queue name means, in the syntax of Conductor's AMQP module (extras.md §5): the part
 * after {@code amqp_queue:} or {@code amqp_exchange:} is {@code <name>[?key=value&…]}, e.g.
 * {@code orders?deliveryMode=1&durable=false} or
 * {@code events?exchangeType=direct&routingKey=done&bindQueueName=my_copy}. Keys are read without
 * regard to case and unknown ones are ignored, as Conductor does; its defaults apply (durable,
 * not exclusive, not auto-deleted, persistent messages, topic exchanges). Queues are declared with
 * {@code x-queue-type} (and {@code x-max-priority} when {@code maxPriority} is given) as Conductor
 * declares them, so the same queue can be shared with a Conductor server.
 *
 * @param exchange   true for {@code amqp_exchange}: publish to the exchange, consume from a queue bound to it
 * @param boundQueue the queue consumed for an exchange ({@code bindQueueName}, else {@code bound_to_<exchange>})
 */
public record AmqpSettings(boolean exchange, String name, String exchangeType, String boundQueue, String routingKey,
    boolean durable, boolean exclusive, boolean autoDelete, int deliveryMode, Integer maxPriority, String queueType) {

  public static final String QUEUE_TYPE = "amqp_queue";
  public static final String EXCHANGE_TYPE = "amqp_exchange";

  /**
   * Reads the queue part of an event name.
   *
   * @param type      {@link #QUEUE_TYPE} or {@link #EXCHANGE_TYPE}
   * @param queueType the server's {@code x-queue-type} for the queues it declares (classic, quorum)
   * @throws IllegalArgumentException for a name or parameter Conductor would refuse
   */
  public static AmqpSettings parse(String type, String uri, String queueType) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("AMQP queue URI is empty");
    }
    int q = uri.indexOf('?');
    String name = (q < 0 ? uri : uri.substring(0, q)).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("AMQP queue URI names no queue or exchange: " + uri);
    }
    boolean exchange = EXCHANGE_TYPE.equals(type);
    String exchangeType = "topic";
    String boundQueue = null;
    String routingKey = "";
    boolean durable = true;
    boolean exclusive = false;
    boolean autoDelete = false;
    int deliveryMode = 2;
    Integer maxPriority = null;
    if (q >= 0) {
      for (String param : uri.substring(q + 1).split("&")) {
        int eq = param.indexOf('=');
        String value = eq <= 0 ? "" : param.substring(eq + 1).trim();
        if (value.isEmpty()) {
          continue; // a key without a value is ignored, as Conductor ignores it
        }
        String key = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        switch (key) {
          case "exchangetype" -> exchangeType = value;
          case "bindqueuename" -> boundQueue = value;
          case "routingkey" -> routingKey = value;
          case "durable" -> durable = Boolean.parseBoolean(value);
          case "exclusive" -> exclusive = Boolean.parseBoolean(value);
          case "autodelete" -> autoDelete = Boolean.parseBoolean(value);
          case "deliverymode" -> deliveryMode = deliveryMode(value);
          case "maxpriority" -> maxPriority = number(value, "maxPriority");
          default -> {
            // Conductor ignores what it does not know
          }
        }
      }
    }
    return new AmqpSettings(exchange, name, exchangeType, boundQueue == null ? "bound_to_" + name : boundQueue,
        routingKey, durable, exclusive, autoDelete, deliveryMode, maxPriority, queueType);
  }

  private static int deliveryMode(String value) {
    int mode = number(value, "deliveryMode");
    if (mode != 1 && mode != 2) {
      throw new IllegalArgumentException("Delivery mode must be 1 or 2");
    }
    return mode;
  }

  private static int number(String value, String what) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number, got: " + value);
    }
  }

  /** The queue messages are consumed from. */
  public String consumedQueue() {
    return exchange ? boundQueue : name;
  }

  /** Arguments of the queue declared for {@code amqp_queue}. */
  JsonObject queueArguments() {
    JsonObject args = new JsonObject().put("x-queue-type", queueType);
    if (maxPriority != null) {
      args.put("x-max-priority", maxPriority);
    }
    return args;
  }

  /** Arguments of the queue bound to an exchange (Conductor gives it no priority). */
  JsonObject boundQueueArguments() {
    return new JsonObject().put("x-queue-type", queueType);
  }

  JsonObject exchangeArguments() {
    JsonObject args = new JsonObject();
    if (maxPriority != null) {
      args.put("x-max-priority", maxPriority);
    }
    return args;
  }
}
