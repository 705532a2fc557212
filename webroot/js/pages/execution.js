// Execution detail: header and actions, the graph, task list and timeline, and a panel for the
// selected task. Follows the execution through the live feed; nothing here polls.
import { html, useState, useEffect, useRef, useMemo } from '../lib.js';
import { api, enc, qs } from '../api.js';
import { useLocation, setQuery } from '../router.js';
import { live } from '../live.js';
import { Status, fmtTime, fmtDur, ErrorBox, Tabs, Json, TERMINAL, ago, statusIcon, statusClass, copy, Elapsed } from '../util.js';
import { useDialog } from '../components.js';
import { Graph } from '../graph/graph.js';
import { layout as computeLayout } from '../graph/layout.js';
import { indexDefinition, indexTasks, applyEvent } from '../exec-model.js';
import { VirtualList } from '../virtual.js';

const ROW = 30;

export function ExecutionPage({ id }) {
  const loc = useLocation();
  const tab = loc.query.get('tab') || 'diagram';
  const [wf, setWf] = useState(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const wfRef = useRef(null);
  const frame = useRef(0);

  const adopt = (w) => {
    if (!wfRef.current || wfRef.current.partial) {
      performance.mark('cvx-execution-data');
      requestAnimationFrame(() => setTimeout(() => performance.mark('cvx-tasks-painted'), 0));
    }
    w._byId = new Map((w.tasks || []).map((t) => [t.taskId, t]));
    wfRef.current = w;
    setWf(w);
    setVersion((v) => v + 1);
  };
  const load = () => api(`/workflow/${enc(id)}?includeTasks=true`).then((w) => { adopt(w); setError(null); }).catch(setError);
  // the workflow without its tasks is small: the header and the graph show at once, statuses follow
  const loadOutline = () => api(`/workflow/${enc(id)}?includeTasks=false`).then((w) => {
    if (!wfRef.current) {
      w.tasks = [];
      w.partial = true;
      wfRef.current = w;
      setWf(w);
    }
  }).catch(() => {});

  useEffect(() => {
    // with the feed up, its snapshot is the load (a big execution is fetched once, not twice);
    // without it, or if no snapshot comes soon, a REST load
    let snapshot = false;
    let loaded = false;
    loadOutline();
    const restLoad = () => {
      if (!snapshot && !loaded) {
        loaded = true;
        load();
      }
    };
    const waiting = ['connected', 'connecting'].includes(live.status().state);
    const fallback = setTimeout(restLoad, waiting ? 1500 : 0);
    const stopWatching = live.onStatus((st) => { if (st.state === 'reconnecting' || st.state === 'offline') restLoad(); });
    // changes are applied as they come and drawn at most once per frame
    const unsubscribe = live.subscribe({ topic: 'workflow', workflowId: id }, (m) => {
      if (m.type === 'snapshot') {
        snapshot = true;
        clearTimeout(fallback);
        adopt(m.workflow);
      } else if (m.type === 'error' && !wfRef.current) {
        clearTimeout(fallback);
        restLoad();
      } else if (m.type === 'workflow' || m.type === 'task') {
        if (!wfRef.current || wfRef.current.partial) return;
        applyEvent(wfRef.current, m);
        if (!frame.current) {
          frame.current = requestAnimationFrame(() => {
            frame.current = 0;
            setVersion((v) => v + 1);
          });
        }
      }
    });
    return () => { clearTimeout(fallback); stopWatching(); unsubscribe(); };
  }, [id]);

  if (!wf) {
    return html`<div class="page">${error ? html`<${ErrorBox} error=${error} />` : html`<div class="loading">Loading execution ${id}…</div>`}</div>`;
  }
  return html`<${ExecutionView} wf=${wf} version=${version} tab=${tab} query=${loc.query} reload=${load}
    error=${error} setError=${setError} notice=${notice} setNotice=${setNotice} />`;
}

function ExecutionView({ wf, version, tab, query, reload, error, setError, notice, setNotice }) {
  const def = wf.workflowDefinition || { tasks: [] };
  const defIndex = useMemo(() => indexDefinition(def.tasks), [def]);
  const idx = useMemo(() => indexTasks(wf.tasks), [version]);
  const iters = parseIters(query.get('iter'));
  const dynRefs = (ref) => {
    const t = idx.byRef.get(ref);
    const refs = t && t.inputData && t.inputData.forkedTasks;
    return Array.isArray(refs) ? refs : null;
  };
  const dynSignature = [...defIndex.values()].filter((t) => t.type === 'FORK_JOIN_DYNAMIC')
    .map((t) => (dynRefs(t.taskReferenceName) || []).length).join(',');
  const layout = useMemo(() => computeLayout(def.tasks, dynRefs), [def, dynSignature]);

  const loopIter = (loopRef) => {
    if (iters[loopRef]) return iters[loopRef];
    const t = idx.byRef.get(loopRef);
    return t ? t.iteration || 1 : 1;
  };
  const taskFor = (node) => {
    if (!node.ref) return null;
    if (node.loop) return idx.byRef.get(node.ref + '__' + loopIter(node.loop)) || idx.byRef.get(node.ref);
    return idx.byRef.get(node.ref);
  };
  const selTaskId = query.get('task');
  const selNodeId = query.get('node');
  const selTask = selTaskId ? idx.byId.get(selTaskId) : null;
  const selNode = selNodeId ? layout.byId.get(selNodeId) : selTask ? layout.byId.get(baseRef(selTask.referenceTaskName)) : null;

  const statusOf = (n) => {
    if (n.kind === 'term') return n.id === '__start' ? 'COMPLETED' : TERMINAL.has(wf.status) ? wf.status : null;
    const t = taskFor(n);
    return t ? t.status : null;
  };
  const countsOf = (n) => {
    const c = {};
    for (const ref of n.refs) {
      const t = idx.byRef.get(ref);
      const s = t ? t.status : 'SCHEDULED';
      c[s] = (c[s] || 0) + 1;
    }
    return c;
  };
  const takenOf = (b) => {
    const t = idx.byRef.get(b.switchRef);
    if (!t || !TERMINAL.has(t.status)) return null;
    const sel = String(t.outputData?.selectedCase ?? (t.outputData?.evaluationResult || [])[0]);
    const d = defIndex.get(b.switchRef);
    const cases = Object.keys((d && d.decisionCases) || {});
    return b.label === 'default' ? !cases.includes(sel) : b.label === sel;
  };
  const select = (n) => {
    const t = taskFor(n);
    setQuery({ task: t ? t.taskId : null, node: t ? null : n.id }, { replace: true });
  };
  const loops = [...defIndex.values()].filter((t) => t.type === 'DO_WHILE' && (idx.byRef.get(t.taskReferenceName)?.iteration || 0) > 1);

  return html`<div class=${'page exec' + (selTask || selNode ? ' withpanel' : '')}>
    <${Header} wf=${wf} idx=${idx} reload=${reload} setError=${setError} setNotice=${setNotice} />
    <${ErrorBox} error=${error} onClose=${() => setError(null)} />
    ${wf.partial && html`<div class="loading-tasks" role="status">Loading ${'the tasks'}…</div>`}
    ${notice && html`<div class="info" role="status">${notice} <button class="x" onClick=${() => setNotice(null)}>×</button></div>`}
    <div class="split">
      <section class="main">
        <${Tabs} tabs=${[['diagram', 'Diagram'], ['tasks', `Tasks (${(wf.tasks || []).length})`], ['timeline', 'Timeline'], ['io', 'Input / output'], ['json', 'JSON']]}
          active=${tab} onChange=${(t) => setQuery({ tab: t === 'diagram' ? null : t })} />
        ${tab === 'diagram' && html`<div>
          ${loops.length > 0 && html`<div class="row loops">${loops.map((l) => {
            const n = idx.byRef.get(l.taskReferenceName).iteration;
            return html`<label key=${l.taskReferenceName}>${l.taskReferenceName}: iteration
              <select value=${loopIter(l.taskReferenceName)} onChange=${(e) => setQuery({ iter: setIter(iters, l.taskReferenceName, +e.target.value) }, { replace: true })}>
                ${Array.from({ length: n }, (_, i) => html`<option value=${i + 1}>${i + 1}</option>`)}</select> of ${n}</label>`;
          })}</div>`}
          <${Graph} layout=${layout} statusOf=${statusOf} countsOf=${countsOf} takenOf=${takenOf}
            selected=${selNode && selNode.id} onSelect=${select} height=${Math.max(420, innerHeight - 290)}
            loopLabel=${(b) => `DO_WHILE ${b.ref} · ${idx.byRef.get(b.ref)?.iteration ? 'iteration ' + loopIter(b.ref) + ' of ' + idx.byRef.get(b.ref).iteration : 'not run'}`} />
          <${Legend} /></div>`}
        ${tab === 'tasks' && html`<${TaskList} tasks=${wf.tasks || []} version=${version} selected=${selTask && selTask.taskId} />`}
        ${tab === 'timeline' && html`<${Timeline} wf=${wf} tasks=${wf.tasks || []} version=${version} selected=${selTask && selTask.taskId} />`}
        ${tab === 'io' && html`<div class="io"><div><h3>Input</h3><${Json} value=${wf.input || {}} open=${2} /></div>
          <div><h3>Output</h3><${Json} value=${wf.output || {}} open=${2} /></div>
          ${wf.variables && Object.keys(wf.variables).length > 0 && html`<div><h3>Variables</h3><${Json} value=${wf.variables} open=${2} /></div>`}</div>`}
        ${tab === 'json' && html`<div class="row"><button onClick=${() => copy(JSON.stringify(strip(wf), null, 2))}>Copy JSON</button></div><${Json} value=${strip(wf)} open=${1} />`}
      </section>
      ${selTask ? html`<${TaskPanel} key=${selTask.taskId} wf=${wf} task=${selTask} idx=${idx} version=${version} setError=${setError} setNotice=${setNotice} />`
        : selNode && selNode.kind === 'group' ? html`<${GroupPanel} node=${selNode} idx=${idx} />`
        : selNode ? html`<${NotRunPanel} node=${selNode} def=${defIndex.get(selNode.ref)} wf=${wf} setError=${setError} setNotice=${setNotice} />` : null}
    </div>
  </div>`;
}

const strip = (wf) => {
  const { _byId, ...rest } = wf;
  return rest;
};
const baseRef = (ref) => ref.replace(/__\d+$/, '');
const parseIters = (s) => Object.fromEntries((s || '').split(',').filter(Boolean).map((p) => { const i = p.lastIndexOf(':'); return [p.slice(0, i), +p.slice(i + 1)]; }));
const setIter = (iters, ref, n) => Object.entries({ ...iters, [ref]: n }).map(([k, v]) => k + ':' + v).join(',');

function Legend() {
  return html`<div class="legend">${['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELED', 'SKIPPED'].map((s) =>
    html`<span key=${s} class=${'status s-' + statusClass(s)}>${statusIcon(s)} ${s.toLowerCase()}</span>`)}
    <span class="status s-none">○ not run</span><span class="hint">drag to pan · wheel to zoom · arrows move · click a task for details</span></div>`;
}

function Header({ wf, idx, reload, setError, setNotice }) {
  const [dialog, ask] = useDialog();
  const running = wf.status === 'RUNNING';
  const ended = TERMINAL.has(wf.status);
  const subs = (wf.tasks || []).filter((t) => t.subWorkflowId);
  const act = async (label, fn) => {
    try {
      await fn();
      setNotice(label + ' done.');
      setError(null);
      reload();
    } catch (e) { setError(e); }
  };
  const id = enc(wf.workflowId);
  const terminate = async () => {
    const reason = await ask({ title: 'Terminate this execution', field: { label: 'Reason', value: 'terminated from the dashboard' }, confirm: 'Terminate', danger: true });
    if (reason !== null) act('Terminate', () => api(`/workflow/${id}${qs({ reason })}`, { method: 'DELETE' }));
  };
  const remove = async () => {
    const ok = await ask({ title: 'Remove this execution', body: 'It is deleted for good, with its tasks.', confirm: 'Remove', danger: true });
    if (ok !== null) act('Remove', () => api(`/workflow/${id}/remove`, { method: 'DELETE' }).then(() => { location.href = '/'; }));
  };
  const end = wf.endTime || (ended ? wf.updateTime : 0);
  return html`<div class="exechead">
    ${dialog}
    <div class="row">
      <h1><a href=${'/workflowDef/' + enc(wf.workflowName || wf.workflowType) + '/' + wf.workflowVersion}>${wf.workflowName || wf.workflowType}</a> <small>v${wf.workflowVersion}</small></h1>
      <span id="wf-status"><${Status} status=${wf.status} /></span>
      <span class="grow"></span>
      <div class="actions" role="toolbar" aria-label="execution actions">
        ${running && html`<button onClick=${() => act('Pause', () => api(`/workflow/${id}/pause`, { method: 'PUT' }))}>Pause</button>`}
        ${wf.status === 'PAUSED' && html`<button onClick=${() => act('Resume', () => api(`/workflow/${id}/resume`, { method: 'PUT' }))}>Resume</button>`}
        ${(running || wf.status === 'PAUSED') && html`<button class="danger" id="terminate" onClick=${terminate}>Terminate…</button>`}
        ${ended && html`<button onClick=${() => act('Restart', () => api(`/workflow/${id}/restart`, { method: 'POST' }))}>Restart</button>
          <button onClick=${() => act('Restart with the latest definition', () => api(`/workflow/${id}/restart?useLatestDefinitions=true`, { method: 'POST' }))}>Restart (latest def.)</button>`}
        ${ended && wf.status !== 'COMPLETED' && html`<button onClick=${() => act('Retry', () => api(`/workflow/${id}/retry`, { method: 'POST' }))}>Retry</button>
          <button title="retry, resuming failed sub-workflows instead of restarting them" onClick=${() => act('Retry', () => api(`/workflow/${id}/retry?resumeSubworkflowTasks=true`, { method: 'POST' }))}>Retry (resume sub-workflows)</button>`}
        ${ended && html`<button class="danger" onClick=${remove}>Remove…</button>`}
        <button title="reload from the server" onClick=${reload}>↻</button>
      </div>
    </div>
    <dl class="facts">
      <div><dt>Workflow id</dt><dd class="mono">${wf.workflowId} <button class="link" title="copy the id" onClick=${() => copy(wf.workflowId)}>copy</button></dd></div>
      ${wf.correlationId && html`<div><dt>Correlation id</dt><dd class="mono">${wf.correlationId}</dd></div>`}
      <div><dt>Started</dt><dd>${fmtTime(wf.startTime || wf.createTime)}</dd></div>
      <div><dt>${end ? 'Ended' : 'Updated'}</dt><dd>${fmtTime(end || wf.updateTime)}</dd></div>
      <div><dt>Duration</dt><dd><${Elapsed} from=${wf.startTime || wf.createTime} end=${end} /></dd></div>
      <div><dt>Tasks</dt><dd>${summary(idx)}</dd></div>
      ${wf.priority ? html`<div><dt>Priority</dt><dd>${wf.priority}</dd></div>` : null}
      ${wf.parentWorkflowId && html`<div><dt>Parent</dt><dd class="mono"><a href=${'/execution/' + wf.parentWorkflowId}>${wf.parentWorkflowId}</a></dd></div>`}
      ${subs.length > 0 && html`<div><dt>Sub-workflows</dt><dd class="mono">${subs.slice(0, 5).map((t) => html`<a key=${t.taskId} href=${'/execution/' + t.subWorkflowId}>${t.referenceTaskName}</a> `)}${subs.length > 5 ? `+${subs.length - 5}` : ''}</dd></div>`}
    </dl>
    ${wf.reasonForIncompletion && html`<div class="reasonbox" id="wf-reason"><b>Reason:</b> ${wf.reasonForIncompletion}
      ${wf.failedReferenceTaskNames && wf.failedReferenceTaskNames.length ? html` · failed: ${wf.failedReferenceTaskNames.join(', ')}` : ''}</div>`}
  </div>`;
}

function summary(idx) {
  const c = {};
  for (const t of idx.byRef.values()) c[t.status] = (c[t.status] || 0) + 1;
  return Object.entries(c).map(([s, n]) => html`<span key=${s} class=${'status s-' + statusClass(s)}>${statusIcon(s)} ${n}</span> `);
}

// ---------------------------------------------------------------- task list and timeline

function TaskList({ tasks, selected }) {
  const sorted = [...tasks].sort((a, b) => (a.seq || 0) - (b.seq || 0) || (a.scheduledTime || 0) - (b.scheduledTime || 0));
  const open = (t) => setQuery({ task: t.taskId, node: null }, { replace: true });
  return html`<div class="tlist" id="task-list">
    <div class="trow thead"><span>#</span><span>Reference</span><span>Type</span><span>Status</span><span>Scheduled</span><span>Started</span><span>Ended</span>
      <span title="scheduled → started">Queue wait</span><span title="started → ended">Run time</span><span>Try</span><span>Worker</span><span>Reason</span></div>
    <${VirtualList} items=${sorted} rowHeight=${ROW} height=${Math.max(360, innerHeight - 300)} render=${(t) => {
      const wait = t.startTime && t.scheduledTime ? t.startTime - t.scheduledTime : t.scheduledTime && t.status === 'SCHEDULED' ? Date.now() - t.scheduledTime : null;
      const run = t.startTime ? (t.endTime || Date.now()) - t.startTime : null;
      return html`<div key=${t.taskId} class=${'trow' + (t.taskId === selected ? ' sel' : '')} tabindex="0" data-ref=${t.referenceTaskName} data-status=${t.status}
          onClick=${() => open(t)} onKeyDown=${(e) => e.key === 'Enter' && open(t)}>
        <span>${t.seq}</span><span class="mono">${t.referenceTaskName}</span><span>${t.taskType}</span><span><${Status} status=${t.status} /></span>
        <span>${fmtTime(t.scheduledTime)}</span><span>${fmtTime(t.startTime)}</span><span>${fmtTime(t.endTime)}</span>
        <span class="wait">${fmtDur(wait)}</span><span>${fmtDur(run)}</span><span>${t.retryCount || 0}</span><span class="mono">${t.workerId || ''}</span>
        <span class="reason" title=${t.reasonForIncompletion || ''}>${t.reasonForIncompletion || ''}</span></div>`;
    }} /></div>`;
}

function Timeline({ wf, tasks, selected }) {
  const sorted = [...tasks].filter((t) => t.scheduledTime || t.startTime).sort((a, b) => (a.scheduledTime || a.startTime) - (b.scheduledTime || b.startTime) || (a.seq || 0) - (b.seq || 0));
  const t0 = Math.min(wf.startTime || Infinity, ...sorted.slice(0, 1).map((t) => t.scheduledTime || t.startTime));
  const now = Date.now();
  const t1 = Math.max(wf.endTime || 0, ...sorted.map((t) => t.endTime || (TERMINAL.has(t.status) ? t.updateTime || 0 : now)), t0 + 1);
  const span = t1 - t0;
  const pct = (x) => ((x - t0) / span) * 100 + '%';
  const wid = (a, b) => Math.max(0.15, ((b - a) / span) * 100) + '%';
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => html`<span key=${f} style=${'left:' + f * 100 + '%'}>${f === 0 ? fmtTime(t0).slice(11) : '+' + fmtDur(span * f)}</span>`);
  const open = (t) => setQuery({ task: t.taskId, node: null }, { replace: true });
  return html`<div class="timeline" id="timeline">
    <div class="tl-axis"><span class="tl-label"></span><span class="tl-track">${ticks}</span></div>
    <${VirtualList} items=${sorted} rowHeight=${26} height=${Math.max(360, innerHeight - 320)} render=${(t) => {
      const s = t.scheduledTime || t.startTime;
      const st = t.startTime || (t.status === 'SCHEDULED' ? now : s);
      const en = t.endTime || (TERMINAL.has(t.status) ? t.updateTime || st : now);
      return html`<div key=${t.taskId} class=${'tl-row' + (t.taskId === selected ? ' sel' : '')} onClick=${() => open(t)}
          title=${`${t.referenceTaskName}: queue wait ${fmtDur(st - s)}, run ${t.startTime ? fmtDur(en - st) : 'not started'}`}>
        <span class="tl-label mono">${t.referenceTaskName}${t.retryCount ? html` <small>try ${t.retryCount + 1}</small>` : ''}</span>
        <span class="tl-track">
          ${st > s && html`<i class="tl-wait" style=${`left:${pct(s)};width:${wid(s, st)}`}></i>`}
          ${t.startTime && html`<i class=${'tl-run s-' + statusClass(t.status)} style=${`left:${pct(st)};width:${wid(st, en)}`}></i>`}
        </span></div>`;
    }} />
    <div class="legend"><span><i class="tl-wait sw"></i> queue wait (scheduled → started)</span><span><i class="tl-run s-ok sw"></i> run time (started → ended)</span></div>
  </div>`;
}

// ---------------------------------------------------------------- panels

function GroupPanel({ node, idx }) {
  const [filter, setFilter] = useState('');
  const items = node.refs.map((r) => idx.byRef.get(r) || { referenceTaskName: r, status: null }).filter((t) => !filter || t.status === filter);
  const counts = {};
  node.refs.forEach((r) => { const s = idx.byRef.get(r)?.status || 'SCHEDULED'; counts[s] = (counts[s] || 0) + 1; });
  return html`<aside class="panel" id="task-panel"><div class="row"><h2>${node.forkRef}: ${node.refs.length} branches</h2><span class="grow"></span>
      <button class="x" aria-label="close" onClick=${() => setQuery({ node: null, task: null }, { replace: true })}>×</button></div>
    <div class="row wrap">${Object.entries(counts).map(([s, c]) => html`<button key=${s} class=${filter === s ? 'chip on' : 'chip'} onClick=${() => setFilter(filter === s ? '' : s)}>${statusIcon(s)} ${c} ${s}</button>`)}</div>
    <${VirtualList} items=${items} rowHeight=${28} height=${Math.max(300, innerHeight - 330)} render=${(t) => html`
      <div key=${t.referenceTaskName} class="trow small" onClick=${() => t.taskId && setQuery({ task: t.taskId, node: null }, { replace: true })}>
        <span class="mono">${t.referenceTaskName}</span><${Status} status=${t.status} /></div>`} />
  </aside>`;
}

function NotRunPanel({ node, def, wf, setError, setNotice }) {
  const skip = () => api(`/workflow/${enc(wf.workflowId)}/skiptask/${enc(node.ref)}`, { method: 'PUT', body: {} })
    .then(() => setNotice(node.ref + ' will be skipped.')).catch(setError);
  return html`<aside class="panel" id="task-panel"><div class="row"><h2>${node.ref || node.label}</h2><span class="grow"></span>
      <button class="x" aria-label="close" onClick=${() => setQuery({ node: null, task: null }, { replace: true })}>×</button></div>
    <p class="muted">This task has not run in this execution.</p>
    ${wf.status === 'RUNNING' && node.ref && html`<button onClick=${skip}>Skip this task when it is reached</button>`}
    ${def && html`<h3>Definition</h3><${Json} value=${def} open=${1} />`}</aside>`;
}

function TaskPanel({ wf, task, idx, setError, setNotice }) {
  const [tab, setTab] = useState(task.status === 'SCHEDULED' ? 'waiting' : 'summary');
  const attempts = (idx.attempts.get(task.referenceTaskName) || []).slice().sort((a, b) => (a.retryCount || 0) - (b.retryCount || 0) || (a.seq || 0) - (b.seq || 0));
  const humanLike = (task.taskType === 'WAIT' || task.taskType === 'HUMAN') && (task.status === 'IN_PROGRESS' || task.status === 'SCHEDULED');
  const tabs = [['summary', 'Summary'], ['input', 'Input'], ['output', 'Output'], ['logs', 'Logs'], ['json', 'JSON'], ['definition', 'Definition'], ['poll', 'Poll data']];
  if (task.status === 'SCHEDULED') tabs.splice(1, 0, ['waiting', 'Why waiting?']);
  if (humanLike) tabs.splice(1, 0, ['complete', 'Complete']);
  const rerun = () => api(`/workflow/${enc(wf.workflowId)}/rerun`, { method: 'POST', body: { reRunFromWorkflowId: wf.workflowId, reRunFromTaskId: task.taskId } })
    .then(() => setNotice('Rerunning from ' + task.referenceTaskName + '.')).catch(setError);
  const wait = task.startTime && task.scheduledTime ? task.startTime - task.scheduledTime : null;
  return html`<aside class="panel" id="task-panel" data-task=${task.taskId}>
    <div class="row"><h2 class="mono">${task.referenceTaskName}</h2><span class="grow"></span>
      <button class="x" aria-label="close" onClick=${() => setQuery({ task: null, node: null }, { replace: true })}>×</button></div>
    <div class="row wrap"><${Status} status=${task.status} /><span class="muted">${task.taskType}${task.taskDefName && task.taskDefName !== task.taskType ? ' · ' + task.taskDefName : ''}</span>
      ${attempts.length > 1 && html`<label>attempt <select value=${task.taskId} onChange=${(e) => setQuery({ task: e.target.value }, { replace: true })}>
        ${attempts.map((a, i) => html`<option value=${a.taskId}>${i + 1} · ${a.status}</option>`)}</select></label>`}</div>
    ${task.subWorkflowId && html`<p><a class="button" href=${'/execution/' + task.subWorkflowId}>Open sub-workflow ↗</a></p>`}
    <${Tabs} tabs=${tabs} active=${tab} onChange=${setTab} />
    <div class="ptab">
    ${tab === 'summary' && html`<dl class="kv">
      <dt>Task id</dt><dd class="mono">${task.taskId}</dd>
      <dt>Scheduled</dt><dd>${fmtTime(task.scheduledTime)}</dd><dt>Started</dt><dd>${fmtTime(task.startTime)}</dd><dt>Ended</dt><dd>${fmtTime(task.endTime)}</dd>
      <dt>Queue wait</dt><dd>${fmtDur(wait)}</dd><dt>Run time</dt><dd>${task.startTime ? fmtDur((task.endTime || Date.now()) - task.startTime) : ''}</dd>
      <dt>Retry count</dt><dd>${task.retryCount || 0}</dd><dt>Poll count</dt><dd>${task.pollCount || 0}</dd>
      <dt>Worker</dt><dd class="mono">${task.workerId || ''}</dd><dt>Domain</dt><dd>${task.domain || '(none)'}</dd>
      ${task.callbackAfterSeconds ? html`<dt>Callback after</dt><dd>${task.callbackAfterSeconds} s</dd>` : ''}
      ${task.iteration ? html`<dt>Iteration</dt><dd>${task.iteration}</dd>` : ''}
      ${task.reasonForIncompletion && html`<dt>Reason</dt><dd class="bad">${task.reasonForIncompletion}</dd>`}
    </dl>
    ${TERMINAL.has(wf.status) && html`<button onClick=${rerun}>Rerun the workflow from this task</button>`}`}
    ${tab === 'waiting' && html`<${Waiting} task=${task} />`}
    ${tab === 'complete' && html`<${CompleteForm} wf=${wf} task=${task} setError=${setError} setNotice=${setNotice} />`}
    ${tab === 'input' && html`<${Json} value=${task.inputData || {}} open=${2} />`}
    ${tab === 'output' && html`<div id="task-output"><${Json} value=${task.outputData || {}} open=${2} /></div>`}
    ${tab === 'logs' && html`<${Logs} taskId=${task.taskId} />`}
    ${tab === 'json' && html`<${Json} value=${task} open=${1} />`}
    ${tab === 'definition' && html`<${Json} value=${task.workflowTask || {}} open=${2} />`}
    ${tab === 'poll' && html`<${PollData} taskType=${task.taskType} />`}
    </div>
  </aside>`;
}

function useFetch(path, deps) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => { api(path).then((data) => setState({ data, error: null })).catch((error) => setState({ data: null, error })); }, deps);
  return state;
}

function Logs({ taskId }) {
  const { data, error } = useFetch(`/tasks/${enc(taskId)}/log`, [taskId]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<div class="loading">Loading logs…</div>`;
  if (!data.length) return html`<p class="muted">No logs for this task.</p>`;
  return html`<ul class="logs">${data.map((l, i) => html`<li key=${i}><small>${fmtTime(l.createdTime)}</small> ${l.log}</li>`)}</ul>`;
}

function PollData({ taskType }) {
  const { data, error } = useFetch(`/tasks/queue/polldata${qs({ taskType })}`, [taskType]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<div class="loading">Loading…</div>`;
  if (!data.length) return html`<p class="warnbox">No worker has polled ${taskType} since the server started.</p>`;
  return html`<table class="grid"><thead><tr><th>Domain</th><th>Last worker</th><th>Last poll</th></tr></thead>
    <tbody>${data.map((p, i) => html`<tr key=${i}><td>${p.domain || '(none)'}</td><td class="mono">${p.workerId}</td><td>${fmtTime(p.lastPollTime)} (${ago(p.lastPollTime)})</td></tr>`)}</tbody></table>`;
}

function Waiting({ task }) {
  const { data, error } = useFetch(`/tasks/${enc(task.taskId)}/waiting`, [task.taskId, task.status]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<div class="loading">Asking the server…</div>`;
  const q = data.queue;
  return html`<div class="waiting" id="waiting">
    <ul class="reasons">${data.reasons.map((r) => html`<li key=${r.code} class=${'r-' + r.code}><b>${r.code.replace(/_/g, ' ').toLowerCase()}</b>: ${r.message}</li>`)}</ul>
    <dl class="kv">
      <dt>Queue</dt><dd class="mono">${q.name}</dd><dt>Queue size</dt><dd>${q.size}</dd>
      <dt>In queue</dt><dd>${q.inQueue ? (q.leased ? 'handed out' : `yes, ${q.ahead} ahead of it`) : 'no'}</dd>
      ${q.dueAt > data.now && html`<dt>Due at</dt><dd>${fmtTime(q.dueAt)} (${data.delay.cause})</dd>`}
      <dt>Last poll here</dt><dd>${data.polls.lastPollTime ? `${fmtTime(data.polls.lastPollTime)} by ${data.polls.workerId}` : 'never'}</dd>
      ${data.polls.domains.length > 0 && html`<dt>Polled in</dt><dd>${data.polls.domains.map((d) => (d.domain || '(no domain)') + ' ' + ago(d.lastPollTime, data.now)).join(', ')}</dd>`}
      ${data.limits.concurrentExecLimit > 0 && html`<dt>Concurrency</dt><dd>${data.limits.inProgress} of ${data.limits.concurrentExecLimit} in progress</dd>`}
      ${data.limits.rateLimitPerFrequency > 0 && html`<dt>Rate</dt><dd>${data.limits.startedInWindow} of ${data.limits.rateLimitPerFrequency} per ${data.limits.rateLimitFrequencyInSeconds} s</dd>`}
    </dl></div>`;
}

function CompleteForm({ wf, task, setError, setNotice }) {
  const [output, setOutput] = useState('{\n  \n}');
  const [reason, setReason] = useState('');
  const [parseError, setParseError] = useState(null);
  const send = (status) => {
    let out;
    try { out = JSON.parse(output || '{}'); } catch (e) { setParseError(e.message); return; }
    setParseError(null);
    api('/tasks', { method: 'POST', text: true, body: { workflowInstanceId: wf.workflowId, taskId: task.taskId, status, outputData: out, reasonForIncompletion: status === 'FAILED' ? reason : undefined } })
      .then(() => setNotice(`${task.referenceTaskName} ${status.toLowerCase()}.`)).catch(setError);
  };
  return html`<div class="complete">
    <label>Output (JSON)<textarea class="mono" rows="8" name="task-output" value=${output} onInput=${(e) => setOutput(e.target.value)} /></label>
    ${parseError && html`<div class="error">${parseError}</div>`}
    <label>Reason (when failing)<input value=${reason} onInput=${(e) => setReason(e.target.value)} /></label>
    <div class="row"><button class="primary" id="complete-task" onClick=${() => send('COMPLETED')}>Complete</button>
      <button class="danger" onClick=${() => send('FAILED')}>Fail</button></div></div>`;
}
