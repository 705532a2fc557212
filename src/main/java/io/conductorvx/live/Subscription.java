package io.conductorvx.live;

import io.netty.buffer.ByteBuf;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One subscription of a connection: its client-chosen id, its own sequence (each message sent for
 * it takes the next number, so a client that sees no gap has seen everything) and whether events
 * were dropped for it (then it owes the client a {@code resync}).
 */
abstract sealed class Subscription {
  private static final byte[] TYPE_OPEN = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
  final LiveConnection connection;
  final String id;
  /** {@code ","id":"<id>","seq":} as UTF-8: what every frame of this subscription repeats. */
  private final byte[] idPart;
  private long seq;
  /** Events were dropped (the connection's buffer was full): a resync is owed, nothing else is sent. */
  boolean resyncOwed;
  boolean ended;

  Subscription(LiveConnection connection, String id) {
    this.connection = connection;
    this.id = id;
    this.idPart = ("\",\"id\":" + Json.encode(id) + ",\"seq\":").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes a message of this subscription into {@code out}: {"type":…,"id":…,"seq":n, then the
   * fields of {@code body} (a JSON object's UTF-8 text, encoded once for every subscriber).
   */
  void frame(ByteBuf out, byte[] type, byte[] body) {
    out.writeBytes(TYPE_OPEN).writeBytes(type).writeBytes(idPart);
    out.writeCharSequence(Long.toString(seq++), StandardCharsets.US_ASCII);
    if (body.length > 2) {
      out.writeByte(',').writeBytes(body, 1, body.length - 1);
    } else {
      out.writeByte('}');
    }
  }

  /** The bytes {@link #frame} writes, at most. */
  int frameLength(byte[] type, byte[] body) {
    return TYPE_OPEN.length + type.length + idPart.length + 20 + body.length;
  }

  /** One execution: a snapshot taken on its owner, then each committed change. */
  static final class OfWorkflow extends Subscription {
    final String workflowId;
    /** The key of the snapshot awaited; null once it arrived (events flow). */
    String snapshotKey;
    /** Names this subscription's watch on the workflow's owner ({@link LiveInterest}); set by its first watch. */
    String watchId;
    /** The owner counts this subscription in {@link LiveInterest}: undo it when the subscription ends. */
    boolean watchCounted;

    OfWorkflow(LiveConnection connection, String id, String workflowId) {
      super(connection, id);
      this.workflowId = workflowId;
    }
  }

  /** Status changes of every workflow, optionally of one type and some statuses. */
  static final class OfWorkflows extends Subscription {
    final String workflowType;
    final Set<String> statuses;

    OfWorkflows(LiveConnection connection, String id, String workflowType, Set<String> statuses) {
      super(connection, id);
      this.workflowType = workflowType;
      this.statuses = statuses;
    }

    boolean matches(LiveFeedMessage.Commit c) {
      return (workflowType == null || workflowType.equals(c.workflowType()))
          && (statuses == null || statuses.contains(c.status()));
    }
  }

  /** Queue sizes and last polls, coalesced to one message a second at most. */
  static final class OfQueues extends Subscription {
    /** It has not had the full list yet. */
    boolean needsAll = true;

    OfQueues(LiveConnection connection, String id) {
      super(connection, id);
    }
  }
}
