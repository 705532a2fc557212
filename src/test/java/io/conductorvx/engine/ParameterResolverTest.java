package io.conductorvx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jayway.jsonpath.spi.cache.CacheProvider;
import io.conductorvx.model.Task;
import io.conductorvx.model.TaskStatus;
import io.conductorvx.model.Workflow;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParameterResolverTest {
  private final ParameterResolver resolver = new ParameterResolver();

  // ---- fixtures ----

  /** A workflow with input, variables, and tasks fetch, t1 (items) and loop__1/loop__2. */
  private static Workflow workflow() {
    WorkflowDef def = new WorkflowDef();
    def.name = "order_flow";
    def.version = 3;
    Workflow wf = new Workflow();
    wf.workflowId = "wf-1";
    wf.workflowDefinition = def;
    wf.correlationId = "corr-9";
    wf.input.put("orderId", 42);
    wf.input.put("big", 10_000_000_000L);
    wf.input.put("price", 9.5);
    wf.input.put("flag", true);
    wf.input.put("nothing", null);
    wf.input.put("key", "orderId");
    wf.input.put("list", listOf(mapOf("id", 1, "x", 1), mapOf("id", 2, "x", 5)));
    wf.variables.put("counter", 7);
    wf.tasks.add(task("fetch", mapOf("a", 1)));
    wf.tasks.add(task("t1", mapOf("items", listOf(mapOf("id", "i-0"), mapOf("id", "i-1")))));
    wf.tasks.add(task("loop__1", mapOf("n", 1)));
    wf.tasks.add(task("loop__2", mapOf("n", 2)));
    return wf;
  }

  private static Task task(String ref, Map<String, Object> output) {
    Task t = new Task();
    t.taskId = "id-" + ref;
    t.referenceTaskName = ref;
    t.taskType = "SIMPLE";
    t.taskDefName = "def_" + ref;
    t.status = TaskStatus.COMPLETED;
    t.workflowInstanceId = "wf-1";
    t.outputData.putAll(output);
    return t;
  }

  /** What the engine supplies: latest task whose ref, without loop suffix, matches. */
  private static Function<String, Task> latestByRef(Workflow wf) {
    return ref -> {
      for (int i = wf.tasks.size() - 1; i >= 0; i--) {
        Task t = wf.tasks.get(i);
        if (ref.equals(ResolutionContext.stripIteration(t.referenceTaskName))) {
          return t;
        }
      }
      return null;
    };
  }

  private static ResolutionContext context(Workflow wf) {
    return ResolutionContext.of(wf, latestByRef(wf));
  }

  private Object resolveOne(String template) {
    return resolver.resolveValue(template, context(workflow()), "task-123");
  }

  private static Map<String, Object> mapOf(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static List<Object> listOf(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  // ---- rules ----

  @Test
  void specWorkedExampleResolvesAsDocumented() {
    Workflow wf = new Workflow();
    wf.workflowDefinition = new WorkflowDef();
    wf.input.put("orderId", 42);
    wf.tasks.add(task("fetch", mapOf("a", 1)));
    Map<String, Object> params =
        mapOf(
            "id", "${workflow.input.orderId}",
            "msg", "order ${workflow.input.orderId} ok",
            "n", 3,
            "all", "${fetch.output}",
            "none", "${nope.output.x}");

    Map<String, Object> resolved = resolver.resolve(params, context(wf), "t");

    Map<String, Object> expected =
        mapOf("id", 42, "msg", "order 42 ok", "n", 3, "all", mapOf("a", 1), "none", null);
    assertEquals(expected, resolved);
    assertTrue(resolved.containsKey("none"));
  }

  @Test
  void exactExpressionKeepsTheJsonType() {
    assertEquals(42, resolveOne("${workflow.input.orderId}"));
    assertEquals(10_000_000_000L, resolveOne("${workflow.input.big}"));
    assertEquals(9.5, resolveOne("${workflow.input.price}"));
    assertEquals(true, resolveOne("${workflow.input.flag}"));
    assertEquals("orderId", resolveOne("${workflow.input.key}"));
    assertNull(resolveOne("${workflow.input.nothing}"));
    assertEquals(mapOf("a", 1), resolveOne("${fetch.output}"));
    assertInstanceOf(List.class, resolveOne("${t1.output.items}"));
  }

  @Test
  void mixedTextInterpolatesJavaToStringForms() {
    assertEquals(
        "a={a=1} n=null l=[1, 2] f=true p=9.5",
        resolveOne("a=${fetch.output} n=${workflow.input.nothing} l=${workflow.input.list[*].id}"
            + " f=${workflow.input.flag} p=${workflow.input.price}"));
    assertEquals("42orderId", resolveOne("${workflow.input.orderId}${workflow.input.key}"));
    assertEquals(" 42", resolveOne(" ${workflow.input.orderId}"));
  }

  @Test
  void dollarDotPrefixIsOptional() {
    assertEquals(42, resolveOne("${$.workflow.input.orderId}"));
    assertEquals(42, resolveOne("${$['workflow']['input']['orderId']}"));
  }

  @Test
  void surroundingBlanksInAnExpressionAreIgnored() {
    assertEquals(42, resolveOne("${ workflow.input.orderId }"));
  }

  @Test
  void arrayIndexAndLengthFunctionWork() {
    assertEquals("i-1", resolveOne("${t1.output.items[1].id}"));
    assertEquals(2, resolveOne("${t1.output.items.length()}"));
  }

  @Test
  void wildcardProjectsAList() {
    assertEquals(List.of(1, 2), resolveOne("${workflow.input.list[*].id}"));
  }

  @Test
  void filterSelectsMatchingElements() {
    assertEquals(List.of(2), resolveOne("${workflow.input.list[?(@.x > 1)].id}"));
    assertEquals(List.of(), resolveOne("${workflow.input.list[?(@.x > 99)].id}"));
  }

  @Test
  void missingPathsResolveToNullWithoutThrowing() {
    assertNull(resolveOne("${workflow.input.absent}"));
    assertNull(resolveOne("${nope.output.x}"));
    assertNull(resolveOne("${fetch.output.a.b.c}"));
    assertNull(resolveOne("${t1.output.items[9].id}"));
    assertNull(resolveOne("${nope.output.items.length()}"));
    assertEquals("x=null", resolveOne("x=${nope.output.x}"));
  }

  @Test
  void invalidExpressionResolvesToNull() {
    assertNull(resolveOne("${workflow.input[1}"));
    assertNull(resolveOne("${workflow.input.unknownFunction()}"));
    assertEquals("x=null", resolveOne("x=${workflow..}"));
  }

  @Test
  void nestedExpressionsResolveInsideOut() {
    assertEquals(42, resolveOne("${workflow.input.${workflow.input.key}}"));
    assertEquals("id 42!", resolveOne("id ${workflow.input.${workflow.input.key}}!"));
    assertEquals("i-1", resolveOne("${t1.output.items[${fetch.output.a}].id}"));
  }

  @Test
  void doubleDollarEscapesAnExpression() {
    assertEquals("${workflow.input.orderId}", resolveOne("$${workflow.input.orderId}"));
    assertEquals("${x} is 42", resolveOne("$${x} is ${workflow.input.orderId}"));
  }

  @Test
  void blankExpressionIsEmptyString() {
    assertEquals("", resolveOne("${}"));
    assertEquals("", resolveOne("${  }"));
    assertEquals("ab", resolveOne("a${}b"));
  }

  @Test
  void unclosedExpressionStaysLiteral() {
    assertEquals("${workflow.input.orderId", resolveOne("${workflow.input.orderId"));
    assertEquals("a ${b 42", resolveOne("a ${b ${workflow.input.orderId}"));
    assertEquals("{x} 42 }", resolveOne("{x} ${workflow.input.orderId} }"));
  }

  @Test
  void taskIdVariableYieldsTheScheduledTaskId() {
    assertEquals("task-123", resolveOne("${CPEWF_TASK_ID}"));
    assertEquals("id=task-123", resolveOne("id=${CPEWF_TASK_ID}"));
  }

  @Test
  void environmentVariablesAndSystemPropertiesAreNotResolved() {
    String property = "conductorvx.test.secret";
    System.setProperty(property, "leaked");
    try {
      assertNull(resolveOne("${" + property + "}"));
      assertNull(resolveOne("${user.home}"));
      assertNull(resolveOne("${PATH}"));
      assertNull(resolveOne("${NETFLIX_ENV}"));
      assertNull(resolveOne("${NETFLIX_STACK}"));
    } finally {
      System.clearProperty(property);
    }
  }

  @Test
  void workflowEnvReadsOnlyTheConfiguredEnvironment() {
    io.conductorvx.secrets.EnvironmentVariables env = new io.conductorvx.secrets.EnvironmentVariables(
        Map.of("REGION", "eu-west-1", "DB", "{\"host\":\"db1\",\"port\":5432}"));
    ParameterResolver withEnv = new ParameterResolver(env::resolve);
    Map<String, Object> ctx = context(workflow());
    assertEquals("eu-west-1", withEnv.resolveValue("${workflow.env.REGION}", ctx, null));
    assertEquals("db1", withEnv.resolveValue("${workflow.env.DB.host}", ctx, null));
    assertEquals(5432, withEnv.resolveValue("${workflow.env.DB.port}", ctx, null));
    assertEquals("at eu-west-1!", withEnv.resolveValue("at ${workflow.env.REGION}!", ctx, null));
    assertEquals("eu-west-1", withEnv.resolveValue("${$.workflow.env.REGION}", ctx, null));
    assertNull(withEnv.resolveValue("${workflow.env.PATH}", ctx, null), "process variables are not the environment");
    assertNull(withEnv.resolveValue("${workflow.env.DB.nope}", ctx, null));
    assertNull(resolveOne("${workflow.env.REGION}"), "a resolver without an environment reads a (missing) path");
  }

  @Test
  void workflowSecretsStayReferencesWhateverTheResolver() {
    assertEquals("${workflow.secrets.TOKEN}", resolveOne("${workflow.secrets.TOKEN}"));
    assertEquals("Bearer ${workflow.secrets.TOKEN}", resolveOne("Bearer ${workflow.secrets.TOKEN}"));
    assertEquals("${workflow.secrets.API.key}", resolveOne("${workflow.secrets.API.key}"));
    assertEquals("${workflow.secrets.T42}", resolveOne("${workflow.secrets.T${workflow.input.orderId}}"), "resolved inside-out first");
  }

  @Test
  void mapsAndListsAreWalkedAndKeysAreNeverEvaluated() {
    Map<String, Object> params =
        mapOf(
            "${workflow.input.key}", "${workflow.input.orderId}",
            "nested", mapOf("list", listOf("${fetch.output.a}", 7, null, false, listOf("${}"))));

    Map<String, Object> resolved = resolver.resolve(params, context(workflow()), "t");

    Map<String, Object> expected =
        mapOf(
            "${workflow.input.key}", 42,
            "nested", mapOf("list", listOf(1, 7, null, false, listOf(""))));
    assertEquals(expected, resolved);
  }

  @Test
  void stringWithoutExpressionIsReturnedUntouchedWithoutEvaluation() {
    String plain = "no expressions {here} $ or $here";
    // A context that fails on any access proves no JsonPath work happens.
    Map<String, Object> exploding =
        new HashMap<>() {
          @Override
          public Object get(Object key) {
            throw new AssertionError("context read for a plain string");
          }

          @Override
          public boolean containsKey(Object key) {
            throw new AssertionError("context read for a plain string");
          }
        };
    assertSame(plain, resolver.resolveValue(plain, exploding, "t"));
  }

  @Test
  void resolveNeverMutatesItsArguments() {
    Workflow wf = workflow();
    Map<String, Object> inner = mapOf("v", "${workflow.input.orderId}");
    Map<String, Object> params = mapOf("inner", inner, "s", "${fetch.output}");
    Map<String, Object> paramsBefore = mapOf("inner", mapOf("v", "${workflow.input.orderId}"),
        "s", "${fetch.output}");
    Map<String, Object> outputBefore = mapOf("a", 1);

    Map<String, Object> resolved = resolver.resolve(params, context(wf), "t");

    assertEquals(paramsBefore, params);
    assertEquals(outputBefore, wf.tasks.get(0).outputData);
    assertNotSame(params, resolved);
    assertNotSame(inner, resolved.get("inner"));
  }

  @Test
  void resolvedValuesAreDeepCopiesOfTheContext() {
    Workflow wf = workflow();
    Map<String, Object> params =
        mapOf(
            "out", "${t1.output}",
            "items", "${t1.output.items}",
            "ids", "${workflow.input.list[*]}",
            "task", "${t1}");

    Map<String, Object> resolved = resolver.resolve(params, context(wf), "t");
    mutateEverything(resolved);

    Map<String, Object> pristine = workflow().tasks.get(1).outputData;
    assertEquals(pristine, wf.tasks.get(1).outputData);
    assertEquals(workflow().input, wf.input);
  }

  /** Clears every nested map and list it can reach, after recursing into them. */
  @SuppressWarnings("unchecked")
  private static void mutateEverything(Object value) {
    if (value instanceof Map<?, ?> map) {
      map.values().forEach(ParameterResolverTest::mutateEverything);
      ((Map<Object, Object>) map).clear();
    } else if (value instanceof List<?> list) {
      list.forEach(ParameterResolverTest::mutateEverything);
      list.clear();
    }
  }

  @Test
  void oneResolverIsSafeToShareAcrossThreads() {
    Map<String, Object> params =
        mapOf("id", "${workflow.input.${workflow.input.key}}", "ids", "${t1.output.items[*].id}");
    Map<String, Object> expected = mapOf("id", 42, "ids", List.of("i-0", "i-1"));

    List<Map<String, Object>> results =
        IntStream.range(0, 200)
            .parallel()
            .mapToObj(i -> resolver.resolve(params, context(workflow()), "t" + i))
            .toList();

    results.forEach(result -> assertEquals(expected, result));
  }

  @Test
  void compiledPathsAreKeptInJsonPathCache() {
    resolveOne("${workflow.variables['counter']}");
    assertNotNull(CacheProvider.getCache().get("$.workflow.variables['counter']"));
  }

  @Test
  void plainDottedPathsReadWhatJsonPathReads() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("n", 2);
    nested.put("none", null);
    nested.put("list", List.of(mapOf("a", 1), 2));
    nested.put("text", "abc");
    nested.put("my-key", mapOf("0", "zero"));
    Workflow wf = workflow();
    wf.tasks.add(task("deep", mapOf("x", nested)));
    ResolutionContext ctx = context(wf);
    List<String> paths = List.of("workflow", "workflow.input", "workflow.input.orderId", "workflow.input.missing",
        "workflow.input.missing.deeper", "workflow.variables.counter", "workflow.workflowId", "workflow.status",
        "workflow.output", "fetch.output", "fetch.output.body", "t1.output.items", "loop.output.n", "loop.output",
        "deep.output.x", "deep.output.x.n", "deep.output.x.none", "deep.output.x.none.more", "deep.output.x.list",
        "deep.output.x.list.a", "deep.output.x.list.0", "deep.output.x.text.length", "deep.output.x.my-key.0",
        "deep.output.x.n.more", "nope", "nope.more", "deep.taskId", "deep.status", "deep.input");
    for (String path : paths) {
      assertTrue(ParameterResolver.isPlainPath(path), path);
      assertEquals(ParameterResolver.readJsonPath(path, ctx), ParameterResolver.readPlainPath(path, ctx), path);
    }
    for (String other : List.of("", "a.", ".a", "a..b", "a[0]", "a.*", "$", "a.length()", "a b", "a.['b']", "a.$b")) {
      assertFalse(ParameterResolver.isPlainPath(other), other);
    }
  }

  @Test
  void inputTemplateFillsAbsentKeysBeforeAndNullResultsAfterResolution() {
    Map<String, Object> params =
        mapOf("given", "${workflow.input.orderId}", "missing", "${workflow.input.absent}");
    Map<String, Object> template =
        mapOf(
            "given", "template loses",
            "added", "${workflow.input.orderId}",
            "missing", mapOf("raw", "${workflow.input.orderId}"),
            "fallbackNull", "${workflow.input.absent}");

    Map<String, Object> resolved =
        resolver.resolveWithTemplate(params, template, context(workflow()), "t");

    Map<String, Object> expected =
        mapOf(
            "given", 42,
            "missing", mapOf("raw", "${workflow.input.orderId}"),
            "added", 42,
            "fallbackNull", "${workflow.input.absent}");
    assertEquals(expected, resolved);
    assertNotSame(template.get("missing"), resolved.get("missing"));
  }

  @Test
  void emptyInputTemplateIsPlainResolution() {
    Map<String, Object> params = mapOf("x", "${workflow.input.absent}");
    assertEquals(
        resolver.resolve(params, context(workflow()), "t"),
        resolver.resolveWithTemplate(params, Map.of(), context(workflow()), "t"));
  }

  // ---- context ----

  @Test
  void contextOnlyLooksUpReferencedTasksAndEachOnce() {
    Workflow wf = workflow();
    List<String> lookedUp = new ArrayList<>();
    Function<String, Task> lookup = latestByRef(wf);
    ResolutionContext ctx =
        ResolutionContext.of(
            wf,
            ref -> {
              lookedUp.add(ref);
              return lookup.apply(ref);
            });

    resolver.resolve(
        mapOf("a", "${fetch.output.a}", "b", "${fetch.status}", "w", "${workflow.input.orderId}",
            "n", "${nope.output}", "n2", "${nope.input}"),
        ctx,
        "t");

    assertEquals(List.of("fetch", "nope"), lookedUp);
  }

  @Test
  void workflowViewExposesTheDocumentedFields() {
    Workflow wf = workflow();
    wf.status = WorkflowStatus.PAUSED;
    wf.parentWorkflowId = "parent";
    wf.parentWorkflowTaskId = "parent-task";
    wf.reasonForIncompletion = "why";
    wf.output.put("o", 1);
    ResolutionContext ctx = context(wf);

    @SuppressWarnings("unchecked")
    Map<String, Object> view = (Map<String, Object>) ctx.get("workflow");

    assertEquals(
        List.of(
            "input", "output", "status", "workflowId", "parentWorkflowId",
            "parentWorkflowTaskId", "workflowType", "version", "correlationId",
            "reasonForIncompletion", "schemaVersion", "variables"),
        List.copyOf(view.keySet()));
    assertEquals("PAUSED", view.get("status"));
    assertEquals("order_flow", view.get("workflowType"));
    assertEquals(3, view.get("version"));
    assertEquals(2, view.get("schemaVersion"));
    assertEquals(7, resolver.resolveValue("${workflow.variables.counter}", ctx, "t"));
    assertSame(view, ctx.get("workflow"));
  }

  @Test
  void taskViewExposesTheDocumentedFieldsAndOmitsNulls() {
    Workflow wf = workflow();
    Task t = wf.tasks.get(0);
    t.retryCount = 2;
    t.pollCount = 4;
    t.scheduledTime = 100;
    t.startTime = 200;
    t.endTime = 300;
    t.callbackAfterSeconds = 5;
    t.workerId = "w1";
    t.inputData.put("in", 1);

    @SuppressWarnings("unchecked")
    Map<String, Object> view = (Map<String, Object>) context(wf).get("fetch");

    Map<String, Object> expected =
        mapOf(
            "input", mapOf("in", 1), "output", mapOf("a", 1), "taskType", "SIMPLE",
            "status", "COMPLETED", "referenceTaskName", "fetch", "retryCount", 2,
            "pollCount", 4, "taskDefName", "def_fetch", "scheduledTime", 100L,
            "startTime", 200L, "endTime", 300L, "workflowInstanceId", "wf-1",
            "taskId", "id-fetch", "callbackAfterSeconds", 5L, "workerId", "w1",
            "iteration", 0);
    assertEquals(expected, view);
    assertFalse(view.containsKey("correlationId"));
    assertFalse(view.containsKey("reasonForIncompletion"));
  }

  @Test
  void loopTaskRefMeansLatestIteration() {
    assertEquals(2, resolveOne("${loop.output.n}"));
    assertEquals("loop__2", resolveOne("${loop.referenceTaskName}"));
  }

  @Test
  void entrySetListsWorkflowAndEachDistinctRefWithLoopSuffixStripped() {
    ResolutionContext ctx = context(workflow());

    assertEquals(List.of("workflow", "fetch", "t1", "loop"), List.copyOf(ctx.keySet()));
    assertTrue(ctx.containsKey("loop"));
    assertFalse(ctx.containsKey("loop__1"));
    assertFalse(ctx.containsKey("nope"));
    // Deep scan walks every view (leaf-to-null adds a null for each map without "n").
    List<?> found = (List<?>) resolver.resolveValue("${$..n}", ctx, "t");
    assertEquals(List.of(2), found.stream().filter(Objects::nonNull).toList());
  }

  @Test
  void refsWithHyphensWorkInDotNotation() {
    Workflow wf = workflow();
    wf.tasks.add(task("my-task", mapOf("x", "y")));
    assertEquals("y", resolver.resolveValue("${my-task.output.x}", context(wf), "t"));
  }

  @Test
  void stripIterationRemovesOnlyANumericLoopSuffix() {
    assertEquals("loop", ResolutionContext.stripIteration("loop__12"));
    assertEquals("a__b", ResolutionContext.stripIteration("a__b"));
    assertEquals("a__", ResolutionContext.stripIteration("a__"));
    assertEquals("__1", ResolutionContext.stripIteration("__1"));
    assertEquals("plain", ResolutionContext.stripIteration("plain"));
  }
}
