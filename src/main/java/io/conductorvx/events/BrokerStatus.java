package io.conductorvx.events;

import java.util.List;

/**
 * The health of one external event broker, for a health endpoint: {@code up} while every
 * connection the server needs to it is established, since {@code since} (epoch ms); {@code error}
 * says what is wrong while it is not up (null otherwise). {@code queues} are the queues its
 * handlers are consumed from, {@code types} the event queue types it serves ({@code amqp_queue},
 * {@code jsm}…). The address never carries credentials.
 */
public record BrokerStatus(String name, String address, List<String> types, boolean up, long since, String error,
    List<String> queues) {}
