package io.conductorvx.metrics;

import io.conductorvx.model.TaskDef;
import io.conductorvx.queue.QueueNames;
import io.conductorvx.queue.QueueStore;
import io.conductorvx.store.MetadataStore;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue depths, read from the queue backend when Prometheus scrapes (a gauge cannot wait for a
 * backend, so the scrape refreshes these first): Conductor's {@code task_queue_depth{taskType,
 * ownerApp}} for every registered task definition and every queue with messages (a task type's
 * domain queues summed), and ours, {@code conductorvx_decider_queue_depth}: workflows waiting for
 * a timer. A type whose queue empties reads 0.
 */
final class QueueDepthGauges {
  private final Meters meters;
  private final QueueStore queues;
  private final MetadataStore metadata;
  /** taskType → ownerApp → depth. */
  private final Map<String, Map<String, AtomicLong>> depths = new ConcurrentHashMap<>();
  private final AtomicLong deciderDepth = new AtomicLong();

  QueueDepthGauges(Meters meters, QueueStore queues, MetadataStore metadata) {
    this.meters = meters;
    this.queues = queues;
    this.metadata = metadata;
    meters.gauge("conductorvx.decider.queue.depth", "Workflows waiting in the decider queue for their next timer",
        deciderDepth, AtomicLong::get);
  }

  /** Reads the sizes and the task definitions, then sets every gauge. */
  Future<Void> refresh() {
    Future<Map<String, Long>> sizes = queues.sizes();
    Future<List<TaskDef>> defs = metadata.listTaskDefs();
    return Future.all(sizes, defs).map(done -> {
      Map<String, String> owners = new HashMap<>();
      for (TaskDef def : defs.result()) {
        owners.put(def.name, Meters.ownerApp(def.ownerApp));
      }
      Map<String, Long> byType = new HashMap<>();
      owners.keySet().forEach(type -> byType.put(type, 0L));
      long decider = 0;
      for (Map.Entry<String, Long> e : sizes.result().entrySet()) {
        if (QueueNames.DECIDER.equals(e.getKey())) {
          decider = e.getValue();
        } else {
          byType.merge(typeOf(e.getKey()), e.getValue(), Long::sum);
        }
      }
      deciderDepth.set(decider);
      byType.forEach((type, size) -> depth(type, owners.getOrDefault(type, "unknown")).set(size));
      // a queue that emptied, or a type whose ownerApp changed, reads 0
      depths.forEach((type, byOwner) -> byOwner.forEach((owner, depth) -> {
        if (!byType.containsKey(type) || !owner.equals(owners.getOrDefault(type, "unknown"))) {
          depth.set(0);
        }
      }));
      return null;
    });
  }

  private AtomicLong depth(String type, String ownerApp) {
    return depths.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).computeIfAbsent(ownerApp, owner -> {
      AtomicLong holder = new AtomicLong();
      meters.gauge("task_queue_depth", null, holder, AtomicLong::get, "taskType", type, "ownerApp", owner);
      return holder;
    });
  }

  /** {@code domain:type} → type. */
  private static String typeOf(String queue) {
    return queue.substring(queue.indexOf(':') + 1);
  }
}
