package io.conductorvx.cluster;

import io.conductorvx.config.ServerConfig;
import io.conductorvx.engine.Command;
import io.conductorvx.engine.DeciderVerticle;
import io.conductorvx.engine.Ownership;
import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.error.ConductorException;
import io.conductorvx.store.Fence;
import io.conductorvx.store.postgres.PostgresDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This instance as a member of a cluster over one PostgreSQL: it registers with a fresh id,
 * heartbeats, holds leases on its share of the partitions (rendezvous hashing over live members,
 * handing over before the other side takes, at most {@link #MOVES_PER_ROUND} per round so a joiner
 * takes its share gradually), and forwards commands for partitions owned elsewhere to their owner's
 * internal endpoint ({@link ClusterEndpoint}). Each lease carries an epoch that every workflow write
 * is fenced with, so being wrong about ownership costs a refused write, never a lost update.
 *
 * <p>The periodic round runs on this verticle's context, one at a time; the ownership answers
 * ({@link #epochIfOwned}) are read from any event loop, from atomic arrays.
 */
public final class ClusterNode extends VerticleBase implements Ownership {
  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());
  private static final int MOVES_PER_ROUND = 32;
  /** How long a hand-over waits for the partition's commands in flight here before it lets go anyway. */
  private static final long DRAIN_MS = 2_000;
  private static final long FORWARD_RETRY_MS = 50;

  private final WorkflowEngine engine;
  private final ServerConfig config;
  private final int partitions;
  private final long leaseMs;
  private final UUID me = UUID.randomUUID();
  /** partition → the epoch of this member's lease, -1 when not held here. */
  private final AtomicLongArray epochs;
  /** partition → the owner's forwarding address as last read from the table (null: none known). */
  private final AtomicReferenceArray<String> owners;
  /** Leases held here are trusted until then (System.nanoTime): the last renewal's start plus the lease, less a margin. */
  private volatile long trustedUntil;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicLong acquired = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong released = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile String address;
  private PostgresDatabase db;
  private PartitionLeases leases;
  private HttpClientAgent http;
  private String endpointDeployment;
  private long timer = -1;
  private volatile boolean stopping;
  private long rounds;
  private QueueWakeups wakeups;
  private volatile Map<UUID, String> liveMembers = Map.of();
  /** partition → the epoch last read from the table (-1 before the first read): a change means a new owner. */
  private long[] seenEpochs;
  private String relayDeployment;

  public ClusterNode(WorkflowEngine engine, ServerConfig config) {
    this.engine = engine;
    this.config = config;
    this.partitions = config.clusterPartitions();
    this.leaseMs = config.clusterLeaseMs();
    this.epochs = new AtomicLongArray(partitions);
    this.owners = new AtomicReferenceArray<>(partitions);
    this.seenEpochs = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      epochs.set(p, -1);
      seenEpochs[p] = -1;
    }
  }

  public UUID memberId() {
    return me;
  }

  /** This member as the live relay names it: {@code memberId@host:port} (a restarted process is another member). */
  String memberTag() {
    return tag(me, address);
  }

  /** Whether the partition's owner, as this member last read the lease table, is the member named by {@code tag}. */
  boolean ownerIs(int partition, String tag) {
    String owner = owners.get(partition);
    return owner != null && tag.endsWith("@" + owner);
  }

  /** The relay's name for a member: its id (fresh per process start) and its internal address. */
  static String tag(UUID member, String address) {
    return member + "@" + address;
  }

  /** Members alive at the last round: id → internal address (the live relay's destinations). */
  Map<UUID, String> liveMembers() {
    return liveMembers;
  }

  // ---------------------------------------------------------------- Ownership

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public int partitionOf(String key) {
    return Rendezvous.partitionOf(key, partitions);
  }

  @Override
  public long epochIfOwned(int partition) {
    return System.nanoTime() - trustedUntil < 0 ? epochs.get(partition) : -1;
  }

  @Override
  public void fenced(Fence fence) {
    if (epochs.compareAndSet(fence.partition(), fence.epoch(), -1)) {
      LOG.warning("partition " + fence.partition() + ": a write under epoch " + fence.epoch() + " was refused; another member owns it now");
      lose(fence.partition());
    }
  }

  /** Whether this member fires the schedule: the owner of the partition of its name. */
  public boolean ownsSchedule(String name) {
    return epochIfOwned(partitionOf(name)) >= 0;
  }

  @Override
  public <T> Future<T> forward(int partition, Command command) {
    if (!CommandCodec.forwardable(command)) {
      return Future.succeededFuture(); // the new owner hands the task's work off again when it loads the workflow
    }
    forwarded.incrementAndGet();
    long deadline = System.nanoTime() + config.clusterForwardTimeoutMs() * 1_000_000;
    Promise<T> answer = Promise.promise();
    attempt(partition, command, false, deadline, answer);
    return answer.future();
  }

  @SuppressWarnings("unchecked")
  private <T> void attempt(int partition, Command command, boolean retried, long deadline, Promise<T> answer) {
    if (epochIfOwned(partition) >= 0) {
      // a watch stamped for a forward that ends up here is this member's own
      Command local = command instanceof Command.Watch w && w.subscriber() != null && w.subscriber().equals(memberTag())
          ? w.withSubscriber(null)
          : command instanceof Command.Unwatch u && u.subscriber() != null && u.subscriber().equals(memberTag())
          ? u.withSubscriber(null) : command;
      engine.<T>sendHere(local).onComplete(ar -> {
        if (ar.failed() && WorkflowEngine.isNotOwner(ar.cause())) {
          retry(partition, command, deadline, answer);
        } else {
          answer.handle(ar);
        }
      });
      return;
    }
    String owner = owners.get(partition);
    if (owner == null || owner.equals(address)) {
      retry(partition, command, deadline, answer); // moving: no other owner known yet
      return;
    }
    // A start retried after an unanswered attempt may have happened there: let the owner find it.
    // A watch names this member: the owner's relay brings the snapshot and the events here.
    Command sent = retried && command instanceof Command.Start s && !s.idempotent()
        ? new Command.Start(s.workflow(), true, s.mocks())
        : command instanceof Command.Watch w && w.subscriber() == null ? w.withSubscriber(memberTag())
        : command instanceof Command.Unwatch u && u.subscriber() == null ? u.withSubscriber(memberTag())
        : command;
    int colon = owner.lastIndexOf(':');
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHost(owner.substring(0, colon)).setPort(Integer.parseInt(owner.substring(colon + 1)))
        .setURI(ClusterEndpoint.PATH).setIdleTimeout(config.commandTimeoutMs()).setConnectTimeout(1_000)
        .putHeader("content-type", "application/json");
    http.request(options)
        .compose(req -> req.send(CommandCodec.encode(sent)).compose(resp -> resp.body().map(body -> {
          if (resp.statusCode() == 200) {
            return CommandCodec.decodeReply(body);
          }
          throw ClusterEndpoint.error(resp.statusCode(), body);
        })))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            answer.complete((T) ar.result());
          } else if (ar.cause() instanceof ConductorException ce && ce.status() != Ownership.NOT_OWNER) {
            answer.fail(ce); // the owner's own answer (404, 409, 503 ...)
          } else {
            // not the owner any more, or not reachable (dead, restarting): ask the table again
            retryAfterUnanswered(partition, sent, deadline, answer);
          }
        });
  }

  private <T> void retry(int partition, Command command, long deadline, Promise<T> answer) {
    next(partition, command, false, deadline, answer);
  }

  private <T> void retryAfterUnanswered(int partition, Command command, long deadline, Promise<T> answer) {
    next(partition, command, true, deadline, answer);
  }

  private <T> void next(int partition, Command command, boolean retried, long deadline, Promise<T> answer) {
    if (System.nanoTime() - deadline > 0) {
      answer.fail(new ConductorException(503, "Partition " + partition + " is moving between instances; retry shortly", true));
      return;
    }
    refreshRouting();
    vertx.setTimer(FORWARD_RETRY_MS, t -> attempt(partition, command, retried, deadline, answer));
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(32));
    List<ClusterEndpoint> endpoints = new ArrayList<>();
    // Vert.x shares one random port among servers asking for the same negative port: the public
    // API's instances ask for -1, the endpoint's for -2, so each gets a port of its own.
    int port = config.clusterPort() == 0 ? -2 : config.clusterPort();
    return PostgresDatabase.connect(vertx, config.postgresUrl(), 2)
        .compose(database -> {
          db = database.retain();
          leases = new PartitionLeases(db.pool(), me, leaseMs);
          return vertx.deployVerticle(() -> {
            ClusterEndpoint e = new ClusterEndpoint(engine, this, port);
            endpoints.add(e);
            return e;
          }, new DeploymentOptions().setInstances(config.httpInstances()));
        })
        .compose(id -> {
          endpointDeployment = id;
          address = config.clusterHost() + ":" + endpoints.get(0).actualPort();
          return leases.join(address, partitions);
        })
        .compose(v -> {
          wakeups = new QueueWakeups(vertx, engine, db.pool(), io.vertx.pgclient.PgConnectOptions.fromUri(config.postgresUrl()), me);
          return wakeups.start();
        })
        .compose(v -> round())
        .compose(v -> vertx.deployVerticle(new LiveRelay(engine, this)))
        .onSuccess(id -> relayDeployment = id)
        .onSuccess(v -> {
          LOG.info("cluster member " + me + " at " + address + " holds " + owned().size() + " of " + partitions + " partitions");
          schedule();
        });
  }

  /** Graceful stop: hands every partition over (after its commands in flight), then leaves. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    if (leases == null) {
      return Future.succeededFuture();
    }
    return leases.leaving().transform(ar -> handOver(owned()))
        .transform(ar -> leases.gone())
        .transform(ar -> wakeups == null ? Future.succeededFuture() : wakeups.close())
        .transform(ar -> relayDeployment == null ? Future.succeededFuture() : vertx.undeploy(relayDeployment))
        .transform(ar -> endpointDeployment == null ? Future.succeededFuture() : vertx.undeploy(endpointDeployment))
        .transform(ar -> http.close())
        .transform(ar -> db.release());
  }

  /**
   * Stops the periodic round (heartbeat, renewals) while everything else goes on: what a process
   * whose lease loop stalled (a long GC pause, a lost connection) looks like to the others. Tests.
   */
  public Future<Void> pauseRounds() {
    paused = true;
    vertx.cancelTimer(timer);
    Future<Void> running = current;
    return running == null ? Future.succeededFuture() : running.otherwiseEmpty();
  }

  private volatile boolean paused;
  /** The round running now, if any. */
  private volatile Future<Void> current;

  private void schedule() {
    if (!stopping && !paused) {
      timer = vertx.setTimer(config.clusterHeartbeatMs(), t -> {
        if (paused || stopping) {
          return;
        }
        (current = round())
            .onFailure(err -> LOG.log(Level.WARNING, "cluster round failed: " + err.getMessage()))
            .onComplete(ar -> schedule());
      });
    }
  }

  // ---------------------------------------------------------------- the round

  /**
   * Heartbeat, renew what is held (what is not renewed is lost), hand over what another member
   * should own, take what this member should own and nobody holds, refresh the routing table.
   */
  private Future<Void> round() {
    long began = System.nanoTime();
    List<Integer> held = owned();
    return leases.heartbeat()
        .compose(v -> leases.renew(held))
        .compose(renewed -> {
          for (int p : held) {
            Long epoch = renewed.get(p);
            if (epoch == null || epoch != epochs.get(p)) {
              if (epochs.getAndSet(p, -1) >= 0) {
                LOG.warning("partition " + p + ": the lease was lost (taken over or expired)");
                lose(p);
              }
            }
          }
          // trusted while the database has not seen the lease expire, less a margin for the round trip
          trustedUntil = began + (leaseMs - Math.min(leaseMs / 4, 2_000)) * 1_000_000;
          return leases.liveMembers();
        })
        .compose(found -> {
          liveMembers = found;
          List<UUID> live = new ArrayList<>(found.keySet());
          if (!live.contains(me)) {
            live.add(me);
          }
          return leases.partitions().compose(table -> rebalance(live, table));
        })
        .compose(v -> ++rounds % Math.max(1, 5_000 / config.clusterHeartbeatMs()) == 0
            // every ~5 s: definitions other members' APIs changed, and members long gone
            ? engine.taskDefs().reload(engine.backends().metadata()).compose(r -> leases.forgetOldMembers())
            : Future.succeededFuture());
  }

  private Future<Void> rebalance(List<UUID> live, List<PartitionLeases.PartitionRow> table) {
    List<Integer> giveUp = new ArrayList<>();
    List<Integer> take = new ArrayList<>();
    for (PartitionLeases.PartitionRow row : table) {
      int p = row.partition();
      if (p >= partitions) {
        continue;
      }
      owners.set(p, row.valid() ? row.address() : null);
      noticeOwner(p, row.epoch());
      boolean mine = me.equals(Rendezvous.owner(p, live));
      if (epochs.get(p) >= 0) {
        if (!mine && giveUp.size() < MOVES_PER_ROUND) {
          giveUp.add(p);
        }
      } else if (mine && (row.owner() == null || !row.valid()) && take.size() < MOVES_PER_ROUND) {
        take.add(p);
      }
    }
    return handOver(giveUp).compose(v -> take(take));
  }

  /**
   * A partition whose epoch changed since the last read has a new owner, which does not know the
   * live-feed watches this member's clients hold there: they are taken again (resync and snapshot).
   */
  private void noticeOwner(int partition, long epoch) {
    long seen = seenEpochs[partition];
    seenEpochs[partition] = epoch;
    if (seen >= 0 && seen != epoch) {
      vertx.eventBus().publish(engine.address(io.conductorvx.live.LiveEvents.REWATCH), partition);
    }
  }

  private Future<Void> take(List<Integer> wanted) {
    return leases.acquire(wanted).map(got -> {
      List<Integer> takenOver = new ArrayList<>();
      for (Map.Entry<Integer, Long> e : got.entrySet()) {
        epochs.set(e.getKey(), e.getValue());
        owners.set(e.getKey(), address);
        acquired.incrementAndGet();
        if (e.getValue() > 1) {
          takenOver.add(e.getKey());
        }
      }
      if (!takenOver.isEmpty()) {
        recover(new HashSet<>(takenOver));
      }
      return null;
    });
  }

  /**
   * Hand-over: stop taking the partitions' commands (they are forwarded and wait for the next
   * owner), let those running here finish, then end the leases at once.
   */
  private Future<Void> handOver(List<Integer> giving) {
    if (giving.isEmpty()) {
      return Future.succeededFuture();
    }
    for (int p : giving) {
      epochs.set(p, -1);
      announceLoss(p);
      released.incrementAndGet();
    }
    long until = System.currentTimeMillis() + DRAIN_MS;
    return drained(giving, until).compose(v -> leases.release(giving));
  }

  private Future<Void> drained(List<Integer> giving, long until) {
    boolean busy = giving.stream().anyMatch(p -> engine.inFlight(p) > 0);
    if (!busy || System.currentTimeMillis() > until) {
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(20, t -> drained(giving, until).onComplete(later));
    return later.future();
  }

  /** The partition is no longer this member's: its deciders forget their copies of its workflows. */
  private void lose(int partition) {
    lost.incrementAndGet();
    announceLoss(partition);
  }

  /** Its deciders drop their copies of the partition's workflows; live-feed watches counted here end (the watchers count them again with the next owner). */
  private void announceLoss(int partition) {
    engine.liveInterest().forget(id -> partitionOf(id) == partition);
    vertx.eventBus().publish(engine.address(DeciderVerticle.PARTITION_LOST), partition);
  }

  /**
   * Partitions taken from another member (it died or handed them over): decide each of their
   * running workflows once, with queue repair, so timers and task messages the previous owner had
   * in flight are found again at once instead of when their leases run out.
   */
  private void recover(Set<Integer> taken) {
    engine.backends().executions().activeWorkflowIds().onSuccess(ids -> {
      List<String> mine = ids.stream().filter(id -> taken.contains(partitionOf(id))).toList();
      decideAll(mine, 0);
    }).onFailure(err -> LOG.warning("recovery of taken-over partitions: " + err.getMessage()));
  }

  private void decideAll(List<String> ids, int from) {
    if (from >= ids.size()) {
      return;
    }
    int to = Math.min(ids.size(), from + 64);
    List<Future<Object>> batch = new ArrayList<>();
    for (String id : ids.subList(from, to)) {
      batch.add(engine.send(new Command.Decide(id, true)));
    }
    Future.join(batch).onComplete(ar -> decideAll(ids, to));
  }

  /** Reads the partition table again soon (a forward found the owner moved); at most one read at a time. */
  private void refreshRouting() {
    if (leases == null || !refreshing.compareAndSet(false, true)) {
      return;
    }
    leases.partitions().onSuccess(table -> {
      for (PartitionLeases.PartitionRow row : table) {
        if (row.partition() < partitions && epochs.get(row.partition()) < 0) {
          owners.set(row.partition(), row.valid() ? row.address() : null);
        }
      }
    }).onComplete(ar -> vertx.setTimer(FORWARD_RETRY_MS, t -> refreshing.set(false)));
  }

  /** Partitions held here now (metrics). */
  public int ownedCount() {
    return owned().size();
  }

  /** Partitions taken ({@code acquired}), {@code lost} or {@code handed_over} since this member started (metrics). */
  public long ownershipChanges(String change) {
    return switch (change) {
      case "acquired" -> acquired.get();
      case "lost" -> lost.get();
      default -> released.get();
    };
  }

  /** Commands sent to another member since start (metrics). */
  public long forwardedCount() {
    return forwarded.get();
  }

  private List<Integer> owned() {
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      if (epochs.get(p) >= 0) {
        out.add(p);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- admin view

  @Override
  public Future<JsonObject> describe() {
    return leases.members(leaseMs * 6).compose(members -> leases.partitions().map(table -> {
      JsonArray memberList = new JsonArray();
      for (PartitionLeases.Member m : members) {
        JsonArray held = new JsonArray();
        for (PartitionLeases.PartitionRow row : table) {
          if (row.valid() && row.owner() != null && row.owner().toString().equals(m.memberId())) {
            held.add(row.partition());
          }
        }
        memberList.add(new JsonObject().put("memberId", m.memberId()).put("address", m.address())
            .put("self", m.memberId().equals(me.toString())).put("startedAt", m.startedAt())
            .put("heartbeatAgeMs", m.heartbeatAgeMs()).put("alive", m.heartbeatAgeMs() < leaseMs && !m.leaving())
            .put("leaving", m.leaving()).put("partitionCount", held.size()).put("partitions", held));
      }
      JsonArray partitionList = new JsonArray();
      for (PartitionLeases.PartitionRow row : table) {
        partitionList.add(new JsonObject().put("partition", row.partition())
            .put("owner", row.owner() == null ? null : row.owner().toString()).put("epoch", row.epoch())
            .put("leased", row.valid()).put("leaseRemainingMs", Math.max(0, row.leaseRemainingMs())));
      }
      return new JsonObject().put("enabled", true).put("memberId", me.toString()).put("address", address)
          .put("partitions", partitions).put("leaseMs", leaseMs).put("heartbeatMs", config.clusterHeartbeatMs())
          .put("ownedHere", owned().size())
          .put("ownershipChanges", new JsonObject().put("acquired", acquired.get()).put("lost", lost.get())
              .put("handedOver", released.get()))
          .put("forwardedCommands", forwarded.get())
          .put("members", memberList).put("partitionTable", partitionList);
    }));
  }
}
