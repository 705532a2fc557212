package io.conductorvx.queue.memory;

import io.conductorvx.queue.QueueMessage;
import io.conductorvx.queue.QueuePosition;
import io.conductorvx.queue.QueueStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * Queues held in memory. Each queue is guarded by its own monitor: calls come from several event
 * loops, and every call is short (no I/O), so a monitor held for microseconds is the cheapest
 * correct choice.
 */
public final class MemoryQueueStore implements QueueStore {
  private final Map<String, MemoryQueue> queues = new ConcurrentSkipListMap<>();
  private final LongSupplier clock;

  public MemoryQueueStore() {
    this(System::currentTimeMillis);
  }

  public MemoryQueueStore(LongSupplier clock) {
    this.clock = clock;
  }

  private MemoryQueue queue(String name) {
    return queues.computeIfAbsent(name, n -> new MemoryQueue());
  }

  @Override
  public Future<Void> push(String queue, QueueMessage message, long delayMs) {
    MemoryQueue q = queue(queue);
    synchronized (q) {
      // a delay beyond a century is "never": cap it so the due time cannot overflow
      q.push(message, clock.getAsLong() + Math.min(Math.max(0, delayMs), MAX_DELAY_MS));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<QueueMessage>> pop(String queue, int count, long leaseMs) {
    MemoryQueue q = queues.get(queue);
    if (q == null) {
      return Future.succeededFuture(List.of());
    }
    synchronized (q) {
      return Future.succeededFuture(q.pop(count, clock.getAsLong(), leaseMs));
    }
  }

  @Override
  public Future<Void> ack(String queue, String id) {
    MemoryQueue q = queues.get(queue);
    if (q != null) {
      synchronized (q) {
        q.ack(id);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> drop(String queue) {
    queues.remove(queue);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> remove(String queue, String id) {
    MemoryQueue q = queues.get(queue);
    if (q == null) {
      return Future.succeededFuture(false);
    }
    synchronized (q) {
      return Future.succeededFuture(q.remove(id));
    }
  }

  @Override
  public Future<Boolean> contains(String queue, String id) {
    MemoryQueue q = queues.get(queue);
    if (q == null) {
      return Future.succeededFuture(false);
    }
    synchronized (q) {
      return Future.succeededFuture(q.entries.containsKey(id));
    }
  }

  @Override
  public Future<QueuePosition> locate(String queue, String id) {
    MemoryQueue q = queues.get(queue);
    if (q == null) {
      return Future.succeededFuture(QueuePosition.ABSENT);
    }
    synchronized (q) {
      return Future.succeededFuture(q.locate(id, clock.getAsLong()));
    }
  }

  @Override
  public Future<Integer> requeueExpiredLeases() {
    long now = clock.getAsLong();
    int total = 0;
    for (MemoryQueue q : queues.values()) {
      synchronized (q) {
        total += q.requeueExpired(now);
      }
    }
    return Future.succeededFuture(total);
  }

  @Override
  public Future<Long> size(String queue) {
    MemoryQueue q = queues.get(queue);
    if (q == null) {
      return Future.succeededFuture(0L);
    }
    synchronized (q) {
      return Future.succeededFuture((long) q.waitingCount());
    }
  }

  @Override
  public Future<Map<String, Long>> sizes() {
    Map<String, Long> out = new LinkedHashMap<>();
    queues.forEach((name, q) -> {
      synchronized (q) {
        if (!q.entries.isEmpty()) {
          out.put(name, (long) q.waitingCount());
        }
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Map<String, Map<String, Long>>> details() {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    queues.forEach((name, q) -> {
      synchronized (q) {
        if (!q.entries.isEmpty()) {
          out.put(name, Map.of("size", (long) q.waitingCount(), "uacked", (long) q.leased.size()));
        }
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** One queue: delayed entries by due time, due entries by priority then age, leases by expiry. */
  private static final class MemoryQueue {
    private long sequence;
    final Map<String, Entry> entries = new HashMap<>();
    final TreeSet<Entry> delayed = new TreeSet<>(Entry.BY_DUE);
    final TreeSet<Entry> ready = new TreeSet<>(Entry.BY_PRIORITY);
    final TreeMap<Long, List<Entry>> leaseExpiry = new TreeMap<>();
    final Map<String, Entry> leased = new HashMap<>();

    void push(QueueMessage message, long dueAt) {
      remove(message.id());
      Entry e = new Entry(message, dueAt, sequence++);
      entries.put(message.id(), e);
      delayed.add(e);
    }

    List<QueueMessage> pop(int count, long now, long leaseMs) {
      promoteDue(now);
      List<QueueMessage> out = new ArrayList<>(Math.min(count, ready.size()));
      while (out.size() < count && !ready.isEmpty()) {
        Entry e = ready.pollFirst();
        e.leaseUntil = now + leaseMs;
        leased.put(e.message.id(), e);
        leaseExpiry.computeIfAbsent(e.leaseUntil, k -> new ArrayList<>(1)).add(e);
        out.add(e.message);
      }
      return out;
    }

    void ack(String id) {
      Entry e = leased.remove(id);
      if (e != null) {
        entries.remove(id);
        dropLease(e);
      }
    }

    boolean remove(String id) {
      Entry e = entries.remove(id);
      if (e == null) {
        return false;
      }
      if (leased.remove(id) != null) {
        dropLease(e);
      } else if (!delayed.remove(e)) {
        ready.remove(e);
      }
      return true;
    }

    int requeueExpired(long now) {
      int n = 0;
      while (!leaseExpiry.isEmpty() && leaseExpiry.firstKey() <= now) {
        for (Entry e : leaseExpiry.pollFirstEntry().getValue()) {
          if (leased.remove(e.message.id()) != null) {
            e.leaseUntil = 0;
            e.dueAt = now;
            ready.add(e);
            n++;
          }
        }
      }
      return n;
    }

    QueuePosition locate(String id, long now) {
      Entry e = entries.get(id);
      if (e == null) {
        return QueuePosition.ABSENT;
      }
      if (leased.containsKey(id)) {
        return new QueuePosition(true, true, e.dueAt, 0);
      }
      // delivery order among what is due by then: priority, then due time, then push order
      long ahead = 0;
      for (Entry other : ready) {
        ahead += other != e && goesBefore(other, e) ? 1 : 0;
      }
      long dueBy = Math.max(now, e.dueAt);
      for (Entry other : delayed) {
        if (other.dueAt > dueBy) {
          break;
        }
        ahead += other != e && goesBefore(other, e) ? 1 : 0;
      }
      return new QueuePosition(true, false, e.dueAt, ahead);
    }

    private static boolean goesBefore(Entry a, Entry b) {
      return Entry.BY_PRIORITY.compare(a, b) < 0;
    }

    int waitingCount() {
      return delayed.size() + ready.size();
    }

    private void promoteDue(long now) {
      while (!delayed.isEmpty() && delayed.first().dueAt <= now) {
        ready.add(delayed.pollFirst());
      }
    }

    private void dropLease(Entry e) {
      List<Entry> sameTime = leaseExpiry.get(e.leaseUntil);
      if (sameTime != null) {
        sameTime.remove(e);
        if (sameTime.isEmpty()) {
          leaseExpiry.remove(e.leaseUntil);
        }
      }
    }
  }

  private static final class Entry {
    // written out rather than chained (comparingLong().thenComparing...): every queue operation
    // compares a few times, and the chained lambdas showed in profiles
    static final java.util.Comparator<Entry> BY_DUE = (a, b) -> {
      int c = Long.compare(a.dueAt, b.dueAt);
      return c != 0 ? c : Long.compare(a.seq, b.seq);
    };
    /** Higher priority first, then earlier due, then push order. */
    static final java.util.Comparator<Entry> BY_PRIORITY = (a, b) -> {
      int c = Integer.compare(b.message.priority(), a.message.priority());
      if (c == 0) {
        c = Long.compare(a.dueAt, b.dueAt);
      }
      return c != 0 ? c : Long.compare(a.seq, b.seq);
    };

    final QueueMessage message;
    final long seq;
    long dueAt;
    long leaseUntil;

    Entry(QueueMessage message, long dueAt, long seq) {
      this.message = message;
      this.dueAt = dueAt;
      this.seq = seq;
    }
  }
}
