package io.conductorvx.live;

/**
 * Event bus addresses on which status changes are published. Each is a name: the bus address is
 * {@code engine.address(name)}, prefixed per server so servers sharing a Vert.x never hear each
 * other (a multi-instance relay publishes into this server's addresses explicitly).
 */
public final class LiveEvents {
  /** JSON: {@link LiveEventBodies#workflow}, on every workflow status change. */
  public static final String WORKFLOW = "events.workflow";
  /** JSON: {@link LiveEventBodies#task}, on every task status change. */
  public static final String TASK = "events.task";
  /**
   * The live feed's input ({@link LiveFeedMessage}, local codec): every committed change of a
   * workflow somebody watches, and the snapshots that start a watch, in commit order per workflow.
   */
  public static final String FEED = "events.feed";
  /**
   * Cluster: the watches of workflows in a partition need taking again (Integer body). A partition
   * number: it has a new owner, which does not know this member's watches, so each is counted
   * again there. -1: the relay from some owner lost events, so every watch of a workflow owned
   * elsewhere gets a fresh snapshot (the owners still count them).
   */
  public static final String REWATCH = "live.rewatch";
  /**
   * A header on a feed commit that only the {@code workflows} listings take, not the workflow's
   * watchers (cluster: a former owner's late commit, see cluster.LiveRelay).
   */
  public static final String LISTINGS_ONLY = "listingsOnly";
  /** Body: {@link QueueReady} (local codec), a queue that just got messages; wakes long polls parked on it. */
  public static final String QUEUE_READY = "queue.ready";

  private LiveEvents() {}
}
