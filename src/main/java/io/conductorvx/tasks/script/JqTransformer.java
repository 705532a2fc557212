package io.conductorvx.tasks.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conductorvx.tasks.TaskServices;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * jq queries for JSON_JQ_TRANSFORM (jackson-jq, jq 1.6 dialect). Runs on the script threads with
 * the script time limit, checked each time the query emits a value.
 */
public final class JqTransformer {
  private static final int MAX_CACHED_QUERIES = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Built-in functions, loaded once; each query runs in a child scope of it. */
  private final Scope builtins = Scope.newEmptyScope();
  private final Map<String, JsonQuery> compiled = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonQuery> eldest) {
          return size() > MAX_CACHED_QUERIES;
        }
      });

  /** All results of one query: the first (null if none) and the whole list. */
  public record Result(Object first, List<Object> all) {}

  JqTransformer() {
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, builtins);
    // jq's env would hand the server's environment (credentials included) to any workflow author.
    builtins.addFunction("env", 0, (scope, args, in, path, out, version) -> out.emit(JSON.createObjectNode(), null));
    builtins.setValue("ENV", JSON.createObjectNode());
  }

  /** Built on first use, on a script thread (loading jq's built-ins parses a few hundred definitions). */
  private static final class Holder {
    static final JqTransformer INSTANCE = new JqTransformer();
  }

  public static JqTransformer shared() {
    return Holder.INSTANCE;
  }

  /** Applies the query to a copy of {@code input} taken now, on a script thread. */
  public static Future<Result> transformAsync(TaskServices services, String query, Map<String, Object> input) {
    JsonNode tree = JSON.valueToTree(input);
    long limit = ScriptEvaluator.limitMs(services);
    return ScriptThreads.run(services.vertx(), limit, () -> shared().transform(query, tree, limit));
  }

  /** @throws ScriptEvaluationException with the first meaningful message of a query error */
  public Result transform(String query, JsonNode input, long limitMs) {
    long deadline = System.nanoTime() + limitMs * 1_000_000;
    List<Object> results = new ArrayList<>();
    try {
      compile(query).apply(Scope.newChildScope(builtins), input, value -> {
        if (System.nanoTime() - deadline > 0) {
          throw ScriptEvaluationException.timeout(limitMs);
        }
        results.add(JSON.convertValue(value, Object.class));
      });
    } catch (JsonQueryException e) {
      throw new ScriptEvaluationException(firstLine(e), false);
    } catch (StackOverflowError e) {
      throw new ScriptEvaluationException("jq query recursed too deeply", false);
    }
    return new Result(results.isEmpty() ? null : results.get(0), results);
  }

  private JsonQuery compile(String query) throws JsonQueryException {
    JsonQuery q = compiled.get(query);
    if (q == null) {
      q = JsonQuery.compile(query, Versions.JQ_1_6);
      compiled.put(query, q);
    }
    return q;
  }

  /** The root cause's message, first line only (parser errors append the whole grammar trace). */
  private static String firstLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl).trim() : msg.trim();
  }
}
