package io.conductorvx.queue;

import io.conductorvx.model.PollData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who polled which task type and domain, and when. Read on every scheduling decision (domain
 * choice) and written on every poll, so it lives in memory; the poll API reads it too. Shared by
 * all verticles of a server, hence concurrent.
 */
public final class ActiveWorkers {
  private record Key(String taskType, String domain) {}

  private final Map<Key, PollData> lastPolls = new ConcurrentHashMap<>();

  public void polled(String taskType, String domain, String workerId, long now) {
    lastPolls.put(new Key(taskType, domain == null ? "" : domain), new PollData(taskType, domain, workerId, now));
  }

  /** Epoch ms of the last poll of that type in that domain, or 0. */
  public long lastPollTime(String taskType, String domain) {
    PollData p = lastPolls.get(new Key(taskType, domain == null ? "" : domain));
    return p == null ? 0 : p.lastPollTime();
  }

  public List<PollData> forType(String taskType) {
    List<PollData> out = new ArrayList<>();
    lastPolls.forEach((k, v) -> {
      if (k.taskType().equals(taskType)) {
        out.add(v);
      }
    });
    return out;
  }

  public List<PollData> all() {
    return new ArrayList<>(lastPolls.values());
  }
}
