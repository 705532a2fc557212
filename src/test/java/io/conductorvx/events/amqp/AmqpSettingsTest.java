package io.conductorvx.events.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Conductor's AMQP queue URIs, read as its AMQP module reads them. */
class AmqpSettingsTest {
  @Test
  void aQueueWithoutParametersTakesConductorsDefaults() {
    AmqpSettings s = AmqpSettings.parse(AmqpSettings.QUEUE_TYPE, "orders", "classic");
    assertFalse(s.exchange());
    assertEquals("orders", s.name());
    assertEquals("orders", s.consumedQueue());
    assertTrue(s.durable());
    assertFalse(s.exclusive());
    assertFalse(s.autoDelete());
    assertEquals(2, s.deliveryMode());
    assertEquals(new JsonObject().put("x-queue-type", "classic"), s.queueArguments());
  }

  @Test
  void conductorsQueueExampleIsReadWithItsParameters() {
    AmqpSettings s = AmqpSettings.parse(AmqpSettings.QUEUE_TYPE, "myQueue?deliveryMode=1&autoDelete=true&exclusive=true&maxPriority=5",
        "quorum");
    assertEquals("myQueue", s.name());
    assertEquals(1, s.deliveryMode());
    assertTrue(s.autoDelete());
    assertTrue(s.exclusive());
    assertEquals(new JsonObject().put("x-queue-type", "quorum").put("x-max-priority", 5), s.queueArguments());
  }

  @Test
  void conductorsExchangeExampleBindsItsQueueWithTheRoutingKey() {
    AmqpSettings s = AmqpSettings.parse(AmqpSettings.EXCHANGE_TYPE,
        "myExchange?bindQueueName=myQueue&exchangeType=topic&routingKey=myRoutingKey&exclusive=true", "classic");
    assertTrue(s.exchange());
    assertEquals("myExchange", s.name());
    assertEquals("topic", s.exchangeType());
    assertEquals("myQueue", s.consumedQueue());
    assertEquals("myRoutingKey", s.routingKey());
    assertTrue(s.exclusive());
  }

  @Test
  void anExchangeWithoutABoundQueueNameConsumesBoundToItsName() {
    AmqpSettings s = AmqpSettings.parse(AmqpSettings.EXCHANGE_TYPE, "events?ExchangeType=direct&DURABLE=false", "classic");
    assertEquals("bound_to_events", s.consumedQueue());
    assertEquals("direct", s.exchangeType(), "keys are read without regard to case");
    assertFalse(s.durable());
    assertEquals("", s.routingKey());
  }

  @Test
  void aParameterWithoutAValueIsIgnoredAsConductorIgnoresIt() {
    AmqpSettings s = AmqpSettings.parse(AmqpSettings.EXCHANGE_TYPE, "x?routingKey=&exchangeType=&durable", "classic");
    assertEquals("", s.routingKey());
    assertEquals("topic", s.exchangeType());
    assertTrue(s.durable());
  }

  @Test
  void valuesConductorRefusesAreRefused() {
    assertEquals("Delivery mode must be 1 or 2",
        assertThrows(IllegalArgumentException.class, () -> AmqpSettings.parse(AmqpSettings.QUEUE_TYPE, "q?deliveryMode=3", "classic")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> AmqpSettings.parse(AmqpSettings.QUEUE_TYPE, "?durable=true", "classic"));
    assertThrows(IllegalArgumentException.class, () -> AmqpSettings.parse(AmqpSettings.QUEUE_TYPE, "q?maxPriority=high", "classic"));
  }
}
