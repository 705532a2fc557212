package io.conductorvx.metrics;

import io.conductorvx.queue.PollObserver;
import io.conductorvx.queue.QueueNames;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task polls, as Conductor counts them: {@code task_poll{taskType}} once per poll request
 * (taskType is the queue polled: {@code domain:type} for a domain), {@code task_poll_count{taskType,
 * domain}} by the tasks handed out ({@code domain="null"} without one, as Conductor's REST path
 * records it), {@code task_poll_error{taskType, domain, exception}}; and ours,
 * {@code conductorvx_long_polls_parked}: polls waiting for a task right now.
 */
final class PollMetrics implements PollObserver {
  /** Counters of one queue, built on its first poll. */
  private static final class QueueCounters {
    final Counter polls;
    final Counter handedOut;

    QueueCounters(Counter polls, Counter handedOut) {
      this.polls = polls;
      this.handedOut = handedOut;
    }
  }

  private final Meters meters;
  /** taskType → domain ("" for none) → counters. */
  private final Map<String, Map<String, QueueCounters>> counters = new ConcurrentHashMap<>();
  private final AtomicLong parked = new AtomicLong();

  PollMetrics(Meters meters) {
    this.meters = meters;
    meters.gauge("conductorvx.long.polls.parked", "Task polls parked until a task arrives or their timeout ends",
        parked, AtomicLong::get);
  }

  @Override
  public void polled(String taskType, String domain, int handedOut) {
    QueueCounters c = counters(taskType, domain);
    c.polls.increment();
    if (handedOut > 0) {
      c.handedOut.increment(handedOut);
    }
  }

  @Override
  public void pollFailed(String taskType, String domain, Throwable failure) {
    meters.counter("task_poll_error", null, "taskType", Meters.orUnknown(taskType), "domain", domainTag(domain),
        "exception", failure.getClass().getSimpleName()).increment();
  }

  @Override
  public void parked(int delta) {
    parked.addAndGet(delta);
  }

  private QueueCounters counters(String taskType, String domain) {
    String type = Meters.orUnknown(taskType);
    String d = domain == null ? "" : domain;
    Map<String, QueueCounters> byDomain = counters.get(type);
    if (byDomain == null) {
      byDomain = counters.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    }
    QueueCounters c = byDomain.get(d);
    if (c == null) {
      c = byDomain.computeIfAbsent(d, x -> new QueueCounters(
          meters.counter("task_poll", null, "taskType", QueueNames.taskQueue(type, domain)),
          meters.counter("task_poll_count", null, "taskType", type, "domain", domainTag(domain))));
    }
    return c;
  }

  private static String domainTag(String domain) {
    return domain == null || domain.isEmpty() ? "null" : domain;
  }
}
