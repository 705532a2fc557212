package io.conductorvx.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the JSON lines written by {@code compare.sh} (one per load run, plus one "startup" line per
 * server) into a Markdown table: one row per case, one column per server mode, and the ratio of each
 * of our modes to Conductor's best mode for that case.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.conductorvx.bench.CompareReport results.jsonl...}; with
 * several files, a later line for the same server and case replaces an earlier one (a rerun of one
 * mode updates the table).
 */
public final class CompareReport {

  /** What the table shows of a run: the headline number and whether higher is better. */
  private record Metric(String name, boolean higherIsBetter) {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: CompareReport results.jsonl...");
      System.exit(2);
    }
    Map<String, JsonObject> latest = new LinkedHashMap<>();
    for (String file : argv) {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith("{")) {
          JsonObject run = new JsonObject(line);
          latest.put(run.getString("label", "") + "\n" + run.getString("case", ""), run);
        }
      }
    }
    System.out.print(table(new ArrayList<>(latest.values())));
  }

  static String table(List<JsonObject> lines) {
    Set<String> labels = new LinkedHashSet<>();
    Map<String, Map<String, JsonObject>> byCase = new LinkedHashMap<>();
    for (JsonObject line : lines) {
      String label = line.getString("label", "");
      labels.add(label);
      byCase.computeIfAbsent(line.getString("case", ""), k -> new LinkedHashMap<>()).put(label, line);
    }
    List<String> ours = labels.stream().filter(l -> !l.startsWith("conductor")).toList();
    List<String> theirs = labels.stream().filter(l -> l.startsWith("conductor")).toList();

    StringBuilder out = new StringBuilder();
    out.append("| case | metric |");
    labels.forEach(l -> out.append(' ').append(l).append(" |"));
    ours.forEach(l -> out.append(' ').append(l).append(" ÷ conductor best |"));
    out.append('\n').append("|---|---|");
    labels.forEach(l -> out.append("---|"));
    ours.forEach(l -> out.append("---|"));
    out.append('\n');

    for (var entry : byCase.entrySet()) {
      String name = entry.getKey();
      for (Metric metric : metricsOf(name)) {
        out.append("| ").append(name).append(" | ").append(metric.name()).append(" |");
        for (String label : labels) {
          out.append(' ').append(cell(entry.getValue().get(label), metric)).append(" |");
        }
        Double best = best(entry.getValue(), theirs, metric);
        for (String label : ours) {
          Double v = value(entry.getValue().get(label), metric);
          String ratio = v == null || best == null || best == 0 || v == 0 ? "–"
              : String.format(Locale.ROOT, "%.1f×", metric.higherIsBetter() ? v / best : best / v);
          out.append(' ').append(ratio).append(" |");
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static List<Metric> metricsOf(String caseName) {
    if (caseName.equals("startup")) {
      return List.of(new Metric("ready ms", false), new Metric("idle RSS MiB", false));
    }
    if (caseName.startsWith("latency") || caseName.startsWith("paced") || caseName.startsWith("join")) {
      return List.of(new Metric("p50 ms", false), new Metric("p99 ms", false), new Metric("not completed", false));
    }
    if (caseName.startsWith("fanout")) {
      return List.of(new Metric("seconds", false), new Metric("not completed", false));
    }
    // CPU per workflow: the throughput ratio on a small machine is capped by the load generator,
    // which shares the cores (it is shown, without a ratio, so the cap can be read off)
    return List.of(new Metric("workflows/s", true), new Metric("tasks/s", true), new Metric("p99 ms", false),
        new Metric("server CPU ms/workflow", false), new Metric("generator CPU ms/workflow", false),
        new Metric("errors", false), new Metric("not completed", false));
  }

  private static Double value(JsonObject run, Metric metric) {
    if (run == null) {
      return null;
    }
    return switch (metric.name()) {
      case "ready ms" -> run.getDouble("readyMs");
      case "idle RSS MiB" -> run.getDouble("idleRssMiB");
      case "workflows/s" -> run.getDouble("workflowsPerSecond");
      case "tasks/s" -> run.getDouble("tasksPerSecond");
      case "seconds" -> run.getDouble("seconds");
      case "errors" -> run.getDouble("errors");
      case "not completed" -> run.getDouble("notCompleted");
      case "p50 ms" -> run.getJsonObject("latencyMs", new JsonObject()).getDouble("p50");
      case "p99 ms" -> run.getJsonObject("latencyMs", new JsonObject()).getDouble("p99");
      case "server CPU ms/workflow" -> perWorkflow(run, "serverCpuSeconds");
      case "generator CPU ms/workflow" -> perWorkflow(run, "generatorCpuSeconds");
      default -> null;
    };
  }

  private static Double perWorkflow(JsonObject run, String cpuSeconds) {
    Double seconds = run.getDouble(cpuSeconds);
    int completed = run.getInteger("completed", 0);
    return seconds == null || completed == 0 ? null : 1000 * seconds / completed;
  }

  private static String cell(JsonObject run, Metric metric) {
    Double v = value(run, metric);
    if (v == null) {
      return "–";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.valueOf(v.longValue());
    }
    return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%.1f", v);
  }

  /** Conductor's best value of the metric over its modes; errors and misses are not "bests". */
  private static Double best(Map<String, JsonObject> runs, List<String> theirs, Metric metric) {
    if (metric.name().equals("errors") || metric.name().equals("not completed") || metric.name().startsWith("generator")) {
      return null;
    }
    Double best = null;
    for (String label : theirs) {
      Double v = value(runs.get(label), metric);
      if (v != null && v > 0 && (best == null || (metric.higherIsBetter() ? v > best : v < best))) {
        best = v;
      }
    }
    return best;
  }
}
