package io.conductorvx.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The machine's RabbitMQ and NATS for tests, through their own Java clients (blocking: call from
 * test threads only). URLs come from CONDUCTOR_TEST_AMQP_URL and CONDUCTOR_TEST_NATS_URL. Every
 * test names its own queues, exchanges, subjects and streams, and deletes them afterwards.
 */
public final class TestBrokers {
  public static final String AMQP_URL = env("CONDUCTOR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672");
  public static final String NATS_URL = env("CONDUCTOR_TEST_NATS_URL", "nats://127.0.0.1:4222");

  private TestBrokers() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  public static String amqpHost() {
    return URI.create(AMQP_URL).getHost();
  }

  public static int amqpPort() {
    int port = URI.create(AMQP_URL).getPort();
    return port < 0 ? 5672 : port;
  }

  /** The AMQP URL with another host and port (a {@link TcpProxy} in front of RabbitMQ). */
  public static String amqpUrlVia(int port) {
    URI uri = URI.create(AMQP_URL);
    return uri.getScheme() + "://" + uri.getRawUserInfo() + "@127.0.0.1:" + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  public static String natsHost() {
    return URI.create(NATS_URL).getHost();
  }

  public static int natsPort() {
    int port = URI.create(NATS_URL).getPort();
    return port < 0 ? 4222 : port;
  }

  /** A RabbitMQ connection of the test's own, with one confirming channel. */
  public static final class Rabbit implements AutoCloseable {
    private final Connection connection;
    private final Channel channel;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    public Rabbit() {
      try {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(AMQP_URL);
        connection = factory.newConnection("conductor-vx tests");
        channel = connection.createChannel();
        channel.confirmSelect();
      } catch (Exception e) {
        throw new IllegalStateException("RabbitMQ is not reachable at " + amqpHost() + ":" + amqpPort() + ": " + e, e);
      }
    }

    /** A durable classic queue, declared as the server declares it; deleted on close. */
    public String queue(String name) {
      call(() -> channel.queueDeclare(name, true, false, false, Map.of("x-queue-type", "classic")));
      queues.add(name);
      return name;
    }

    /** Deleted on close (whoever declared it). */
    public void forgetLater(String queue) {
      queues.add(queue);
    }

    public void exchange(String name, String type) {
      call(() -> channel.exchangeDeclare(name, type, true, false, Map.of()));
      exchanges.add(name);
    }

    public void bind(String queue, String exchange, String routingKey) {
      call(() -> channel.queueBind(queue, exchange, routingKey));
    }

    /** Publishes to a queue (default exchange) and waits for RabbitMQ's confirm. */
    public void publish(String queue, String messageId, String body) {
      call(() -> {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(messageId).contentType("application/json")
            .deliveryMode(2).build();
        channel.basicPublish("", queue, props, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
        return null;
      });
    }

    /** Publishes to an exchange with a routing key and waits for RabbitMQ's confirm. */
    public void publishToExchange(String exchange, String routingKey, String messageId, String body) {
      call(() -> {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(messageId).contentType("application/json")
            .deliveryMode(2).build();
        channel.basicPublish(exchange, routingKey, props, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
        return null;
      });
    }

    /** Deleted on close (whoever declared it). */
    public void forgetExchangeLater(String exchange) {
      exchanges.add(exchange);
    }

    /** Takes one message off the queue (acknowledged), or null when it is empty. */
    public GetResponse get(String queue) {
      return call(() -> channel.basicGet(queue, true));
    }

    /** Messages ready in the queue (not those delivered and not yet acknowledged). */
    public long ready(String queue) {
      return call(() -> channel.queueDeclarePassive(queue).getMessageCount());
    }

    public long consumers(String queue) {
      return exists(queue) ? call(() -> channel.queueDeclarePassive(queue).getConsumerCount()) : 0;
    }

    /** Whether the queue exists (asked on a channel of its own: a failed passive declare closes it). */
    public boolean exists(String queue) {
      try (Channel probe = connection.createChannel()) {
        probe.queueDeclarePassive(queue);
        return true;
      } catch (IOException e) {
        return false;
      } catch (TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      try {
        for (String q : queues) {
          channel.queueDelete(q);
        }
        for (String x : exchanges) {
          channel.exchangeDelete(x);
        }
        connection.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("RabbitMQ clean-up failed: " + e);
      }
    }

    private interface Call<T> {
      T run() throws Exception;
    }

    private static <T> T call(Call<T> call) {
      try {
        return call.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A NATS connection of the test's own; deletes the streams it was told about on close. */
  public static final class NatsClient implements AutoCloseable {
    public final io.nats.client.Connection connection;
    private final List<String> streams = new ArrayList<>();

    public NatsClient() {
      try {
        connection = Nats.connect(new io.nats.client.Options.Builder().server(NATS_URL).connectionTimeout(Duration.ofSeconds(5)).build());
      } catch (Exception e) {
        throw new IllegalStateException("NATS is not reachable at " + NATS_URL + ": " + e, e);
      }
    }

    public JetStreamManagement jsm() {
      try {
        return connection.jetStreamManagement();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    public void deleteStreamLater(String stream) {
      streams.add(stream);
    }

    @Override
    public void close() {
      try {
        JetStreamManagement jsm = jsm();
        for (String s : streams) {
          try {
            jsm.deleteStream(s);
          } catch (Exception e) {
            // never created
          }
        }
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
