// An execution as the pages read it: tasks by reference name (latest attempt), every attempt,
// and the live events applied to it in place.
import { TERMINAL } from './util.js';

/** Walks a definition's nested task lists once: ref → definition task. */
export function indexDefinition(tasks, out = new Map()) {
  for (const t of tasks || []) {
    if (!t) continue;
    out.set(t.taskReferenceName, t);
    (t.forkTasks || []).forEach((b) => indexDefinition(b, out));
    Object.values(t.decisionCases || {}).forEach((b) => indexDefinition(b, out));
    indexDefinition(t.defaultCase, out);
    indexDefinition(t.loopOver, out);
  }
  return out;
}

export function indexTasks(tasks) {
  const byRef = new Map();
  const attempts = new Map();
  const byId = new Map();
  for (const t of tasks || []) {
    byId.set(t.taskId, t);
    const prev = byRef.get(t.referenceTaskName);
    if (!prev || (t.seq || 0) >= (prev.seq || 0)) byRef.set(t.referenceTaskName, t);
    let list = attempts.get(t.referenceTaskName);
    if (!list) attempts.set(t.referenceTaskName, (list = []));
    list.push(t);
  }
  return { byRef, attempts, byId };
}

/** Applies a live message of the workflow topic to a workflow object (mutates it). */
export function applyEvent(wf, m) {
  if (m.type === 'workflow') {
    for (const k of ['status', 'updateTime', 'endTime', 'reasonForIncompletion', 'output', 'correlationId', 'failedReferenceTaskNames']) {
      if (m[k] !== undefined) wf[k] = m[k];
    }
    if (TERMINAL.has(m.status) && !wf.endTime) wf.endTime = m.updateTime;
    return;
  }
  if (m.type !== 'task') return;
  wf.tasks = wf.tasks || [];
  let t = wf._byId && wf._byId.get(m.taskId);
  if (!t) t = wf.tasks.find((x) => x.taskId === m.taskId);
  if (!t) {
    t = { taskId: m.taskId, referenceTaskName: m.referenceTaskName, taskType: m.taskType, taskDefName: m.taskType,
      seq: m.taskSeq ?? wf.tasks.reduce((s, x) => Math.max(s, x.seq || 0), 0) + 1, scheduledTime: m.updateTime, inputData: {}, outputData: {},
      workflowInstanceId: wf.workflowId, iteration: m.iteration || 0 };
    wf.tasks.push(t);
    if (wf._byId) wf._byId.set(t.taskId, t);
  }
  // m.seq numbers the feed's messages; the task's own sequence number comes as taskSeq
  for (const k of ['status', 'retryCount', 'updateTime', 'workerId', 'outputData', 'reasonForIncompletion', 'subWorkflowId', 'iteration',
    'inputData', 'scheduledTime', 'startTime', 'endTime', 'taskDefName', 'domain', 'pollCount', 'callbackAfterSeconds']) {
    if (m[k] !== undefined && m[k] !== null) t[k] = m[k];
  }
  if (typeof m.taskSeq === 'number') t.seq = m.taskSeq;
  if (m.status === 'IN_PROGRESS' && !t.startTime) t.startTime = m.updateTime;
  if (TERMINAL.has(m.status) && !t.endTime) t.endTime = m.updateTime;
}
