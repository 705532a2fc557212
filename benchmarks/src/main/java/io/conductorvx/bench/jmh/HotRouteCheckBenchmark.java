package io.conductorvx.bench.jmh;

import io.conductorvx.openapi.ApiDocument;
import io.conductorvx.openapi.HandChecks;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The check of one hot request, alone: vertx-openapi's RequestValidator (a worker hop, then the
 * schema walk; awaited here as the HTTP handler awaits it) against the server's hand checks
 * (HandChecks, on the calling thread), for a batch poll's query and a task update's body (a worker's
 * result with a 1 KB output). Compare with a request's whole cost in ApiValidationBenchmark.
 * Run: {@code benchmarks/jmh.sh HotRouteCheck}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HotRouteCheckBenchmark {
  private Vertx vertx;
  private RequestValidator validator;
  private HandChecks hand;
  private Buffer result;
  private ValidatableRequestImpl pollRequest;
  private ValidatableRequestImpl updateRequest;
  private final Map<String, String> pollQuery = Map.of("count", "10", "timeout", "100", "workerid", "bench-worker");

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    ApiDocument doc = ApiDocument.read();
    OpenAPIContract contract = OpenAPIContract.from(vertx, doc.tree().copy()).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    validator = RequestValidator.create(vertx, contract);
    hand = new HandChecks(doc.tree());
    JsonObject output = new JsonObject();
    for (int i = 0; i < 20; i++) {
      output.put("field" + i, "value of field " + i + " with some text to make it realistic");
    }
    result = new JsonObject().put("workflowInstanceId", "bench-workflow").put("taskId", "bench-task")
        .put("status", "COMPLETED").put("workerId", "bench-worker").put("callbackAfterSeconds", 0)
        .put("outputData", output).put("logs", new JsonArray()).toBuffer();
    Map<String, RequestParameter> query = Map.of("count", new RequestParameterImpl("10"),
        "timeout", new RequestParameterImpl("100"), "workerid", new RequestParameterImpl("\"bench-worker\""));
    pollRequest = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of("tasktype", new RequestParameterImpl("bench_task")),
        query, new RequestParameterImpl(null), null);
    updateRequest = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(), new RequestParameterImpl(result),
        "application/json");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public Object pollByValidator() throws Exception {
    return validator.validate(pollRequest, "batchPoll").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Object pollByHand() {
    return hand.check("batchPoll", pollQuery::get, null);
  }

  @Benchmark
  public Object updateByValidator() throws Exception {
    return validator.validate(updateRequest, "updateTask").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Object updateByHand() {
    return hand.check("updateTask", name -> null, result);
  }
}
