package io.conductorvx.tasks.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The script engine on its own: value conversion, sandbox, time limit, and its speed. */
class ScriptEvaluatorTest {
  private static final String INPUT = "{\"amount\":150,\"name\":\"x\",\"items\":[1,2,3],\"nested\":{\"a\":null}}";
  private final ScriptEvaluator js = ScriptEvaluator.shared();

  private Object eval(String script) {
    return js.evaluate(script, INPUT, 4000);
  }

  @Test
  void resultsBecomeJsonLikeJavaValuesAsGraalJsGivesThem() {
    assertEquals("big", eval("$.amount > 100 ? 'big' : 'small'"));
    assertEquals(1, eval("1"));
    assertEquals(1, eval("1.0"));
    assertEquals(1.5, eval("1.5"));
    assertEquals(4_000_000_000L, eval("4000000000"));
    assertEquals(0.30000000000000004, eval("0.1 + 0.2"));
    assertEquals(true, eval("$.items.includes(2)"));
    assertNull(eval("undefined"));
    assertNull(eval("$.nested.a"));
    assertEquals(List.of(2, 4, 6), eval("$.items.map(x => x * 2)"));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", Arrays.asList(1, 2.5, Map.of("b", "c")));
    expected.put("n", null);
    assertEquals(expected, eval("(function(){ return {a: [1, 2.5, {b: 'c'}], n: null, u: undefined, f: function(){}}; })()"));
    assertEquals("1970-01-01T00:00:00.000Z", eval("new Date(0)"));
    assertEquals(6, eval("var t = 0; for (const i of $.items) { t += i; } t"));
  }

  @Test
  void modernSyntaxThatConductorScriptsUseIsSupported() {
    assertEquals("x", eval("const {name} = $; name"));
    assertEquals(4, eval("[...$.items, 4].length"));
    assertEquals("none", eval("$.nested?.a?.b ?? 'none'"));
    assertEquals("a-150", eval("`a-${$.amount}`"));
    assertEquals(List.of(List.of("amount", 150)), eval("Object.entries({amount: $.amount})"));
    assertEquals("007", eval("'7'.padStart(3, '0')"));
  }

  @Test
  void theInputIsACopyAndScriptsCannotLeakStateIntoLaterEvaluations() {
    eval("$.amount = 1; leaked = 42; var alsoLeaked = 1; 0");
    assertEquals(150, eval("$.amount"));
    assertEquals("undefined", eval("typeof leaked + ''"));
    assertEquals("undefined", eval("typeof alsoLeaked"));
    ScriptEvaluationException e = assertThrows(ScriptEvaluationException.class, () -> eval("Array.prototype.evil = 1"));
    assertTrue(e.getMessage().contains("sealed"), e.getMessage());
  }

  @Test
  void scriptsReachNoJavaNoFilesNoProcess() {
    for (String name : List.of("Java", "Packages", "java", "javax", "JavaImporter", "importPackage", "load", "print",
        "readFile", "runCommand", "quit", "exit", "engine")) {
      assertEquals("undefined", eval("typeof " + name), name);
    }
    assertThrows(ScriptEvaluationException.class, () -> eval("this.getClass()"));
    assertThrows(ScriptEvaluationException.class, () -> eval("''.getClass().forName('java.lang.Runtime')"));
  }

  @Test
  void errorsCarryTheJavaScriptMessage() {
    assertEquals("ReferenceError: \"nope\" is not defined.",
        assertThrows(ScriptEvaluationException.class, () -> eval("nope.x")).getMessage());
    assertEquals("Error: boom", assertThrows(ScriptEvaluationException.class, () -> eval("throw new Error('boom')")).getMessage());
    assertTrue(assertThrows(ScriptEvaluationException.class, () -> eval("function (")).getMessage().startsWith("SyntaxError"));
    ScriptEvaluationException deep = assertThrows(ScriptEvaluationException.class, () -> eval("function f(){ return f(); } f()"));
    assertTrue(deep.getMessage().contains("call stack") || deep.getMessage().contains("stack"), deep.getMessage());
  }

  @Test
  void theTimeLimitStopsLoopsRecursionAndScriptsThatCatchEverything() {
    for (String script : List.of("while (true) {}",
        "for (;;) { try { while (true) {} } catch (e) {} }",
        "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } fib(80)",
        "/(a+)+b/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')")) {
      long t0 = System.nanoTime();
      ScriptEvaluationException e = assertThrows(ScriptEvaluationException.class, () -> js.evaluate(script, INPUT, 300));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e.timedOut(), script);
      assertTrue(ms < 1500, script + " stopped after " + ms + " ms");
    }
  }

  @Test
  void jqTransformsWithTheSameLimitAndNoEnvironment() throws Exception {
    ObjectMapper m = new ObjectMapper();
    JqTransformer jq = JqTransformer.shared();
    JqTransformer.Result r = jq.transform(".items[] | . * 2", m.readTree(INPUT), 4000);
    assertEquals(2, r.first());
    assertEquals(List.of(2, 4, 6), r.all());
    assertEquals(Map.of(), jq.transform("env", m.readTree("{}"), 4000).first());
    assertEquals(Map.of(), jq.transform("$ENV", m.readTree("{}"), 4000).first());
    assertTrue(assertThrows(ScriptEvaluationException.class, () -> jq.transform("range(1e12)", m.readTree("{}"), 300)).timedOut());
  }

  /** Prints evaluations/s; the numbers behind the engine choice (docs/scripts.md). */
  @Test
  void throughput() {
    String switchExpr = "$.amount > 100 ? 'big' : 'small'";
    String inline = "(function(){ var t = 0; $.items.forEach(function(i){ t += i; }); return {total: t, big: t > 5}; })()";
    String loop = "(function(){ var s = 0; for (var i = 0; i < 1000000; i++) { s += i % 7; } return s; })()";
    rate(switchExpr, 500); // warm-up: class loading and bytecode compilation
    rate(inline, 500);
    for (int round = 0; round < 3; round++) {
      System.out.printf("[script-bench] SWITCH expression: %.0f evals/s%n", rate(switchExpr, 1000));
      System.out.printf("[script-bench] INLINE function over items: %.0f evals/s%n", rate(inline, 1000));
      long t0 = System.nanoTime();
      assertEquals(2999997, js.evaluate(loop, INPUT, 10_000));
      System.out.printf("[script-bench] loop of 1e6 iterations: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    }
    long t0 = System.nanoTime();
    int n = 0;
    while (System.nanoTime() - t0 < 1_000_000_000L) {
      js.evaluate("(function(){ return $.amount + " + n++ + "; })()", INPUT, 4000);
    }
    System.out.printf("[script-bench] one-off scripts (compile + run): %.0f evals/s%n", n / ((System.nanoTime() - t0) / 1e9));
  }

  private double rate(String script, long ms) {
    long t0 = System.nanoTime();
    int n = 0;
    while (System.nanoTime() - t0 < ms * 1_000_000) {
      js.evaluate(script, INPUT, 4000);
      n++;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}
