package io.conductorvx.model;

import java.util.Map;

/**
 * One run of one event handler action for one message (Conductor's EventExecution): {@code id} is
 * {@code <messageId>_<actionIndex>}, {@code name} the handler, {@code event} the handler's event.
 * A handler whose condition is false leaves one SKIPPED execution ({@code <messageId>_0}, no
 * action). {@code statusDescription} (the failure, if any) and {@code payload} (the message) are
 * what Orkes' event monitor reads beside Conductor's fields.
 */
public record EventExecution(String id, String messageId, String name, String event, long created, Status status,
    EventHandler.Action.Type action, Map<String, Object> output, String statusDescription, Object payload) {

  public enum Status {
    IN_PROGRESS, COMPLETED, FAILED, SKIPPED;

    /** A recorded outcome that a redelivered message must not run again. */
    public boolean isFinal() {
      return this != IN_PROGRESS;
    }
  }

  /** The execution id Conductor gives the action at {@code index} for a message. */
  public static String idOf(String messageId, int index) {
    return messageId + "_" + index;
  }
}
