package io.conductorvx.bench;

import io.conductorvx.ConductorServer;
import io.conductorvx.config.ServerConfig;
import io.conductorvx.model.StartWorkflowRequest;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowTask;
import io.conductorvx.scheduler.ExecutionQuery;
import io.conductorvx.scheduler.ScheduleExecution;
import io.conductorvx.scheduler.Scheduler;
import io.conductorvx.scheduler.WorkflowSchedule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler under load, in one process: {@code schedules} schedules firing every second
 * ({@code cron}) for {@code seconds}, on a server in memory. Prints one JSON line: the slots the
 * window should hold, those fired and missed, the lateness of the fired ones (the run's
 * executionTime, when its slot was claimed, minus its scheduledTime) at p50/p99/max, and the CPU
 * seconds the process spent during the window (the benchmark itself only sleeps then).
 *
 * <pre>java -Xmx8g -cp benchmarks/target/benchmarks.jar io.conductorvx.bench.SchedulerBench schedules=10000 seconds=60</pre>
 */
public final class SchedulerBench {
  private SchedulerBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 0) {
        opts.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    int schedules = Integer.parseInt(opts.getOrDefault("schedules", "10000"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
    int graceSeconds = Integer.parseInt(opts.getOrDefault("grace", "10"));
    String cron = opts.getOrDefault("cron", "* * * * * *");

    Vertx vertx = Vertx.vertx();
    ConductorServer server = await(ConductorServer.start(vertx, ServerConfig.fromJson(new JsonObject().put("port", 0))));
    Scheduler scheduler = server.scheduler();
    WorkflowDef def = new WorkflowDef();
    def.name = "bench_scheduled";
    def.version = 1;
    WorkflowTask noop = new WorkflowTask();
    noop.name = "noop";
    noop.taskReferenceName = "noop";
    noop.type = "NOOP";
    def.tasks.add(noop);
    await(server.backends().metadata().saveWorkflowDef(def));

    long created = System.nanoTime();
    for (int from = 0; from < schedules; from += 500) {
      List<Future<WorkflowSchedule>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(schedules, from + 500); i++) {
        WorkflowSchedule s = new WorkflowSchedule();
        s.name = "bench-" + i;
        s.cronExpression = cron;
        s.startWorkflowRequest = new StartWorkflowRequest();
        s.startWorkflowRequest.name = def.name;
        s.startWorkflowRequest.version = 1;
        batch.add(scheduler.save(s));
      }
      await(Future.all(batch));
    }
    double createSeconds = (System.nanoTime() - created) / 1e9;

    long windowStart = (System.currentTimeMillis() / 1000 + 2) * 1000;
    long windowEnd = windowStart + seconds * 1000L;
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    sleepUntil(windowStart);
    long cpuBefore = os.getProcessCpuTime();
    sleepUntil(windowEnd);
    long cpuWindow = os.getProcessCpuTime() - cpuBefore;
    // slots of the window that fire late still count as fired (with their lateness)
    sleepUntil(windowEnd + graceSeconds * 1000L);
    scheduler.pauseHere(true);
    Thread.sleep(1000);

    long[] lateness = new long[schedules * seconds + 1024];
    int fired = 0;
    int failed = 0;
    int polled = 0;
    for (long second = windowStart; second < windowEnd; second += 1000) {
      for (int start = 0; ; start += ExecutionQuery.MAX_SIZE) {
        ExecutionQuery q = ExecutionQuery.parse("scheduledTime>" + (second - 1) + " AND scheduledTime<" + (second + 1000), null,
            start, ExecutionQuery.MAX_SIZE, "scheduledTime:ASC");
        List<ScheduleExecution> page = await(scheduler.searchExecutions(q)).results();
        for (ScheduleExecution run : page) {
          if (fired == lateness.length) {
            lateness = Arrays.copyOf(lateness, lateness.length * 2);
          }
          lateness[fired++] = run.executionTime() - run.scheduledTime();
          if (run.state() == ScheduleExecution.State.FAILED) {
            failed++;
          } else if (run.state() == ScheduleExecution.State.POLLED) {
            polled++;
          }
        }
        if (page.size() < ExecutionQuery.MAX_SIZE) {
          break;
        }
      }
    }
    long[] sorted = Arrays.copyOf(lateness, fired);
    Arrays.sort(sorted);
    long expected = (long) schedules * seconds;
    JsonObject out = new JsonObject()
        .put("schedules", schedules)
        .put("cron", cron)
        .put("windowSeconds", seconds)
        .put("createSeconds", Math.round(createSeconds * 10) / 10.0)
        .put("expectedSlots", expected)
        .put("firedSlots", fired)
        .put("missedSlots", expected - fired)
        .put("failedRuns", failed)
        .put("unfinishedRuns", polled)
        .put("latenessP50Ms", percentile(sorted, 0.50))
        .put("latenessP99Ms", percentile(sorted, 0.99))
        .put("latenessMaxMs", sorted.length == 0 ? 0 : sorted[sorted.length - 1])
        .put("cpuSeconds", Math.round(cpuWindow / 1e7) / 100.0)
        .put("cpuCores", Math.round(cpuWindow / 1e7 / seconds) / 100.0)
        .put("availableCores", Runtime.getRuntime().availableProcessors());
    System.out.println(out.encode());
    await(server.stop());
    await(vertx.close());
    System.exit(0);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
