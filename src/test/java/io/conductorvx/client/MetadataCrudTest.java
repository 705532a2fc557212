package io.conductorvx.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task and workflow definitions: create, read (by version / latest), update, delete, errors. */
class MetadataCrudTest extends ClientTestBase {

  @Test
  void taskDefRoundTripUpdateAndDelete() {
    String a = uniq("md_task_a");
    String b = uniq("md_task_b");
    TaskDef defA = taskDef(a, d -> {
      d.setRetryCount(4);
      d.setRetryLogic(TaskDef.RetryLogic.EXPONENTIAL_BACKOFF);
      d.setRetryDelaySeconds(7);
      d.setTimeoutSeconds(120);
      d.setResponseTimeoutSeconds(30);
      d.setTimeoutPolicy(TaskDef.TimeoutPolicy.RETRY);
      d.setPollTimeoutSeconds(15);
      d.setBackoffScaleFactor(3);
      d.setInputTemplate(Map.of("defaultKey", "defaultValue"));
      d.setConcurrentExecLimit(5);
    });
    TaskDef defB = taskDef(b, null);
    metadataClient.registerTaskDefs(List.of(defA, defB));

    TaskDef gotA = metadataClient.getTaskDef(a);
    assertEquals(a, gotA.getName());
    assertEquals(4, gotA.getRetryCount());
    assertEquals(TaskDef.RetryLogic.EXPONENTIAL_BACKOFF, gotA.getRetryLogic());
    assertEquals(7, gotA.getRetryDelaySeconds());
    assertEquals(120, gotA.getTimeoutSeconds());
    assertEquals(30, gotA.getResponseTimeoutSeconds());
    assertEquals(TaskDef.TimeoutPolicy.RETRY, gotA.getTimeoutPolicy());
    assertEquals(15, gotA.getPollTimeoutSeconds());
    assertEquals(3, gotA.getBackoffScaleFactor());
    assertEquals(Map.of("defaultKey", "defaultValue"), gotA.getInputTemplate());
    assertEquals(5, gotA.getConcurrentExecLimit());
    assertTrue(gotA.getCreateTime() > 0, "createTime is set on registration");

    List<String> all = metadataClient.getAllTaskDefs().stream().map(TaskDef::getName).toList();
    assertTrue(all.containsAll(List.of(a, b)), "getAllTaskDefs lists both: " + all);

    // update keeps createTime, changes the fields
    TaskDef changed = taskDef(a, d -> {
      d.setRetryCount(1);
      d.setDescription("changed");
      d.setResponseTimeoutSeconds(30);
      d.setTimeoutSeconds(60);
    });
    metadataClient.updateTaskDef(changed);
    TaskDef gotChanged = metadataClient.getTaskDef(a);
    assertEquals(1, gotChanged.getRetryCount());
    assertEquals("changed", gotChanged.getDescription());
    assertEquals(60, gotChanged.getTimeoutSeconds());
    assertEquals(gotA.getCreateTime(), gotChanged.getCreateTime(), "update keeps the original createTime");
    assertTrue(gotChanged.getUpdateTime() > 0, "update sets updateTime");

    // delete -> 404 afterwards
    metadataClient.unregisterTaskDef(b);
    expectStatus(404, () -> metadataClient.getTaskDef(b));
    expectStatus(404, () -> metadataClient.unregisterTaskDef(b));
    assertEquals(a, metadataClient.getTaskDef(a).getName(), "the other def is untouched");
  }

  @Test
  void updatingUnknownTaskDefIs404() {
    expectStatus(404, () -> metadataClient.updateTaskDef(taskDef(uniq("md_missing"), null)));
  }

  @Test
  void unknownTaskDefIs404() {
    expectStatus(404, () -> metadataClient.getTaskDef(uniq("md_nope")));
  }

  @Test
  void workflowDefVersionsLatestUpdateAndDelete() {
    String name = uniq("md_wf");
    String task = uniq("md_wf_task");
    WorkflowDef v1 = workflowDef(name, 1, List.of(simpleTask(task, "t1", Map.of("x", "${workflow.input.x}"))));
    v1.setDescription("first");
    v1.setOutputParameters(Map.of("out", "${t1.output.y}"));
    v1.setTimeoutSeconds(0);
    metadataClient.registerWorkflowDef(v1);

    WorkflowDef v2 = workflowDef(name, 2, List.of(
        simpleTask(task, "t1", Map.of()), simpleTask(task, "t2", Map.of())));
    v2.setDescription("second");
    metadataClient.registerWorkflowDef(v2);

    WorkflowDef got1 = metadataClient.getWorkflowDef(name, 1);
    assertEquals(1, got1.getVersion());
    assertEquals("first", got1.getDescription());
    assertEquals(1, got1.getTasks().size());
    assertEquals("t1", got1.getTasks().get(0).getTaskReferenceName());
    assertEquals(task, got1.getTasks().get(0).getName());
    assertEquals("${workflow.input.x}", got1.getTasks().get(0).getInputParameters().get("x"));
    assertEquals(Map.of("out", "${t1.output.y}"), got1.getOutputParameters());
    assertEquals(2, got1.getSchemaVersion());

    WorkflowDef latest = metadataClient.getWorkflowDef(name, null);
    assertEquals(2, latest.getVersion(), "no version = latest");
    assertEquals("second", latest.getDescription());
    assertEquals(2, latest.getTasks().size());

    List<WorkflowDef> latestAll = metadataClient.getAllWorkflowsWithLatestVersions();
    WorkflowDef listed = latestAll.stream().filter(d -> d.getName().equals(name)).findFirst().orElse(null);
    assertNotNull(listed, "latest-versions lists " + name);
    assertEquals(2, listed.getVersion());
    assertEquals(1, latestAll.stream().filter(d -> d.getName().equals(name)).count(),
        "latest-versions lists each name once");

    // registering an existing (name, version) without overwrite is a conflict
    expectStatus(409, () -> metadataClient.registerWorkflowDef(v1));

    // PUT (create-or-update) changes v1 in place
    WorkflowDef v1b = workflowDef(name, 1, v1.getTasks());
    v1b.setDescription("first, updated");
    metadataClient.updateWorkflowDefs(List.of(v1b));
    assertEquals("first, updated", metadataClient.getWorkflowDef(name, 1).getDescription());
    assertEquals(2, metadataClient.getWorkflowDef(name, null).getVersion(), "update of v1 doesn't change latest");

    // delete v2: latest falls back to v1, v2 is gone
    metadataClient.unregisterWorkflowDef(name, 2);
    expectStatus(404, () -> metadataClient.getWorkflowDef(name, 2));
    assertEquals(1, metadataClient.getWorkflowDef(name, null).getVersion());
    expectStatus(404, () -> metadataClient.unregisterWorkflowDef(name, 2));
  }

  @Test
  void unknownWorkflowDefIs404() {
    expectStatus(404, () -> metadataClient.getWorkflowDef(uniq("md_nowf"), null));
    expectStatus(404, () -> metadataClient.getWorkflowDef(uniq("md_nowf"), 3));
  }

  @Test
  void workflowDefWithoutTasksIsRejected() {
    WorkflowDef def = workflowDef(uniq("md_empty"), 1, List.of());
    expectStatus(400, () -> metadataClient.registerWorkflowDef(def));
  }

  @Test
  void workflowDefWithDuplicateTaskRefsIsRejected() {
    String task = uniq("md_dup_task");
    WorkflowDef def = workflowDef(uniq("md_dup"), 1,
        List.of(simpleTask(task, "same", Map.of()), simpleTask(task, "same", Map.of())));
    expectStatus(400, () -> metadataClient.registerWorkflowDef(def));
  }

  @Test
  void taskDefWithResponseTimeoutAboveTimeoutIsRejected() {
    TaskDef bad = taskDef(uniq("md_bad"), d -> {
      d.setTimeoutSeconds(5);
      d.setResponseTimeoutSeconds(10);
    });
    expectStatus(400, () -> metadataClient.registerTaskDefs(List.of(bad)));
  }

  @Test
  void workflowsMayReferenceUnregisteredTaskDefs() {
    // registering a workflow does not require SIMPLE task defs to exist (api.md §1)
    String name = uniq("md_unreg");
    metadataClient.registerWorkflowDef(workflowDef(name, 1, List.of(simpleTask(uniq("never_registered"), "t", Map.of()))));
    assertEquals(1, metadataClient.getWorkflowDef(name, 1).getVersion());
  }
}
