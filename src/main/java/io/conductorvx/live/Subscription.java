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
  final LiveConnection connection;
  final String id;
  /** The id as a JSON string, UTF-8: the only per-subscription bytes of a frame besides seq. */
  private final byte[] quotedId;
  private long seq;
  /** Events were dropped (the connection's buffer was full): a resync is owed, nothing else is sent. */
  boolean resyncOwed;
  boolean ended;

  Subscription(LiveConnection connection, String id) {
    this.connection = connection;
    this.id = id;
    this.quotedId = Json.encode(id).getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[] SEQ = ",\"seq\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EMPTY = {'{', '}'};

  /** Bytes of {@code {"type":"<type>","id":}, for the types the feed sends (shared, never written to). */
  static byte[] typePrefix(String type) {
    return switch (type) {
      case "workflow" -> WORKFLOW;
      case "task" -> TASK;
      default -> ("{\"type\":\"" + type + "\",\"id\":").getBytes(StandardCharsets.UTF_8);
    };
  }

  private static final byte[] WORKFLOW = "{\"type\":\"workflow\",\"id\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TASK = "{\"type\":\"task\",\"id\":".getBytes(StandardCharsets.UTF_8);

  /** An upper bound of the bytes {@link #frame} writes for a body of {@code bodyLength} bytes. */
  int frameLength(byte[] typePrefix, int bodyLength) {
    return typePrefix.length + quotedId.length + SEQ.length + 20 + 1 + bodyLength;
  }

  /**
   * Writes one message of this subscription into {@code out}: {"type":…,"id":…,"seq":n, then the
   * fields of {@code body} (a JSON object's UTF-8 bytes, encoded once per event and shared by every
   * subscriber: only this small prefix is per subscription). Takes the next seq.
   */
  void frame(ByteBuf out, byte[] typePrefix, byte[] body) {
    out.writeBytes(typePrefix).writeBytes(quotedId).writeBytes(SEQ);
    long n = seq++;
    if (n < 10) {
      out.writeByte('0' + (int) n);
    } else {
      out.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
    }
    if (body.length > 2) {
      out.writeByte(',').writeBytes(body, 1, body.length - 1);
    } else {
      out.writeByte('}');
    }
  }

  static byte[] empty() {
    return EMPTY;
  }

  /** One execution: a snapshot taken on its owner, then each committed change. */
  static final class OfWorkflow extends Subscription {
    final String workflowId;
    /** The key of the snapshot awaited; null once it arrived (events flow). */
    String snapshotKey;
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
