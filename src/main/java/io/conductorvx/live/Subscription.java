package io.conductorvx.live;

import io.vertx.core.json.Json;
import java.util.Set;

/**
 * One subscription of a connection: its client-chosen id, its own sequence (each message sent for
 * it takes the next number, so a client that sees no gap has seen everything) and whether events
 * were dropped for it (then it owes the client a {@code resync}).
 */
abstract sealed class Subscription {
  final LiveConnection connection;
  final String id;
  private final String quotedId;
  private long seq;
  /** Events were dropped (the connection's buffer was full): a resync is owed, nothing else is sent. */
  boolean resyncOwed;
  boolean ended;

  Subscription(LiveConnection connection, String id) {
    this.connection = connection;
    this.id = id;
    this.quotedId = Json.encode(id);
  }

  /** A message for this subscription: {"type":…,"id":…,"seq":n, then the fields of {@code body} (a JSON object's text). */
  String frame(String type, String body) {
    StringBuilder sb = new StringBuilder(body.length() + quotedId.length() + 40)
        .append("{\"type\":\"").append(type).append("\",\"id\":").append(quotedId).append(",\"seq\":").append(seq++);
    if (body.length() > 2) {
      sb.append(',').append(body, 1, body.length());
    } else {
      sb.append('}');
    }
    return sb.toString();
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
