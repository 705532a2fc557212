package io.conductorvx.live;

import java.util.List;

/**
 * What travels on a server's {@link LiveEvents#FEED} address, by reference (local codec). Event
 * bodies are encoded once, when published, whatever the number of subscribers.
 */
public sealed interface LiveFeedMessage {
  String workflowId();

  /**
   * One committed decision of a watched workflow (or a status change, for the {@code workflows}
   * topic). {@code workflowEvent}: the workflow's fields as JSON text, null when the decision left
   * the workflow itself alone; {@code taskEvents}: each saved task's fields, in save order;
   * {@code reset}: tasks were removed (restart, rerun), so watchers need a fresh snapshot.
   */
  record Commit(String workflowId, String workflowType, String status, boolean statusChanged, String workflowEvent,
      List<String> taskEvents, boolean reset) implements LiveFeedMessage {}

  /**
   * The workflow with its tasks as GET /api/workflow/{id} answers it, taken in order on its owner for
   * one watch. {@code subscriber}: the cluster member whose client asked (the relay carries it
   * there), null when it was this server's.
   */
  record Snapshot(String key, String workflowId, byte[] workflow, String subscriber) implements LiveFeedMessage {}
}
