// Drives a running conductor-vx through the official JavaScript SDK (@io-orkes/conductor-javascript),
// unchanged: definitions, a worker polling with TaskManager, the workflow operations and searches.
// Usage: CONDUCTOR_SERVER_URL=http://127.0.0.1:8080/api node official-client.cjs
// Prints one line per scenario and exits non-zero on the first that fails.
"use strict";

const {
  ConductorWorkflow,
  simpleTask,
  orkesConductorClient,
  MetadataClient,
  WorkflowExecutor,
  TaskClient,
  TaskManager,
  SchedulerClient,
} = require("@io-orkes/conductor-javascript");

const serverUrl = process.env.CONDUCTOR_SERVER_URL;
// The same server behind a proxy that refuses PUT on schedule pause/resume (as Orkes does).
const refusePutUrl = process.env.CONDUCTOR_REFUSE_PUT_URL;
// The SDK prefers CONDUCTOR_SERVER_URL over the serverUrl it is given: drop it, so each client goes where it is told.
delete process.env.CONDUCTOR_SERVER_URL;
const run = Date.now().toString(36);
const GREET = `js_greet_${run}`;
const FLAKY = `js_flaky_${run}`;
const FLOW = `js_flow_${run}`;
const WAITING = `js_waiting_${run}`;
const OWNER = "js-client@example.com";

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** Polls {@code probe} every 50 ms until it returns a truthy value or 20 s have passed. */
async function eventually(what, probe) {
  const deadline = Date.now() + 20_000;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function statusIs(executor, workflowId, status) {
  return eventually(`workflow ${workflowId} to be ${status}`, async () => {
    const wf = await executor.getWorkflow(workflowId, true);
    return wf.status === status ? wf : null;
  });
}

async function main() {
  check(serverUrl, "CONDUCTOR_SERVER_URL is not set");
  const client = await orkesConductorClient({ serverUrl });
  const metadata = new MetadataClient(client);
  const executor = new WorkflowExecutor(client);
  const tasks = new TaskClient(client);
  const scheduler = new SchedulerClient(client);
  const SCHEDULE = `js_schedule_${run}`;
  const scenarios = [];
  const scenario = (name, body) => scenarios.push([name, body]);

  let flakyCalls = 0;
  const manager = new TaskManager(client, [
    {
      taskDefName: GREET,
      execute: async (task) => ({ status: "COMPLETED", outputData: { greeting: `Hello ${task.inputData.name}` } }),
    },
    {
      taskDefName: FLAKY,
      // fails on its first attempt, succeeds on the retry
      execute: async () => (++flakyCalls === 1
        ? { status: "FAILED", reasonForIncompletion: "first attempt fails" }
        : { status: "COMPLETED", outputData: { attempt: flakyCalls } }),
    },
  ], { options: { pollInterval: 20, concurrency: 2 }, logger: { info() {}, debug() {}, error: console.error } });

  scenario("registers task and workflow definitions and reads them back", async () => {
    await metadata.registerTask({ name: GREET, retryCount: 0, timeoutSeconds: 60, responseTimeoutSeconds: 30, ownerEmail: OWNER });
    await metadata.registerTask({ name: FLAKY, retryCount: 1, retryDelaySeconds: 0, retryLogic: "FIXED",
      timeoutSeconds: 60, responseTimeoutSeconds: 30, ownerEmail: OWNER });
    await metadata.registerWorkflowDef({
      name: FLOW,
      version: 1,
      ownerEmail: OWNER,
      schemaVersion: 2,
      inputParameters: ["name"],
      outputParameters: { greeting: "${greet.output.greeting}", shout: "${shout.output.result}", attempt: "${flaky.output.attempt}" },
      tasks: [
        { name: GREET, taskReferenceName: "greet", type: "SIMPLE", inputParameters: { name: "${workflow.input.name}" } },
        {
          name: "shout", taskReferenceName: "shout", type: "INLINE",
          inputParameters: { evaluatorType: "javascript", g: "${greet.output.greeting}", expression: "$.g.toUpperCase()" },
        },
        {
          name: "route", taskReferenceName: "route", type: "SWITCH", evaluatorType: "value-param", expression: "mode",
          inputParameters: { mode: "${workflow.input.mode}" },
          decisionCases: { flaky: [{ name: FLAKY, taskReferenceName: "flaky", type: "SIMPLE" }] },
          defaultCase: [],
        },
      ],
    }, true);
    await metadata.registerWorkflowDef({
      name: WAITING, version: 1, ownerEmail: OWNER, schemaVersion: 2,
      tasks: [{ name: "hold", taskReferenceName: "hold", type: "WAIT" }],
    }, true);
    const def = await metadata.getWorkflowDef(FLOW, 1);
    check(def.name === FLOW && def.tasks.length === 3, `workflow definition read back: ${JSON.stringify(def)}`);
    const taskDef = await metadata.getTask(GREET);
    check(taskDef.name === GREET && taskDef.responseTimeoutSeconds === 30, `task definition read back: ${JSON.stringify(taskDef)}`);
  });

  scenario("a worker started with TaskManager completes a workflow", async () => {
    manager.startPolling();
    const id = await executor.startWorkflow({ name: FLOW, version: 1, input: { name: "JS" }, correlationId: `c-${run}` });
    check(typeof id === "string" && id.length > 0, `start answered ${id}`);
    const wf = await statusIs(executor, id, "COMPLETED");
    check(wf.output.greeting === "Hello JS", `output ${JSON.stringify(wf.output)}`);
    check(wf.output.shout === "HELLO JS", `inline output ${JSON.stringify(wf.output)}`);
    check(wf.tasks.map((t) => t.referenceTaskName).join(",") === "greet,shout,route", `tasks ${wf.tasks.map((t) => t.referenceTaskName)}`);
    const status = await executor.getWorkflowStatus(id, true, true);
    check(status.status === "COMPLETED", `status summary ${JSON.stringify(status)}`);
  });

  scenario("executeWorkflow answers once the workflow has completed, or stopped at a WAIT task", async () => {
    const done = await executor.executeWorkflow({ name: FLOW, version: 1, input: { name: "sync" } }, FLOW, 1, `req-${run}`);
    check(done.status === "COMPLETED" || done.targetWorkflowStatus === "COMPLETED", `execute answered ${JSON.stringify(done)}`);
    check(done.output.greeting === "Hello sync", `execute output ${JSON.stringify(done.output)}`);
    check(done.requestId === `req-${run}`, `request id ${done.requestId}`);
    const blocked = await executor.executeWorkflow({ name: WAITING, version: 1, input: {} }, WAITING, 1, `req2-${run}`, "", 5);
    check(blocked.targetWorkflowStatus === "RUNNING" && blocked.signalTimeout === false, `execute of a waiting flow ${JSON.stringify(blocked)}`);
    await executor.terminate(blocked.workflowId, "done");
  });

  scenario("a workflow built with ConductorWorkflow registers and executes (the SDK's quickstart)", async () => {
    const workflow = new ConductorWorkflow(executor, `js_built_${run}`)
      .add(simpleTask("greet_ref", GREET, { name: "${workflow.input.name}" }))
      .outputParameters({ result: "${greet_ref.output.greeting}" });
    await workflow.register();
    const result = await workflow.execute({ name: "builder" });
    check(result.output && result.output.result === "Hello builder", `execute answered ${JSON.stringify(result)}`);
  });

  scenario("a failed task is retried by its definition and the workflow completes", async () => {
    const id = await executor.startWorkflow({ name: FLOW, version: 1, input: { name: "again", mode: "flaky" } });
    const wf = await statusIs(executor, id, "COMPLETED");
    const attempts = wf.tasks.filter((t) => t.referenceTaskName === "flaky").map((t) => t.status);
    check(attempts.join(",") === "FAILED,COMPLETED", `flaky attempts ${attempts}`);
    check(wf.output.attempt === 2, `output ${JSON.stringify(wf.output)}`);
  });

  scenario("pause, resume and terminate a running workflow", async () => {
    const id = await executor.startWorkflow({ name: WAITING, version: 1, input: {} });
    await statusIs(executor, id, "RUNNING");
    await executor.pause(id);
    await statusIs(executor, id, "PAUSED");
    await executor.resume(id);
    await statusIs(executor, id, "RUNNING");
    await executor.terminate(id, "stopped by the JS client");
    const wf = await statusIs(executor, id, "TERMINATED");
    check(wf.reasonForIncompletion === "stopped by the JS client", `reason ${wf.reasonForIncompletion}`);
  });

  scenario("restart and retry a terminated workflow", async () => {
    const id = await executor.startWorkflow({ name: WAITING, version: 1, input: {} });
    await statusIs(executor, id, "RUNNING");
    await executor.terminate(id, "first stop");
    await statusIs(executor, id, "TERMINATED");
    await executor.restart(id, false);
    await statusIs(executor, id, "RUNNING");
    await executor.terminate(id, "second stop");
    await statusIs(executor, id, "TERMINATED");
    await executor.retry(id, false);
    await statusIs(executor, id, "RUNNING");
    await executor.terminate(id, "done");
  });

  scenario("updateVariables merges into a running workflow's variables", async () => {
    const id = await executor.startWorkflow({ name: WAITING, version: 1, input: {} });
    await statusIs(executor, id, "RUNNING");
    await executor.updateVariables(id, { stage: "review", count: 2 });
    await executor.updateVariables(id, { count: 3 });
    const wf = await executor.getWorkflow(id, false);
    check(wf.variables.stage === "review" && wf.variables.count === 3, `variables ${JSON.stringify(wf.variables)}`);
    await executor.terminate(id, "done");
  });

  scenario("a WAIT task is completed through the task API by reference name", async () => {
    const id = await executor.startWorkflow({ name: WAITING, version: 1, input: {} });
    await statusIs(executor, id, "RUNNING");
    await executor.updateTaskByRefName("hold", id, "COMPLETED", { approved: true });
    const wf = await statusIs(executor, id, "COMPLETED");
    check(wf.tasks[0].outputData.approved === true, `wait output ${JSON.stringify(wf.tasks[0].outputData)}`);
  });

  scenario("searches find workflows and tasks, and task details are readable", async () => {
    const found = await eventually("a search hit", async () => {
      const result = await executor.search(0, 10, `workflowType = ${FLOW} AND status = COMPLETED`, "*", "startTime:DESC");
      return result.totalHits >= 2 ? result : null;
    });
    check(found.results.every((w) => w.workflowType === FLOW), `search results ${JSON.stringify(found.results)}`);
    const byCorrelation = await executor.getByCorrelationIds({ workflowNames: [FLOW, WAITING], correlationIds: [`c-${run}`] }, true, false);
    check(byCorrelation[`c-${run}`] && byCorrelation[`c-${run}`].length === 1, `by correlation ${JSON.stringify(byCorrelation)}`);
    const wf = await executor.getWorkflow(found.results[0].workflowId, true);
    const task = await tasks.getTask(wf.tasks[0].taskId);
    check(task.taskId === wf.tasks[0].taskId && task.status === "COMPLETED", `task ${JSON.stringify(task)}`);
    const taskHits = await tasks.search(0, 10, "", "*", `taskType = ${GREET}`);
    check(taskHits.totalHits >= 1, `task search ${JSON.stringify(taskHits)}`);
    await tasks.addTaskLog(task.taskId, "a line from the JS client");
    const logs = await tasks.getTaskLogs(task.taskId);
    check(logs.some((l) => l.log === "a line from the JS client"), `logs ${JSON.stringify(logs)}`);
  });

  scenario("SchedulerClient: a schedule is saved, read, listed, fires every second and is searched", async () => {
    await scheduler.saveSchedule({
      name: SCHEDULE, cronExpression: "* * * * * *", zoneId: "Europe/Paris", runCatchupScheduleInstances: false,
      description: "from the JS SDK",
      startWorkflowRequest: { name: WAITING, version: 1, input: { from: "js" }, correlationId: `sched-${run}` },
    });
    const saved = await scheduler.getSchedule(SCHEDULE);
    check(saved.name === SCHEDULE && saved.cronExpression === "* * * * * *" && saved.zoneId === "Europe/Paris",
      `schedule read back: ${JSON.stringify(saved)}`);
    check(saved.paused === false && saved.nextRunTime > 0 && saved.createTime > 0, `schedule times: ${JSON.stringify(saved)}`);
    const listed = await scheduler.getAllSchedules(WAITING);
    check(listed.some((s) => s.name === SCHEDULE), `listed by workflow: ${JSON.stringify(listed)}`);
    const fired = await eventually("a run of the schedule", async () => {
      const found = await scheduler.search(0, 10, "scheduledTime:DESC", "*", `scheduleName IN (${SCHEDULE}) AND state IN (EXECUTED)`);
      return found.totalHits >= 1 ? found.results[0] : null;
    });
    check(fired.scheduleName === SCHEDULE && fired.workflowName === WAITING && fired.scheduledTime <= fired.executionTime,
      `run ${JSON.stringify(fired)}`);
    const wf = await executor.getWorkflow(fired.workflowId, false);
    check(wf.input._startedByScheduler === SCHEDULE && wf.input._scheduledTime === fired.scheduledTime
      && wf.input._executionId === fired.executionId && wf.input._schedulerCron === "* * * * * * Europe/Paris"
      && wf.input.from === "js" && wf.correlationId === `sched-${run}`, `started workflow input ${JSON.stringify(wf.input)}`);
    const ui = await scheduler.search(0, 5, "startTime:DESC", "*",
      `workflowType IN (${WAITING}) AND status IN (EXECUTED) AND startTime>${fired.scheduledTime - 1}`);
    check(ui.results.some((r) => r.executionId === fired.executionId), `ui-next query ${JSON.stringify(ui)}`);
  });

  scenario("SchedulerClient: pause and resume by PUT, tags, next few slots and the admin calls", async () => {
    await scheduler.pauseSchedule(SCHEDULE, "paused by the JS SDK");
    const paused = await scheduler.getSchedule(SCHEDULE);
    check(paused.paused === true && paused.pausedReason === "paused by the JS SDK", `paused ${JSON.stringify(paused)}`);
    await scheduler.resumeSchedule(SCHEDULE);
    check((await scheduler.getSchedule(SCHEDULE)).paused === false, "resumed");
    await scheduler.pauseSchedule(SCHEDULE);
    await scheduler.setSchedulerTags([{ key: "team", value: "js" }, { key: "tier", value: "gold" }], SCHEDULE);
    await scheduler.deleteSchedulerTags([{ key: "tier", value: "gold" }], SCHEDULE);
    const tags = await scheduler.getSchedulerTags(SCHEDULE);
    check(tags.length === 1 && tags[0].key === "team" && tags[0].value === "js", `tags ${JSON.stringify(tags)}`);
    const next = await scheduler.getNextFewSchedules("0 0 9 ? * MON-FRI", undefined, undefined, 3);
    check(Array.isArray(next) && next.length === 3 && next[0] > Date.now() && next[1] > next[0], `next few ${JSON.stringify(next)}`);
    await scheduler.pauseAllSchedules();
    await scheduler.resumeAllSchedules();
    await scheduler.requeueAllExecutionRecords();
  });

  scenario("SchedulerClient: pause and resume fall back to GET when PUT answers 405", async () => {
    check(refusePutUrl, "CONDUCTOR_REFUSE_PUT_URL is not set");
    const viaProxy = new SchedulerClient(await orkesConductorClient({ serverUrl: refusePutUrl }));
    await viaProxy.resumeSchedule(SCHEDULE);
    check((await scheduler.getSchedule(SCHEDULE)).paused === false, "resumed through the fallback");
    await viaProxy.pauseSchedule(SCHEDULE, "fallback");
    const paused = await scheduler.getSchedule(SCHEDULE);
    check(paused.paused === true && paused.pausedReason === "fallback", `paused through the fallback ${JSON.stringify(paused)}`);
  });

  scenario("SchedulerClient: invalid schedules are refused with the reason, deleted ones are gone", async () => {
    const failure = async (body) => {
      try {
        await scheduler.saveSchedule(body);
      } catch (e) {
        return String(e && e.message);
      }
      return null;
    };
    const badCron = await failure({ name: `${SCHEDULE}_bad`, cronExpression: "0 0 9 * *", startWorkflowRequest: { name: WAITING } });
    check(badCron && /Invalid cron expression/.test(badCron), `bad cron answered ${badCron}`);
    const unknown = await failure({ name: `${SCHEDULE}_bad`, cronExpression: "0 0 9 * * *", startWorkflowRequest: { name: "no_such_flow" } });
    check(unknown && /No such workflow found by name: no_such_flow/.test(unknown), `unknown workflow answered ${unknown}`);
    await scheduler.deleteSchedule(SCHEDULE);
    let gone;
    try {
      await scheduler.getSchedule(SCHEDULE);
    } catch (e) {
      gone = e;
    }
    check(gone && /404|not found/i.test(String(gone.message)), `deleted schedule read answered ${gone}`);
  });

  scenario("unknown workflows answer as Conductor does", async () => {
    let failure;
    try {
      await executor.getWorkflow("no-such-workflow", false);
    } catch (e) {
      failure = e;
    }
    check(failure, "reading an unknown workflow did not fail");
    check(failure.status === 404 || /404|not found/i.test(String(failure.message)), `failure ${failure}`);
  });

  try {
    for (const [name, body] of scenarios) {
      try {
        await body();
        console.log(`ok   ${name}`);
      } catch (e) {
        console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
        process.exitCode = 1;
        return;
      }
    }
  } finally {
    await manager.stopPolling();
  }
}

main().catch((e) => {
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
});
