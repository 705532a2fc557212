package io.conductorvx.events;

/**
 * One message on an event queue: the provider {@code type} ({@code conductor}, {@code sqs}…), the
 * queue within it, the message id and the payload as JSON text. Immutable, so it may be passed by
 * reference on the event bus.
 */
public record EventMessage(String type, String queue, String id, String payload) {
  /** The event name handlers listen on: {@code <type>:<queue>}. */
  public String event() {
    return type + ":" + queue;
  }
}
