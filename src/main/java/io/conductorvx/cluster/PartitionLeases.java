package io.conductorvx.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The membership and lease tables (migration V6) and every statement on them. Times are the
 * database's ({@code now()}): members' clocks never decide who owns what.
 */
final class PartitionLeases {
  private static final String MS = " * interval '1 millisecond'";
  private static final String REGISTER = "INSERT INTO cluster_member (member_id, address) VALUES ($1, $2)";
  private static final String SEED = "INSERT INTO cluster_partition (partition_id) SELECT g FROM generate_series(0, $1::int - 1) g"
      + " ON CONFLICT DO NOTHING";
  private static final String COUNT = "SELECT count(*) FROM cluster_partition";
  private static final String HEARTBEAT = "UPDATE cluster_member SET heartbeat_at = now() WHERE member_id = $1";
  private static final String LIVE_MEMBERS = "SELECT member_id, address FROM cluster_member"
      + " WHERE heartbeat_at > now() - $1::bigint" + MS + " AND NOT leaving";
  private static final String MEMBERS = "SELECT member_id::text, address, started_at::text,"
      + " (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint, leaving FROM cluster_member"
      + " WHERE heartbeat_at > now() - $1::bigint" + MS + " ORDER BY started_at";
  private static final String FORGET_OLD_MEMBERS = "DELETE FROM cluster_member WHERE heartbeat_at < now() - interval '1 hour'";
  private static final String PARTITIONS = "SELECT p.partition_id, p.owner, p.epoch, p.lease_until > now(), m.address,"
      + " (extract(epoch FROM p.lease_until - now()) * 1000)::bigint"
      + " FROM cluster_partition p LEFT JOIN cluster_member m ON m.member_id = p.owner ORDER BY p.partition_id";
  private static final String RENEW = "UPDATE cluster_partition SET lease_until = now() + $2::bigint" + MS
      + " WHERE owner = $1 AND partition_id = ANY($3) RETURNING partition_id, epoch";
  // FOR UPDATE waits for the writes in flight under the old epoch (they hold FOR KEY SHARE), so
  // what the new owner then reads includes them and every later write of the old owner is refused.
  private static final String ACQUIRE = "WITH free AS (SELECT partition_id FROM cluster_partition"
      + " WHERE partition_id = ANY($3) AND (owner IS NULL OR lease_until < now()) FOR UPDATE)"
      + " UPDATE cluster_partition p SET owner = $1, epoch = p.epoch + 1, lease_until = now() + $2::bigint" + MS
      + ", acquired_at = now() FROM free WHERE p.partition_id = free.partition_id RETURNING p.partition_id, p.epoch";
  private static final String RELEASE = "UPDATE cluster_partition SET lease_until = now() - interval '1 millisecond'"
      + " WHERE owner = $1 AND partition_id = ANY($2)";
  private static final String LEAVE = "UPDATE cluster_member SET leaving = true WHERE member_id = $1";
  private static final String GONE = "DELETE FROM cluster_member WHERE member_id = $1";

  /** One partition as the table says: owner (null: never owned), epoch, whether the lease runs, the owner's address. */
  record PartitionRow(int partition, UUID owner, long epoch, boolean valid, String address, long leaseRemainingMs) {}

  /** A member as the table says. */
  record Member(String memberId, String address, String startedAt, long heartbeatAgeMs, boolean leaving) {}

  private final Pool pool;
  private final UUID me;
  private final long leaseMs;

  PartitionLeases(Pool pool, UUID me, long leaseMs) {
    this.pool = pool;
    this.me = me;
    this.leaseMs = leaseMs;
  }

  /** Registers this member and makes sure the partitions exist; fails when their count differs from ours. */
  Future<Void> join(String address, int partitions) {
    return pool.preparedQuery(REGISTER).execute(Tuple.of(me, address))
        .compose(v -> pool.preparedQuery(SEED).execute(Tuple.of(partitions)))
        .compose(v -> pool.query(COUNT).execute())
        .compose(rows -> {
          long count = rows.iterator().next().getLong(0);
          return count == partitions ? Future.succeededFuture()
              : Future.failedFuture(new IllegalStateException("clusterPartitions is " + partitions + " but the cluster in this"
                  + " database has " + count + " partitions; the count is fixed when the cluster is created"));
        });
  }

  Future<Void> heartbeat() {
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(me)).mapEmpty();
  }

  /** Members that heartbeat within a lease and are not leaving, with their internal addresses. */
  Future<Map<UUID, String>> liveMembers() {
    return pool.preparedQuery(LIVE_MEMBERS).execute(Tuple.of(leaseMs)).map(rows -> {
      Map<UUID, String> out = new java.util.LinkedHashMap<>();
      for (Row r : rows) {
        out.put(r.getUUID(0), r.getString(1));
      }
      return out;
    });
  }

  /** Members seen within {@code withinMs}, oldest first (the admin view). */
  Future<List<Member>> members(long withinMs) {
    return pool.preparedQuery(MEMBERS).execute(Tuple.of(withinMs)).map(rows -> {
      List<Member> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Member(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getBoolean(4)));
      }
      return out;
    });
  }

  Future<Void> forgetOldMembers() {
    return pool.query(FORGET_OLD_MEMBERS).execute().mapEmpty();
  }

  Future<List<PartitionRow>> partitions() {
    return pool.query(PARTITIONS).execute().map(rows -> {
      List<PartitionRow> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new PartitionRow(r.getInteger(0), r.getUUID(1), r.getLong(2), r.getBoolean(3), r.getString(4), r.getLong(5)));
      }
      return out;
    });
  }

  /** Extends this member's leases; answers partition → epoch of those it still holds. */
  Future<Map<Integer, Long>> renew(List<Integer> owned) {
    return owned.isEmpty() ? Future.succeededFuture(Map.of())
        : pool.preparedQuery(RENEW).execute(Tuple.tuple().addValue(me).addValue(leaseMs).addValue(owned.toArray(Integer[]::new))).map(PartitionLeases::epochs);
  }

  /** Takes those of the partitions that are free or whose lease ran out; answers partition → new epoch. */
  Future<Map<Integer, Long>> acquire(List<Integer> wanted) {
    return wanted.isEmpty() ? Future.succeededFuture(Map.of())
        : pool.preparedQuery(ACQUIRE).execute(Tuple.tuple().addValue(me).addValue(leaseMs).addValue(wanted.toArray(Integer[]::new))).map(PartitionLeases::epochs);
  }

  /** Ends this member's leases on the partitions at once, so another member may take them. */
  Future<Void> release(List<Integer> partitions) {
    return partitions.isEmpty() ? Future.succeededFuture()
        : pool.preparedQuery(RELEASE).execute(Tuple.tuple().addValue(me).addValue(partitions.toArray(Integer[]::new))).mapEmpty();
  }

  Future<Void> leaving() {
    return pool.preparedQuery(LEAVE).execute(Tuple.of(me)).mapEmpty();
  }

  Future<Void> gone() {
    return pool.preparedQuery(GONE).execute(Tuple.of(me)).mapEmpty();
  }

  private static Map<Integer, Long> epochs(io.vertx.sqlclient.RowSet<Row> rows) {
    Map<Integer, Long> out = new HashMap<>();
    for (Row r : rows) {
      out.put(r.getInteger(0), r.getLong(1));
    }
    return out;
  }
}
