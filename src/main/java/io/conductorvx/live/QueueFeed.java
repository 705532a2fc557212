package io.conductorvx.live;

import io.conductorvx.engine.WorkflowEngine;
import io.conductorvx.model.PollData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code queues} topic: while anyone subscribes, reads the task queues' sizes and last polls
 * once a second and sends each subscriber the queues that changed since the last round (coalesced:
 * a queue changing a thousand times in that second is one entry). A new subscriber gets the full
 * list at once. Internal queues (names starting with {@code _}) are left out.
 */
final class QueueFeed {
  private static final long PERIOD_MS = 1000;

  private final Vertx vertx;
  private final WorkflowEngine engine;
  private final SubscriptionRegistry registry;
  /** What was last sent, by queue: its entry's JSON text. */
  private Map<String, JsonObject> last = new HashMap<>();
  private long timer = -1;
  private boolean reading;

  QueueFeed(Vertx vertx, WorkflowEngine engine, SubscriptionRegistry registry) {
    this.vertx = vertx;
    this.engine = engine;
    this.registry = registry;
  }

  /** A subscriber (new or resynced) waits for the full list: read now, and every second from then on. */
  void subscribed() {
    if (timer < 0) {
      timer = vertx.setPeriodic(PERIOD_MS, id -> round(false));
    }
    round(true);
  }

  void unsubscribed() {
    if (registry.queues().isEmpty()) {
      stop();
    }
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    last = new HashMap<>();
  }

  /** {@code onlyNew}: serve the subscribers waiting for the full list, leaving the others' round alone. */
  private void round(boolean onlyNew) {
    if (reading && !onlyNew) {
      return; // the backend is slow: skip a beat rather than pile up reads
    }
    reading = !onlyNew || reading;
    Future<Map<String, Long>> sizes = engine.backends().queues().sizes();
    sizes.onComplete(ar -> {
      if (!onlyNew) {
        reading = false;
      }
      if (ar.failed() || registry.queues().isEmpty()) {
        return;
      }
      Map<String, JsonObject> now = current(ar.result(), engine.activeWorkers().all());
      JsonArray all = null;
      JsonArray changed = null;
      for (Subscription.OfQueues sub : registry.queues()) {
        if (sub.needsAll) {
          if (all == null) {
            all = new JsonArray(List.copyOf(now.values()));
          }
          if (sub.connection.send(sub, "queues", new JsonObject().put("queues", all).encode())) {
            sub.needsAll = false;
          }
        } else if (!onlyNew) {
          if (changed == null) {
            changed = changes(now);
          }
          if (!changed.isEmpty()) {
            sub.connection.send(sub, "queues", new JsonObject().put("queues", changed).encode());
          }
        }
      }
      if (!onlyNew) {
        last = now;
      }
    });
  }

  private JsonArray changes(Map<String, JsonObject> now) {
    JsonArray out = new JsonArray();
    now.forEach((key, entry) -> {
      if (!entry.equals(last.get(key))) {
        out.add(entry);
      }
    });
    for (Iterator<Map.Entry<String, JsonObject>> it = last.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonObject> gone = it.next();
      if (!now.containsKey(gone.getKey())) {
        out.add(gone.getValue().copy().put("size", 0L)); // emptied: it left the backend's list
      }
    }
    return out;
  }

  /** Every task queue with messages or a recent poll: name (task type), domain, size, last poll. */
  private static Map<String, JsonObject> current(Map<String, Long> sizes, List<PollData> polls) {
    Map<String, JsonObject> out = new java.util.TreeMap<>();
    sizes.forEach((queue, size) -> {
      if (queue.startsWith("_")) {
        return;
      }
      int colon = queue.indexOf(':');
      String domain = colon < 0 ? null : queue.substring(0, colon);
      String type = colon < 0 ? queue : queue.substring(colon + 1);
      entry(out, type, domain).put("size", size);
    });
    for (PollData p : polls) {
      String domain = p.domain() == null || p.domain().isEmpty() ? null : p.domain();
      entry(out, p.queueName(), domain).put("lastPollTime", p.lastPollTime()).put("lastWorker", p.workerId());
    }
    return out;
  }

  private static JsonObject entry(Map<String, JsonObject> out, String type, String domain) {
    return out.computeIfAbsent(domain == null ? type : domain + ":" + type, k -> new JsonObject()
        .put("name", type).put("domain", domain).put("size", 0L).put("lastPollTime", 0L).put("lastWorker", null));
  }
}
