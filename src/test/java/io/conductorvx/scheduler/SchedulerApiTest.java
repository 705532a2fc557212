package io.conductorvx.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.client.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /api/scheduler over HTTP: status codes, error bodies, methods and shapes the SDKs rely on. */
class SchedulerApiTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestServer server;
  private static String base;

  @BeforeAll
  static void start() {
    server = TestServer.start(new JsonObject().put("schedulerPollIntervalMs", 3_600_000));
    base = server.baseUrl() + "/scheduler";
    send("POST", server.baseUrl() + "/metadata/workflow", new JsonObject().put("name", "api_flow").put("version", 1)
        .put("tasks", new JsonArray().add(new JsonObject().put("name", "hold").put("taskReferenceName", "hold")
            .put("type", "WAIT"))).encode());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Answer(int status, String body, HttpResponse<String> raw) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }
  }

  static Answer send(String method, String url, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject schedule(String name, String cron) {
    return new JsonObject().put("name", name).put("cronExpression", cron).put("zoneId", "Europe/Paris")
        .put("startWorkflowRequest", new JsonObject().put("name", "api_flow").put("version", 1).put("input", new JsonObject().put("k", 1)));
  }

  static String q(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  @Test
  void saveAnswersTheStoredScheduleAndGetListAndDeleteFollow() {
    Answer saved = send("POST", base + "/schedules", schedule("crud", "0 0 9 * * MON-FRI").put("description", "weekdays").encode());
    assertEquals(200, saved.status(), saved.body());
    JsonObject s = saved.json();
    assertEquals("crud", s.getString("name"));
    assertEquals("Europe/Paris", s.getString("zoneId"));
    assertTrue(s.getLong("createTime") > 0 && s.getLong("updatedTime") > 0, s.encode());
    assertTrue(s.getLong("nextRunTime") > System.currentTimeMillis(), s.encode());
    assertEquals(new JsonArray(), s.getJsonArray("cronSchedules"));
    assertEquals(false, s.getBoolean("paused"));
    assertEquals(s.getLong("createTime"), send("POST", base + "/schedules?overwrite=true",
        schedule("crud", "0 0 10 * * *").encode()).json().getLong("createTime"), "an update keeps the creation time");
    assertEquals("0 0 10 * * *", send("GET", base + "/schedules/crud", null).json().getString("cronExpression"));
    assertTrue(send("GET", base + "/schedules", null).array().stream().anyMatch(o -> "crud".equals(((JsonObject) o).getString("name"))));
    assertEquals(1, send("GET", base + "/schedules?workflowName=api_flow", null).array().stream()
        .filter(o -> "crud".equals(((JsonObject) o).getString("name"))).count());
    assertEquals(0, send("GET", base + "/schedules?workflowName=other", null).array().size());
    assertEquals(200, send("DELETE", base + "/schedules/crud", null).status());
    Answer gone = send("GET", base + "/schedules/crud", null);
    assertEquals(404, gone.status());
    assertEquals("Schedule 'crud' not found", gone.json().getString("message"));
    assertEquals(200, send("DELETE", base + "/schedules/crud", null).status(), "deleting an unknown schedule is a no-op");
  }

  @Test
  void invalidSchedulesAreA400WithTheReason() {
    assertBad(schedule("bad-cron", "0 0 9 * *"), "Invalid cron expression '0 0 9 * *'");
    assertBad(schedule("bad-zone", "0 0 9 * * *").put("zoneId", "Mars/Olympus"), "Invalid zoneId 'Mars/Olympus'");
    assertBad(schedule("", "0 0 9 * * *"), "Schedule name is required");
    assertBad(schedule("no-cron", null), "cronExpression is required");
    assertBad(schedule("no-request", "0 0 9 * * *").put("startWorkflowRequest", (Object) null), "startWorkflowRequest is required");
    assertBad(schedule("unknown-wf", "0 0 9 * * *").put("startWorkflowRequest", new JsonObject().put("name", "no_such_flow")),
        "No such workflow found by name: no_such_flow");
    assertBad(schedule("bad-version", "0 0 9 * * *").put("startWorkflowRequest", new JsonObject().put("name", "api_flow").put("version", 7)),
        "No such workflow found by name: api_flow, version: 7");
    assertBad(schedule("bounds", "0 0 9 * * *").put("scheduleStartTime", 2000).put("scheduleEndTime", 1000),
        "scheduleStartTime must not be after scheduleEndTime");
    assertBad(schedule("multi", null).put("cronSchedules", new JsonArray().add(new JsonObject().put("cronExpression", "0 0 9 * * *")
        .put("zoneId", "Asia/Tokyo")).add(new JsonObject().put("cronExpression", "nope"))), "Invalid cron expression 'nope'");
    // a type the API document rules out is refused before the resource, the violation naming the field
    Answer typed = send("POST", base + "/schedules", schedule("typed", "0 0 9 * * *").put("paused", "maybe").encode());
    assertEquals(400, typed.status(), typed.body());
    assertEquals("body.paused", typed.json().getJsonArray("validationErrors").getJsonObject(0).getString("path"), typed.body());
    assertEquals(404, send("GET", base + "/schedules/bad-cron", null).status(), "nothing was saved");
  }

  private static void assertBad(JsonObject body, String reason) {
    Answer a = send("POST", base + "/schedules", body.encode());
    assertEquals(400, a.status(), a.body());
    assertTrue(a.json().getString("message").contains(reason), a.body());
  }

  @Test
  void pauseAndResumeAnswerPutAndGetAndOtherMethodsA405WithAllow() {
    send("POST", base + "/schedules", schedule("toggled", "0 0 9 * * *").encode());
    assertEquals(200, send("PUT", base + "/schedules/toggled/pause?reason=" + q("by put"), null).status());
    JsonObject paused = send("GET", base + "/schedules/toggled", null).json();
    assertEquals(true, paused.getBoolean("paused"));
    assertEquals("by put", paused.getString("pausedReason"));
    assertEquals(null, paused.getLong("nextRunTime"));
    assertEquals(200, send("GET", base + "/schedules/toggled/resume", null).status());
    assertEquals(false, send("GET", base + "/schedules/toggled", null).json().getBoolean("paused"));
    assertEquals(200, send("GET", base + "/schedules/toggled/pause", null).status());
    assertEquals(true, send("GET", base + "/schedules/toggled", null).json().getBoolean("paused"));
    assertEquals(200, send("PUT", base + "/schedules/toggled/resume", null).status());
    assertEquals(200, send("PUT", base + "/schedules/toggled/resume", null).status(), "resuming a running schedule changes nothing");
    assertEquals(404, send("PUT", base + "/schedules/nobody/pause", null).status());
    assertEquals(404, send("GET", base + "/schedules/nobody/resume", null).status());
    for (String method : List.of("POST", "DELETE", "PATCH")) {
      for (String action : List.of("pause", "resume")) {
        Answer a = send(method, base + "/schedules/toggled/" + action, null);
        assertEquals(405, a.status(), method + " " + action);
        assertEquals("GET, PUT", a.raw().headers().firstValue("Allow").orElse(""), method + " " + action);
        assertEquals(405, a.json().getInteger("status"));
      }
    }
    Answer wrong = send("PUT", base + "/schedules", "{}");
    assertEquals(405, wrong.status());
    assertEquals("GET, POST", wrong.raw().headers().firstValue("Allow").orElse(""));
    assertEquals("DELETE, GET", send("POST", base + "/schedules/toggled", "{}").raw().headers().firstValue("Allow").orElse(""));
    assertEquals("GET", send("DELETE", base + "/schedules/search", null).raw().headers().firstValue("Allow").orElse(""));
    assertEquals("GET", send("POST", base + "/admin/pause", null).raw().headers().firstValue("Allow").orElse(""));
    assertEquals("PUT", send("POST", base + "/bulk/pause", "[]").raw().headers().firstValue("Allow").orElse(""));
  }

  @Test
  void nextFewSchedulesPreviewsAtMostFiveSlotsWithinTheBounds() {
    long start = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    Answer a = send("GET", base + "/nextFewSchedules?cronExpression=" + q("0 0 * * * *") + "&scheduleStartTime=" + start
        + "&scheduleEndTime=" + (start + 2 * 3_600_000) + "&limit=3", null);
    assertEquals(200, a.status(), a.body());
    assertEquals(new JsonArray().add(start).add(start + 3_600_000).add(start + 7_200_000), a.array());
    assertEquals(5, send("GET", base + "/nextFewSchedules?cronExpression=" + q("* * * * * *") + "&limit=50", null).array().size());
    assertEquals(5, send("GET", base + "/nextFewSchedules?cronExpression=" + q("@daily"), null).array().size(), "limit defaults to 5");
    Answer bad = send("GET", base + "/nextFewSchedules?cronExpression=" + q("bad"), null);
    assertEquals(400, bad.status());
    assertTrue(bad.json().getString("message").startsWith("Invalid cron expression"), bad.body());
    assertEquals(400, send("GET", base + "/nextFewSchedules", null).status());
    assertEquals(400, send("GET", base + "/nextFewSchedules?cronExpression=" + q("@daily") + "&limit=x", null).status());
  }

  @Test
  void searchFiltersSchedulesAndBulkOperationsReportEachName() {
    send("POST", base + "/schedules", schedule("search-alpha", "0 0 9 * * *").encode());
    send("POST", base + "/schedules", schedule("search-beta", "0 0 9 * * *").put("paused", true).encode());
    JsonObject found = send("GET", base + "/schedules/search?scheduleName=SEARCH-&sort=name:DESC", null).json();
    assertEquals(2, found.getLong("totalHits"));
    assertEquals("search-beta", found.getJsonArray("results").getJsonObject(0).getString("name"));
    assertEquals(1, send("GET", base + "/schedules/search?name=search-&paused=true", null).json().getLong("totalHits"));
    assertEquals(1, send("GET", base + "/schedules/search?scheduleName=search-&paused=false&start=0&size=1", null).json()
        .getJsonArray("results").size());
    assertEquals(400, send("GET", base + "/schedules/search?paused=perhaps", null).status());

    JsonObject paused = send("PUT", base + "/bulk/pause", new JsonArray().add("search-alpha").add("missing").encode()).json();
    assertEquals(new JsonArray().add("search-alpha"), paused.getJsonArray("bulkSuccessfulResults"));
    assertEquals("Schedule 'missing' not found", paused.getJsonObject("bulkErrorResults").getString("missing"));
    assertEquals("Bulk Request has been processed.", paused.getString("message"));
    assertEquals(2, send("GET", base + "/schedules/search?scheduleName=search-&paused=true", null).json().getLong("totalHits"));
    JsonObject resumed = send("PUT", base + "/bulk/resume", new JsonArray().add("search-alpha").add("search-beta").encode()).json();
    assertEquals(2, resumed.getJsonArray("bulkSuccessfulResults").size());
    assertEquals(0, send("GET", base + "/schedules/search?scheduleName=search-&paused=true", null).json().getLong("totalHits"));
    assertEquals(400, send("PUT", base + "/bulk/pause", "{\"not\":\"a list\"}").status());
  }

  @Test
  void tagsAreStoredReturnedAndRemoved() {
    send("POST", base + "/schedules", schedule("tagged", "0 0 9 * * *").encode());
    JsonArray tags = new JsonArray().add(new JsonObject().put("key", "team").put("value", "ops"))
        .add(new JsonObject().put("key", "tier").put("value", "gold").put("type", "METADATA"));
    assertEquals(200, send("PUT", base + "/schedules/tagged/tags", tags.encode()).status());
    assertEquals(200, send("PUT", base + "/schedules/tagged/tags", tags.encode()).status(), "adding them again keeps one of each");
    assertEquals(new JsonArray().add(new JsonObject().put("key", "team").put("value", "ops"))
        .add(new JsonObject().put("key", "tier").put("value", "gold")), send("GET", base + "/schedules/tagged/tags", null).array());
    assertEquals(2, send("GET", base + "/schedules/tagged", null).json().getJsonArray("tags").size(), "the schedule carries them");
    assertEquals("tagged", send("GET", base + "/schedules/tags?tag=team:ops", null).array().getJsonObject(0).getString("name"));
    assertEquals(200, send("DELETE", base + "/schedules/tagged/tags",
        new JsonArray().add(new JsonObject().put("key", "team").put("value", "ops")).encode()).status());
    assertEquals(1, send("GET", base + "/schedules/tagged/tags", null).array().size());
    assertEquals(1, send("POST", base + "/schedules", schedule("tagged", "0 0 8 * * *").encode()).json().getJsonArray("tags").size(),
        "an update without tags keeps them");
    assertEquals(404, send("GET", base + "/schedules/nobody/tags", null).status());
    assertEquals(400, send("PUT", base + "/schedules/tagged/tags", "[{\"value\":\"no key\"}]").status());
    assertEquals(400, send("PUT", base + "/schedules/tagged/tags", "[{\"key\":").status());
  }

  @Test
  void adminSwitchesAndExecutionSearchAnswerConductorsShapes() {
    assertEquals(new JsonObject().put("status", "done"), send("GET", base + "/admin/pause", null).json());
    assertTrue(server.server().scheduler().pausedHere());
    assertEquals(new JsonObject().put("status", "done"), send("GET", base + "/admin/resume", null).json());
    JsonObject requeue = send("GET", base + "/admin/requeue", null).json();
    assertEquals(0, requeue.getInteger("recordIds.size"));
    assertEquals(new JsonArray(), requeue.getJsonArray("sampleIds"));
    JsonObject none = send("GET", base + "/search/executions?query=" + q("workflowType IN (api_flow) AND status IN (FAILED)")
        + "&freeText=*&start=0&size=10&sort=startTime:DESC", null).json();
    assertEquals(0, none.getLong("totalHits"));
    assertEquals(new JsonArray(), none.getJsonArray("results"));
    assertEquals(400, send("GET", base + "/search/executions?query=" + q("scheduledTime>soon"), null).status());
    assertEquals(400, send("GET", base + "/search/executions?size=6000", null).status());
  }
}
