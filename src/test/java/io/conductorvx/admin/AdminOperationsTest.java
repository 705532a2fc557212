package io.conductorvx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What /api/admin/config shows of connection URLs. */
class AdminOperationsTest {
  @Test
  void passwordsInUrlsAreMasked() {
    assertEquals("postgresql://app:***@db:5432/conductor", AdminOperations.withoutPassword("postgresql://app:s3cret@db:5432/conductor"));
    assertEquals("redis://:***@cache:6379", AdminOperations.withoutPassword("redis://:s3cret@cache:6379"));
    assertEquals("postgresql://postgres@127.0.0.1:5432/test", AdminOperations.withoutPassword("postgresql://postgres@127.0.0.1:5432/test"));
    assertEquals("redis://127.0.0.1:6379", AdminOperations.withoutPassword("redis://127.0.0.1:6379"));
    assertEquals("amqp://guest:***@rabbit:5672/vhost", AdminOperations.withoutPassword("amqp://guest:guest@rabbit:5672/vhost"));
    assertEquals("nats://app:***@nats:4222", AdminOperations.withoutPassword("nats://app:pw@nats:4222"));
  }
}
