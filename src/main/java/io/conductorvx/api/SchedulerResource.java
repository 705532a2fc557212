package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.error.ConductorException;
import io.conductorvx.scheduler.ExecutionQuery;
import io.conductorvx.scheduler.ScheduleSearch;
import io.conductorvx.scheduler.Scheduler;
import io.conductorvx.scheduler.WorkflowSchedule;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * /api/scheduler: Conductor's workflow schedules, their runs, and the admin switches. Pause and
 * resume answer both PUT (Conductor OSS) and GET (Orkes), since the SDKs try one and fall back to
 * the other on a 405; every path answers a method it does not serve with 405 and an Allow header.
 */
final class SchedulerResource {
  private static final String BASE = "/api/scheduler";
  private static final TypeReference<List<WorkflowSchedule.Tag>> TAGS = new TypeReference<>() {};

  private final Scheduler scheduler;

  SchedulerResource(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  void mount(Router r) {
    path(r, "/schedules", Map.of(
        HttpMethod.POST, ctx -> scheduler.save(Requests.body(ctx, WorkflowSchedule.class)).map(Reply::json),
        HttpMethod.GET, ctx -> scheduler.list(blankToNull(Requests.query(ctx, "workflowName"))).map(Reply::json)));
    path(r, "/schedules/search", Map.of(HttpMethod.GET, this::search));
    path(r, "/schedules/tags", Map.of(HttpMethod.GET, this::byTag));
    path(r, "/schedules/:name", Map.of(
        HttpMethod.GET, ctx -> scheduler.get(Requests.path(ctx, "name")).map(Reply::json),
        HttpMethod.DELETE, ctx -> scheduler.delete(Requests.path(ctx, "name")).map(v -> Reply.ok())));
    Function<RoutingContext, Future<Reply>> pause =
        ctx -> scheduler.pause(Requests.path(ctx, "name"), Requests.query(ctx, "reason")).map(v -> Reply.ok());
    Function<RoutingContext, Future<Reply>> resume = ctx -> scheduler.resume(Requests.path(ctx, "name")).map(v -> Reply.ok());
    path(r, "/schedules/:name/pause", Map.of(HttpMethod.PUT, pause, HttpMethod.GET, pause));
    path(r, "/schedules/:name/resume", Map.of(HttpMethod.PUT, resume, HttpMethod.GET, resume));
    path(r, "/schedules/:name/tags", Map.of(
        HttpMethod.GET, ctx -> scheduler.tags(Requests.path(ctx, "name")).map(Reply::json),
        HttpMethod.PUT, ctx -> scheduler.addTags(Requests.path(ctx, "name"), Requests.body(ctx, TAGS)).map(v -> Reply.ok()),
        HttpMethod.DELETE, ctx -> scheduler.removeTags(Requests.path(ctx, "name"), Requests.body(ctx, TAGS)).map(v -> Reply.ok())));
    path(r, "/nextFewSchedules", Map.of(HttpMethod.GET, ctx -> Future.succeededFuture(Reply.json(scheduler.nextFew(
        Requests.requiredQuery(ctx, "cronExpression"), Requests.query(ctx, "zoneId"),
        optionalLong(ctx, "scheduleStartTime"), optionalLong(ctx, "scheduleEndTime"), Requests.intQuery(ctx, "limit", 5))))));
    path(r, "/search/executions", Map.of(HttpMethod.GET, ctx -> scheduler.searchExecutions(ExecutionQuery.parse(
        Requests.query(ctx, "query"), Requests.query(ctx, "freeText"), Requests.intQuery(ctx, "start", 0),
        Requests.intQuery(ctx, "size", 100), Requests.sortQuery(ctx, "sort"))).map(Reply::json)));
    path(r, "/admin/pause", Map.of(HttpMethod.GET, ctx -> {
      scheduler.pauseHere(true);
      return Future.succeededFuture(Reply.json(Map.of("status", "done")));
    }));
    path(r, "/admin/resume", Map.of(HttpMethod.GET, ctx -> {
      scheduler.pauseHere(false);
      return Future.succeededFuture(Reply.json(Map.of("status", "done")));
    }));
    path(r, "/admin/requeue", Map.of(HttpMethod.GET, ctx -> scheduler.requeue().map(Reply::json)));
    path(r, "/bulk/pause", Map.of(HttpMethod.PUT,
        ctx -> BulkResource.each(ctx, "schedules", name -> scheduler.pause(name, Requests.query(ctx, "reason")))));
    path(r, "/bulk/resume", Map.of(HttpMethod.PUT, ctx -> BulkResource.each(ctx, "schedules", scheduler::resume)));
  }

  /** Mounts the handlers of one path, then a 405 with Allow for every other method. */
  private static void path(Router r, String path, Map<HttpMethod, Function<RoutingContext, Future<Reply>>> handlers) {
    String full = BASE + path;
    handlers.forEach((method, handler) -> Routes.handle(r.route(method, full), handler));
    String allow = handlers.keySet().stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
    r.route(full).handler(ctx -> {
      ctx.response().putHeader("Allow", allow);
      ctx.fail(new ConductorException(405, "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path()
          + " (allowed: " + allow + ")", false));
    });
  }

  private Future<Reply> search(RoutingContext ctx) {
    String name = Requests.query(ctx, "scheduleName");
    if (name == null) {
      name = Requests.query(ctx, "name"); // ui-next sends Orkes' name too
    }
    String paused = Requests.query(ctx, "paused");
    ScheduleSearch search = ScheduleSearch.of(Requests.query(ctx, "workflowName"), name,
        paused == null || paused.isBlank() ? null : Requests.boolQuery(ctx, "paused", false),
        Requests.query(ctx, "freeText"), Requests.intQuery(ctx, "start", 0), Requests.intQuery(ctx, "size", 100),
        Requests.sortQuery(ctx, "sort"));
    return scheduler.search(search).map(Reply::json);
  }

  /** GET /schedules/tags?tag=key:value (Orkes): the schedules carrying that tag. */
  private Future<Reply> byTag(RoutingContext ctx) {
    String tag = Requests.requiredQuery(ctx, "tag");
    int colon = tag.indexOf(':');
    String key = colon < 0 ? tag : tag.substring(0, colon);
    String value = colon < 0 ? null : tag.substring(colon + 1);
    return scheduler.withTag(key, value).map(Reply::json);
  }

  private static Long optionalLong(RoutingContext ctx, String name) {
    String v = Requests.query(ctx, name);
    return v == null || v.isBlank() ? null : Requests.longQuery(ctx, name, 0);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
