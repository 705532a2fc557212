package io.conductorvx.tasks.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conductorvx.tasks.TaskServices;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.mozilla.javascript.Callable;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.EcmaError;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.NativeArray;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Symbol;
import org.mozilla.javascript.Undefined;
import org.mozilla.javascript.Wrapper;
import org.mozilla.javascript.json.JsonParser;

/**
 * JavaScript for INLINE, SWITCH, DECISION, LAMBDA and DO_WHILE, evaluated with Mozilla Rhino.
 *
 * <p>Why Rhino (measured on this project's 2-core machine, see docs/scripts.md): GraalJS, which
 * Conductor uses, needs JDK 21+ for its current releases and runs interpreted on JDK 17 (a fresh
 * context per evaluation, as Conductor does, managed 15-100 evaluations/s); Nashorn is fast but
 * lacks most of ES2016+ (no {@code includes}, destructuring, spread, {@code ?.}) and has no way
 * to stop a runaway script short of {@code Thread.stop}, which is gone on JDK 20+. Rhino runs on
 * 17 and later, covers the ES2015-2022 features scripts use, and has an instruction observer: the
 * code it generates counts instructions in loops and calls and lets us throw when the deadline
 * passes, on any JDK, even inside a script's own try/catch.
 *
 * <p>Sandbox: no Java class is visible (class shutter denies all, and the "safe" standard objects
 * leave out Packages/java/JavaImporter), there is no load/print/readFile, so no files, network or
 * process. Every evaluation gets a fresh top-level scope whose prototype is one shared, sealed
 * set of standard objects: scripts cannot change built-ins for later evaluations, and their
 * globals vanish with the scope. {@code $} is a deep copy of the input made by parsing its JSON,
 * so it is a plain JS object and the caller's maps cannot be touched.
 */
public final class ScriptEvaluator {
  public static final long DEFAULT_LIMIT_MS = 4000;
  /** Instructions between two deadline checks: a few microseconds of work. */
  private static final int OBSERVER_THRESHOLD = 10_000;
  private static final int MAX_CACHED_SCRIPTS = 1000;
  private static final int HOT_AFTER = 3;
  /** JS call depth in the interpreter; deeper recursion is a script error, not a JVM stack overflow. */
  private static final int MAX_STACK_DEPTH = 2000;
  private static final String DEADLINE = "conductor.deadline";
  private static final Pattern FOR_CONST = Pattern.compile("(\\bfor\\s*\\(\\s*)const\\s+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContextFactory factory = new LimitedContextFactory();
  private final ScriptableObject standardObjects;
  /**
   * Scripts by source. A script is first compiled for Rhino's interpreter (about a millisecond);
   * once it has run {@link #HOT_AFTER} times it is also compiled to JVM bytecode (tens of ms once,
   * then several times faster). Definitions repeat the same few expressions, so most get there;
   * one-off sources (expressions with {@code ${...}} baked in) never pay for bytecode.
   */
  private final Map<String, Cached> cache = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          return size() > MAX_CACHED_SCRIPTS;
        }
      });

  private static final class Cached {
    final Script interpreted;
    volatile Script compiled;
    final AtomicInteger uses = new AtomicInteger();

    Cached(Script interpreted) {
      this.interpreted = interpreted;
    }
  }

  ScriptEvaluator() {
    Context cx = factory.enterContext();
    try {
      standardObjects = cx.initSafeStandardObjects(null, true);
      // Load the lazily created built-ins now, while only this thread sees the shared scope.
      for (Object id : standardObjects.getAllIds()) {
        if (id instanceof String name) {
          ScriptableObject.getProperty(standardObjects, name);
        }
      }
    } finally {
      Context.exit();
    }
  }

  /** Built on first use, on a script thread: setting Rhino up takes a moment an event loop must not spend. */
  private static final class Holder {
    static final ScriptEvaluator INSTANCE = new ScriptEvaluator();
  }

  public static ScriptEvaluator shared() {
    return Holder.INSTANCE;
  }

  /** The configured limit, in ms, for scripts of this server. */
  public static long limitMs(TaskServices services) {
    long seconds = services.engine().config().scriptMaxExecutionSeconds();
    return seconds > 0 ? seconds * 1000 : DEFAULT_LIMIT_MS;
  }

  /**
   * Evaluates on a script thread with the server's time limit. The input is copied (as JSON) right
   * away, on the caller's thread, so later changes to it do not reach the script.
   */
  public static Future<Object> evaluateAsync(TaskServices services, String script, Map<String, Object> input) {
    String inputJson;
    try {
      inputJson = JSON.writeValueAsString(input);
    } catch (JsonProcessingException e) {
      return Future.failedFuture(new ScriptEvaluationException("Script input is not JSON: " + e.getOriginalMessage(), false));
    }
    long limit = limitMs(services);
    return ScriptThreads.run(services.vertx(), limit, () -> shared().evaluate(script, inputJson, limit));
  }

  /**
   * Evaluates {@code script} with {@code $} bound to the parsed {@code inputJson}; blocks, so never
   * call it on an event loop. The result is the value of the last expression statement, as Java
   * maps, lists, strings, booleans, Integer/Long (integral numbers) or Double.
   * @throws ScriptEvaluationException on a script error or when {@code limitMs} passes
   */
  public Object evaluate(String script, String inputJson, long limitMs) {
    Context cx = factory.enterContext();
    cx.putThreadLocal(DEADLINE, System.nanoTime() + limitMs * 1_000_000);
    try {
      Script compiledScript;
      try {
        compiledScript = compile(cx, script);
      } catch (EvaluatorException e) {
        throw new ScriptEvaluationException("SyntaxError: " + e.details(), false);
      }
      Scriptable scope = cx.newObject(standardObjects);
      scope.setPrototype(standardObjects);
      scope.setParentScope(null);
      ScriptableObject.putProperty(scope, "$", new JsonParser(cx, scope).parseValue(inputJson));
      Object result = compiledScript.exec(cx, scope, scope);
      return toJava(cx, result, Collections.newSetFromMap(new IdentityHashMap<>()));
    } catch (Timeout t) {
      throw ScriptEvaluationException.timeout(limitMs);
    } catch (RhinoException e) {
      throw new ScriptEvaluationException(describe(e), false);
    } catch (JsonParser.ParseException e) {
      throw new ScriptEvaluationException("Script input is not JSON: " + e.getMessage(), false);
    } catch (StackOverflowError e) { // in bytecode-compiled scripts
      throw new ScriptEvaluationException("RangeError: Maximum call stack size exceeded", false);
    } finally {
      cx.removeThreadLocal(DEADLINE);
      Context.exit();
    }
  }

  /**
   * The syntax error of {@code source} as the evaluator reports it, or null when it compiles (the
   * compiled script is kept for its first run). Blocks: never call it on an event loop.
   */
  public String syntaxError(String source) {
    if (cache.containsKey(source)) {
      return null;
    }
    Context cx = factory.enterContext();
    try {
      cache.put(source, new Cached(compile(cx, source, true)));
      return null;
    } catch (EvaluatorException e) {
      return "SyntaxError: " + e.details();
    } finally {
      Context.exit();
    }
  }

  private Script compile(Context cx, String source) {
    Cached cached = cache.get(source);
    if (cached == null) {
      cached = new Cached(compile(cx, source, true));
      cache.put(source, cached);
    }
    if (cached.compiled == null && cached.uses.incrementAndGet() == HOT_AFTER) {
      try {
        cached.compiled = compile(cx, source, false);
      } catch (RuntimeException tooBigForBytecode) {
        // stays interpreted
      }
    }
    return cached.compiled != null ? cached.compiled : cached.interpreted;
  }

  private static Script compile(Context cx, String source, boolean interpreted) {
    cx.setInterpretedMode(interpreted);
    try {
      return cx.compileString(source, "script", 1, null);
    } catch (EvaluatorException syntaxError) {
      // Rhino lacks `for (const x of/in ...)`; `let` means the same there, so retry with it.
      String relaxed = FOR_CONST.matcher(source).replaceAll("$1let ");
      if (relaxed.equals(source)) {
        throw syntaxError;
      }
      try {
        return cx.compileString(relaxed, "script", 1, null);
      } catch (EvaluatorException stillBad) {
        throw syntaxError;
      }
    } finally {
      cx.setInterpretedMode(true);
    }
  }

  /** Rhino's own message without its source position suffix, prefixed as JS engines print errors. */
  private static String describe(RhinoException e) {
    if (e instanceof EcmaError ecma) {
      return ecma.getName() + ": " + ecma.getErrorMessage();
    }
    if (e instanceof EvaluatorException && e.details().contains("stack depth")) {
      return "RangeError: Maximum call stack size exceeded";
    }
    return e.details();
  }

  // ---- results: JS values to JSON-like Java values ----

  private static Object toJava(Context cx, Object value, Set<Object> path) {
    if (value == null || value instanceof Undefined || value instanceof Callable) {
      return null; // undefined and functions have no JSON value
    }
    if (value instanceof CharSequence || value instanceof Symbol) {
      return value.toString();
    }
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      return number(n);
    }
    if (value instanceof Wrapper w) {
      return String.valueOf(w.unwrap());
    }
    if (value instanceof Scriptable obj) {
      if ("Date".equals(obj.getClassName())) {
        return ScriptableObject.callMethod(cx, obj, "toJSON", new Object[0]) instanceof CharSequence s ? s.toString() : null;
      }
      if (!path.add(obj)) {
        throw new ScriptEvaluationException("TypeError: the script result contains a cycle", false);
      }
      try {
        return obj instanceof NativeArray array ? list(cx, array, path) : map(cx, obj, path);
      } finally {
        path.remove(obj);
      }
    }
    return String.valueOf(value);
  }

  private static List<Object> list(Context cx, NativeArray array, Set<Object> path) {
    long length = array.getLength();
    List<Object> out = new ArrayList<>((int) Math.min(length, 1 << 16));
    for (long i = 0; i < length; i++) {
      Object item = i <= Integer.MAX_VALUE ? array.get((int) i, array) : Undefined.instance;
      out.add(item == Scriptable.NOT_FOUND ? null : toJava(cx, item, path));
    }
    return out;
  }

  private static Map<String, Object> map(Context cx, Scriptable obj, Set<Object> path) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object id : obj.getIds()) {
      Object item = id instanceof Integer i ? obj.get(i, obj) : obj.get(id.toString(), obj);
      if (item != Scriptable.NOT_FOUND && !(item instanceof Undefined) && !(item instanceof Callable)) {
        out.put(id.toString(), toJava(cx, item, path));
      }
    }
    return out;
  }

  /** JS numbers are doubles; integral ones come back as Integer or Long, like GraalJS values do. */
  static Object number(Number n) {
    if (n instanceof Integer) {
      return n;
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || Math.abs(d) > 9.007199254740992E15) {
      return d;
    }
    long l = (long) d;
    return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
  }

  // ---- the time limit ----

  /** Thrown from the instruction observer. An Error, so a script's catch cannot swallow it. */
  private static final class Timeout extends Error {
    Timeout() {
      super("script time limit", null, false, false);
    }
  }

  private static final class LimitedContextFactory extends ContextFactory {
    @Override
    protected Context makeContext() {
      Context cx = super.makeContext();
      cx.setLanguageVersion(Context.VERSION_ECMASCRIPT);
      cx.setClassShutter(className -> false);
      cx.setInstructionObserverThreshold(OBSERVER_THRESHOLD);
      cx.setInterpretedMode(true);
      cx.setMaximumInterpreterStackDepth(MAX_STACK_DEPTH);
      return cx;
    }

    @Override
    protected void observeInstructionCount(Context cx, int instructionCount) {
      Object deadline = cx.getThreadLocal(DEADLINE);
      if (deadline instanceof Long d && System.nanoTime() - d > 0) {
        throw new Timeout();
      }
    }
  }
}
