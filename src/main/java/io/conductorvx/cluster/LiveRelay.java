package io.conductorvx.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.live.LiveEvents;
import io.conductorvx.live.LiveFeedMessage;
import io.conductorvx.live.LiveInterest;
import io.conductorvx.model.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The live feed across members. The owner of a workflow takes every watch of it (a forwarded
 * {@code Watch} names the subscriber's member) and publishes snapshots and commits on its own feed;
 * this relay hears that feed and carries what other members' clients want to them: the snapshot
 * of their watch, the commits of workflows they watch, and status changes while their clients list
 * workflows. The receiving member publishes them into its own feed, where its endpoints cannot
 * tell them from local ones.
 *
 * <p>Order: each destination has one queue, and one batch at a time travels to it ({@code POST
 * /cluster/live} on its internal endpoint), published there before it answers; one owner's feed
 * reaches a member in the order it was published. A batch that fails is sent again while the
 * member is alive; past {@link #MAX_QUEUED} waiting messages the queue is dropped and the member is
 * told to resync its watches instead. A member that left or died is forgotten (its watches too).
 */
final class LiveRelay extends VerticleBase {
  static final String PATH = "/cluster/live";
  private static final Logger LOG = Logger.getLogger(LiveRelay.class.getName());
  /** A header on what the relay published into this member's feed: it is not relayed again. */
  private static final String RELAYED = "relayed";
  private static final int MAX_QUEUED = 50_000;
  private static final int MAX_BATCH = 512;
  private static final long RETRY_MS = 200;
  private static final long TICK_MS = 250;

  private final WorkflowEngine engine;
  private final ClusterNode node;
  private final ServerConfig config;
  private final LiveInterest interest;
  private final Map<String, Outbox> outboxes = new HashMap<>();
  /** Members holding watches here that the last rounds did not list as alive, since when (System.nanoTime). */
  private final Map<String, Long> missingSince = new HashMap<>();
  private HttpClientAgent http;
  private long timer = -1;
  private long lastListening;

  LiveRelay(WorkflowEngine engine, ClusterNode node) {
    this.engine = engine;
    this.node = node;
    this.config = engine.config();
    this.interest = engine.liveInterest();
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(4));
    timer = vertx.setPeriodic(TICK_MS, t -> tick());
    return vertx.eventBus().<LiveFeedMessage>consumer(engine.address(LiveEvents.FEED), this::onFeed).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return http.close();
  }

  // ---------------------------------------------------------------- the owner's side

  private void onFeed(Message<LiveFeedMessage> message) {
    if (message.headers().contains(RELAYED)) {
      return;
    }
    LiveFeedMessage m = message.body();
    if (m instanceof LiveFeedMessage.Snapshot s) {
      if (s.subscriber() != null) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("k", "s").put("key", s.key()).put("workflowId", s.workflowId())
            .put("workflow", new String(s.workflow(), StandardCharsets.UTF_8));
        outbox(s.subscriber()).add(o);
      }
      return;
    }
    LiveFeedMessage.Commit c = (LiveFeedMessage.Commit) m;
    Set<String> watchers = interest.remoteWatchers(c.workflowId());
    List<String> listers = c.statusChanged() && c.workflowEvent() != null ? interest.remoteStatusListeners() : List.of();
    if (watchers.isEmpty() && listers.isEmpty()) {
      return;
    }
    ObjectNode full = null;
    ObjectNode statusOnly = null;
    for (String member : watchers) {
      full = full != null ? full : encode(c, true);
      outbox(member).add(full);
    }
    for (String member : listers) {
      if (!watchers.contains(member)) {
        statusOnly = statusOnly != null ? statusOnly : encode(c, false);
        outbox(member).add(statusOnly);
      }
    }
  }

  private static ObjectNode encode(LiveFeedMessage.Commit c, boolean withTasks) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("k", "c").put("workflowId", c.workflowId())
        .put("workflowType", c.workflowType()).put("status", c.status()).put("statusChanged", c.statusChanged())
        .put("workflowEvent", c.workflowEvent()).put("reset", withTasks && c.reset());
    ArrayNode tasks = o.putArray("taskEvents");
    if (withTasks) {
      c.taskEvents().forEach(tasks::add);
    }
    return o;
  }

  private Outbox outbox(String member) {
    return outboxes.computeIfAbsent(member, Outbox::new);
  }

  /**
   * Every tick: tell the other members while this one's clients list workflow statuses (the
   * owners then relay status changes here), and forget members that are gone.
   */
  private void tick() {
    Set<String> liveTags = liveTags();
    long now = System.nanoTime();
    missingSince.keySet().retainAll(interest.remoteMembers());
    missingSince.keySet().removeAll(liveTags);
    for (String member : interest.remoteMembers()) {
      if (!liveTags.contains(member)) {
        missingSince.putIfAbsent(member, now);
        if (gone(member)) {
          interest.forgetMember(member);
          missingSince.remove(member);
        }
      }
    }
    outboxes.keySet().removeIf(member -> !liveTags.contains(member) && outboxes.get(member).idle());
    long every = Math.max(TICK_MS, config.clusterHeartbeatMs()) * 1_000_000;
    if (interest.statusListenerCount() > 0 && (lastListening == 0 || now - lastListening > every)) {
      lastListening = now;
      String me = node.memberTag();
      for (String member : liveTags) {
        if (!member.equals(me)) {
          outbox(member).listening = true;
          outbox(member).flush();
        }
      }
    } else if (interest.statusListenerCount() == 0) {
      lastListening = 0;
    }
  }

  private Set<String> liveTags() {
    Set<String> tags = new HashSet<>();
    node.liveMembers().forEach((id, address) -> tags.add(ClusterNode.tag(id, address)));
    return tags;
  }

  /**
   * A member missing from the live list for longer than a lease is gone. Not at once: one that just
   * joined may watch here before this member's next round lists it.
   */
  private boolean gone(String member) {
    Long since = missingSince.get(member);
    return since != null && System.nanoTime() - since > config.clusterLeaseMs() * 1_000_000;
  }

  /** How long a member's listing holds without being said again. */
  private long listeningForMs() {
    return 5 * Math.max(TICK_MS, config.clusterHeartbeatMs());
  }

  /** The messages waiting for one member, sent a batch at a time. */
  private final class Outbox {
    final String member;
    final String host;
    final int port;
    final ArrayDeque<ObjectNode> queued = new ArrayDeque<>();
    boolean sending;
    boolean owesResync;
    boolean listening;

    Outbox(String member) {
      this.member = member;
      String address = member.substring(member.indexOf('@') + 1);
      int colon = address.lastIndexOf(':');
      this.host = address.substring(0, colon);
      this.port = Integer.parseInt(address.substring(colon + 1));
    }

    /** Nothing on the way or waiting (a batch put back for a retry waits in the queue): safe to drop. */
    boolean idle() {
      return !sending && queued.isEmpty() && !owesResync && !listening;
    }

    void add(ObjectNode message) {
      if (queued.size() >= MAX_QUEUED) {
        // the member cannot keep up (or is unreachable): it reloads its watches instead
        queued.clear();
        owesResync = true;
      }
      queued.add(message);
      flush();
    }

    void flush() {
      if (sending || (queued.isEmpty() && !owesResync && !listening)) {
        return;
      }
      ObjectNode batch = Json.MAPPER.createObjectNode().put("from", node.memberTag());
      if (owesResync) {
        batch.put("resync", true);
      }
      if (listening) {
        batch.put("listeningMs", listeningForMs());
      }
      ArrayNode messages = batch.putArray("messages");
      List<ObjectNode> taken = new ArrayList<>();
      while (!queued.isEmpty() && taken.size() < MAX_BATCH) {
        ObjectNode m = queued.poll();
        taken.add(m);
        messages.add(m);
      }
      boolean resync = owesResync;
      boolean listen = listening;
      owesResync = false;
      listening = false;
      sending = true;
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
          .setURI(PATH).setIdleTimeout(config.commandTimeoutMs()).setConnectTimeout(1_000)
          .putHeader("content-type", "application/json");
      http.request(options)
          .compose(req -> req.send(Buffer.buffer(bytes(batch))))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            sending = false;
            if (ar.succeeded() && ar.result() == 204) {
              flush();
              return;
            }
            if (!liveTags().contains(member)) {
              missingSince.putIfAbsent(member, System.nanoTime());
              if (gone(member)) {
                outboxes.remove(member);
                interest.forgetMember(member);
                return;
              }
            }
            LOG.fine("live relay to " + member + ": " + (ar.failed() ? ar.cause().getMessage() : "status " + ar.result()));
            // put the batch back in front, in order, and try again shortly
            for (int i = taken.size() - 1; i >= 0; i--) {
              queued.addFirst(taken.get(i));
            }
            owesResync |= resync;
            listening |= listen;
            vertx.setTimer(RETRY_MS, t -> flush());
          });
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- the subscriber's side

  private static final DeliveryOptions RELAYED_LOCAL = new DeliveryOptions()
      .setCodecName(io.conductorvx.engine.LocalCodec.NAME).addHeader(RELAYED, "1");
  /** A late commit of a former owner: for the workflow listings only (see {@link #receive}). */
  private static final DeliveryOptions RELAYED_FOR_LISTINGS = new DeliveryOptions()
      .setCodecName(io.conductorvx.engine.LocalCodec.NAME).addHeader(RELAYED, "1").addHeader(LiveEvents.LISTINGS_ONLY, "1");

  /**
   * A batch from an owner ({@link ClusterEndpoint}): published into this member's feed in order,
   * before the answer, so the next batch comes after it. A commit from a member that no longer
   * owns the workflow's partition (as this member last read the table) was still in its relay
   * queue when the partition moved: the watchers here take (or will take, once they see the move)
   * the new owner's snapshot, which holds that commit already, so it goes to the listings only.
   */
  static void receive(EventBus bus, WorkflowEngine engine, ClusterNode node, Buffer body) {
    JsonNode batch;
    try {
      batch = Json.MAPPER.readTree(body.getBytes());
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable relay batch: " + e.getMessage(), e);
    }
    String from = batch.path("from").asText();
    if (batch.has("listeningMs")) {
      engine.liveInterest().remoteStatusListener(from, batch.path("listeningMs").asLong());
    }
    if (batch.path("resync").asBoolean(false)) {
      bus.publish(engine.address(LiveEvents.REWATCH), -1);
    }
    String feed = engine.address(LiveEvents.FEED);
    for (JsonNode m : batch.path("messages")) {
      LiveFeedMessage message;
      if ("s".equals(m.path("k").asText())) {
        message = new LiveFeedMessage.Snapshot(m.path("key").asText(), m.path("workflowId").asText(),
            m.path("workflow").asText().getBytes(StandardCharsets.UTF_8), null);
      } else {
        List<String> tasks = new ArrayList<>();
        m.path("taskEvents").forEach(t -> tasks.add(t.asText()));
        JsonNode wfEvent = m.path("workflowEvent");
        LiveFeedMessage.Commit commit = new LiveFeedMessage.Commit(m.path("workflowId").asText(), m.path("workflowType").asText(null),
            m.path("status").asText(), m.path("statusChanged").asBoolean(), wfEvent.isTextual() ? wfEvent.asText() : null,
            tasks, m.path("reset").asBoolean());
        if (!node.ownerIs(node.partitionOf(commit.workflowId()), from)) {
          if (commit.statusChanged()) {
            bus.publish(feed, commit, RELAYED_FOR_LISTINGS);
          }
          continue;
        }
        message = commit;
      }
      bus.publish(feed, message, RELAYED_LOCAL);
    }
  }
}
