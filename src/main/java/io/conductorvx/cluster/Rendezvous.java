package io.conductorvx.cluster;

import java.util.List;
import java.util.UUID;

/**
 * Rendezvous (highest random weight) hashing: each partition goes to the live member that scores
 * highest for it. Every member computes the same answer from the same member list, and a member
 * joining or leaving moves only the partitions it wins or held (about 1/N of them).
 */
final class Rendezvous {
  private Rendezvous() {}

  static UUID owner(int partition, List<UUID> members) {
    UUID best = null;
    long bestScore = 0;
    for (UUID m : members) {
      long score = mix(m.getMostSignificantBits() ^ Long.rotateLeft(m.getLeastSignificantBits(), 17)
          ^ (partition * 0x9E3779B97F4A7C15L));
      if (best == null || Long.compareUnsigned(score, bestScore) > 0 || score == bestScore && m.compareTo(best) < 0) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  }

  /** The cluster partition of a key (workflow id, schedule name). */
  static int partitionOf(String key, int partitions) {
    return (int) Long.remainderUnsigned(mix(key.hashCode()), partitions);
  }

  /** MurmurHash3's 64-bit finalizer: spreads every input bit over the result. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
