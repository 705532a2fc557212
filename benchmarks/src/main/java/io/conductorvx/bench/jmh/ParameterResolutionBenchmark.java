package io.conductorvx.bench.jmh;

import io.conductorvx.engine.ParameterResolver;
import io.conductorvx.engine.ResolutionContext;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code ${...}} resolution of one task's input, as the decider does when it schedules a task: a
 * dozen expressions over the workflow input, three earlier tasks' outputs, nested JsonPath access,
 * an array index, a wildcard, a filter, string interpolation, and a nested map of expressions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParameterResolutionBenchmark {
  private final ParameterResolver resolver = new ParameterResolver();
  private final Map<String, Task> tasksByRef = new HashMap<>();
  private Workflow workflow;
  private Map<String, Object> inputParameters;

  @Setup
  public void setup() {
    workflow = Workflows.newExecution(Workflows.sequential(1), Workflows.INPUT);
    addTask("price", Map.of("total", 62.25, "currency", "EUR",
        "lines", List.of(Map.of("sku", "A-1", "amount", 19.0), Map.of("sku", "B-7", "amount", 24.0))));
    addTask("tax", Map.of("rates", Map.of("vat", 0.2, "reduced", 0.05), "country", "GB"));
    addTask("ship", Map.of("carrier", "DHL", "eta", Map.of("days", 2, "window", "AM")));

    inputParameters = new LinkedHashMap<>();
    inputParameters.put("orderId", "${workflow.input.orderId}");
    inputParameters.put("customer", "${workflow.input.customer}");
    inputParameters.put("city", "${workflow.input.customer.address.city}");
    inputParameters.put("firstSku", "${workflow.input.items[0].sku}");
    inputParameters.put("allSkus", "${workflow.input.items[*].sku}");
    inputParameters.put("pricey", "${workflow.input.items[?(@.price > 10)].sku}");
    inputParameters.put("total", "${price.output.total}");
    inputParameters.put("vat", "${tax.output.rates.vat}");
    inputParameters.put("summary", "Order ${workflow.input.orderId} for ${workflow.input.customer.name}: ${price.output.total} ${price.output.currency}");
    inputParameters.put("shipping", Map.of("carrier", "${ship.output.carrier}", "days", "${ship.output.eta.days}"));
    inputParameters.put("workflowId", "${workflow.workflowId}");
    inputParameters.put("taskId", "${CPEWF_TASK_ID}");
    inputParameters.put("note", "plain text, no expression");

    // A typo in the setup must fail here, not be measured as fast nulls.
    resolve().forEach((key, value) -> {
      if (value == null || value instanceof List<?> list && list.isEmpty()) {
        throw new IllegalStateException("benchmark input " + key + " resolved to nothing");
      }
    });
  }

  private void addTask(String ref, Map<String, Object> output) {
    Task t = new Task();
    t.taskId = ref + "-id";
    t.referenceTaskName = ref;
    t.taskType = ref;
    t.taskDefName = ref;
    t.status = TaskStatus.COMPLETED;
    t.workflowInstanceId = workflow.workflowId;
    t.outputData = new LinkedHashMap<>(output);
    workflow.tasks.add(t);
    tasksByRef.put(ref, t);
  }

  @Benchmark
  public Map<String, Object> resolve() {
    // A fresh context each time: the decider builds one per task it schedules (views are cached in it).
    return resolver.resolve(inputParameters, ResolutionContext.of(workflow, tasksByRef::get), "task-id");
  }
}
