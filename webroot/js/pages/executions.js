// Executions (home): workflow search with Conductor's filters, server-side paging and sort, live
// row updates and a "new executions" notice, bulk actions on the selection or on everything
// matching; a tab searches tasks.
import { html, useState, useEffect, useRef, useMemo } from '../lib.js';
import { api, qs, enc } from '../api.js';
import { useLocation, setQuery } from '../router.js';
import { live } from '../live.js';
import { Status, fmtTime, fmtDur, ErrorBox, Tabs, TERMINAL, ms } from '../util.js';
import { BulkResult, useDialog } from '../components.js';

const STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED', 'PAUSED'];
const TASK_STATUSES = ['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED', 'SKIPPED'];
const BATCH = 1000;

const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const toMs = (local) => (local ? new Date(local).getTime() : null);
const quote = (v) => (/[\s,()]/.test(v) ? `"${v}"` : v);

function buildQuery(f, task) {
  const c = [];
  const names = list(f.names);
  if (names.length) c.push(`${task ? 'taskType' : 'workflowType'} IN (${names.map(quote).join(',')})`);
  const st = list(f.status);
  if (st.length) c.push(`status IN (${st.join(',')})`);
  const field = task ? 'updateTime' : 'startTime';
  if (toMs(f.from)) c.push(`${field}>${toMs(f.from)}`);
  if (toMs(f.to)) c.push(`${field}<${toMs(f.to)}`);
  if (f.corr) c.push(`correlationId=${quote(f.corr)}`);
  if (f.wfid) c.push(`${task ? 'taskId' : 'workflowId'}=${quote(f.wfid)}`);
  return c.join(' AND ');
}

function readFilters(q) {
  const get = (k, d = '') => q.get(k) ?? d;
  return {
    names: get('names'), status: get('status'), from: get('from'), to: get('to'), corr: get('corr'), wfid: get('wfid'),
    q: get('q'), start: +get('start', '0') || 0, size: +get('size', '25') || 25, sort: get('sort', 'startTime:DESC'), tab: get('tab', 'workflows'),
  };
}

export function ExecutionsPage() {
  const loc = useLocation();
  const f = readFilters(loc.query);
  return html`<div class="page">
    <div class="row"><h1>Executions</h1><span class="grow"></span><a class="button primary" href="/run">▶ Run a workflow</a></div>
    <${Tabs} tabs=${[['workflows', 'Workflows'], ['tasks', 'Tasks']]} active=${f.tab}
      onChange=${(t) => setQuery({ tab: t === 'workflows' ? null : t, start: null, status: null, names: null, wfid: null, sort: null })} />
    ${f.tab === 'tasks' ? html`<${Search} key="t" f=${f} task=${true} />` : html`<${Search} key="w" f=${f} task=${false} />`}
  </div>`;
}

function Filters({ f, task, names }) {
  const [draft, setDraft] = useState(f);
  useEffect(() => setDraft(f), [f.names, f.status, f.from, f.to, f.corr, f.wfid, f.q]);
  const search = useRef(null);
  useEffect(() => {
    const onKey = (e) => {
      if (e.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
        e.preventDefault();
        search.current && search.current.focus();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.target.value });
  const statuses = list(draft.status);
  const toggle = (s) => setDraft({ ...draft, status: (statuses.includes(s) ? statuses.filter((x) => x !== s) : [...statuses, s]).join(',') });
  const apply = (e) => {
    e.preventDefault();
    setQuery({ names: draft.names, status: draft.status, from: draft.from, to: draft.to, corr: draft.corr, wfid: draft.wfid, q: draft.q, start: null });
  };
  const reset = () => setQuery({ names: null, status: null, from: null, to: null, corr: null, wfid: null, q: null, start: null });
  return html`<form class="filters" onSubmit=${apply}>
    <label class="wide">Free text <input ref=${search} name="q" placeholder="search… (press / to focus)" value=${draft.q} onInput=${set('q')} /></label>
    <label>${task ? 'Task types' : 'Workflow names'} <input name="names" list="wf-names" placeholder="comma separated" value=${draft.names} onInput=${set('names')} />
      <datalist id="wf-names">${names.map((n) => html`<option value=${n} />`)}</datalist></label>
    <label>${task ? 'Task id' : 'Workflow id'} <input name="wfid" value=${draft.wfid} onInput=${set('wfid')} /></label>
    ${!task && html`<label>Correlation id <input name="corr" value=${draft.corr} onInput=${set('corr')} /></label>`}
    <label>${task ? 'Updated' : 'Started'} from <input type="datetime-local" name="from" value=${draft.from} onInput=${set('from')} /></label>
    <label>to <input type="datetime-local" name="to" value=${draft.to} onInput=${set('to')} /></label>
    <fieldset class="statuses"><legend>Status</legend>
      ${(task ? TASK_STATUSES : STATUSES).map((s) => html`<label class="chip"><input type="checkbox" name=${'st-' + s} checked=${statuses.includes(s)} onChange=${() => toggle(s)} /> ${s}</label>`)}
    </fieldset>
    <div class="row"><button class="primary" type="submit" id="search-btn">Search</button><button type="button" onClick=${reset}>Reset</button></div>
  </form>`;
}

function Search({ f, task }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);
  const [names, setNames] = useState([]);
  const [selected, setSelected] = useState(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [fresh, setFresh] = useState(0);
  const [bulk, setBulk] = useState(null);
  const [dialog, ask] = useDialog();
  const query = buildQuery(f, task);
  const key = [query, f.q, f.start, f.size, f.sort].join('|');
  const rowsRef = useRef(new Map());
  const seq = useRef(0);

  const load = () => {
    const my = ++seq.current;
    setLoading(true);
    const path = task ? '/tasks/search' : '/workflow/search';
    return api(path + qs({ start: f.start, size: f.size, sort: f.sort, freeText: f.q || '*', query }))
      .then((r) => {
        if (my !== seq.current) return;
        setData(r);
        setError(null);
        setFresh(0);
        rowsRef.current = new Map((r.results || []).map((x) => [task ? x.taskId : x.workflowId, x]));
      })
      .catch((e) => my === seq.current && setError(e))
      .finally(() => my === seq.current && setLoading(false));
  };
  useEffect(() => { load(); setSelected(new Set()); setAllMatching(false); }, [key]);
  useEffect(() => {
    api(task ? '/metadata/taskdefs' : '/metadata/workflow/names')
      .then((r) => setNames(task ? r.map((d) => d.name) : r)).catch(() => {});
  }, [task]);

  // live: patch rows in view (coalesced), count new matching executions, reload after a resync
  useEffect(() => {
    if (task) return undefined;
    const wanted = list(f.names);
    const st = list(f.status);
    const params = { topic: 'workflows' };
    if (wanted.length === 1) params.workflowType = wanted[0];
    if (st.length) params.status = st;
    const pending = new Map();
    const counted = new Set();
    let timer = null;
    let subscribedOnce = false;
    const flush = () => {
      timer = null;
      let changed = false;
      let added = 0;
      for (const [id, ev] of pending) {
        const row = rowsRef.current.get(id);
        if (row) {
          rowsRef.current.set(id, { ...row, status: ev.status, updateTime: ev.updateTime || row.updateTime, endTime: TERMINAL.has(ev.status) ? (ev.updateTime || row.endTime) : row.endTime,
            reasonForIncompletion: ev.reasonForIncompletion ?? row.reasonForIncompletion });
          changed = true;
        } else if (ev.status === 'RUNNING' && !counted.has(id) && (!wanted.length || wanted.includes(ev.workflowType))
            && (!f.corr || ev.correlationId === f.corr) && (!f.wfid || id === f.wfid) && !f.q) {
          // a new execution this search would show (free text cannot be judged here)
          counted.add(id);
          added++;
        }
      }
      pending.clear();
      if (changed) setData((d) => d && { ...d, results: d.results.map((r) => rowsRef.current.get(r.workflowId) || r) });
      if (added) setFresh((n) => n + added);
    };
    return live.subscribe(params, (m) => {
      if (m.type === 'workflow') {
        pending.set(m.workflowId, m);
        if (!timer) timer = setTimeout(flush, 250);
      } else if (m.type === 'resync' || (m.type === 'subscribed' && subscribedOnce)) {
        load();
      }
      if (m.type === 'subscribed') subscribedOnce = true;
    });
  }, [key, task]);

  const rows = data ? data.results || [] : [];
  const total = data ? data.totalHits || 0 : 0;
  const idOf = (r) => (task ? r.taskId : r.workflowId);
  const toggle = (id) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id); else s.add(id);
    setSelected(s);
    setAllMatching(false);
  };
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(idOf(r)));
  const sortBy = (field) => {
    const [cur, dir] = f.sort.split(':');
    setQuery({ sort: field + ':' + (cur === field && dir === 'DESC' ? 'ASC' : 'DESC'), start: null });
  };
  const th = (field, label) => {
    const [cur, dir] = f.sort.split(':');
    return html`<th class="sortable" aria-sort=${cur === field ? (dir === 'DESC' ? 'descending' : 'ascending') : 'none'} onClick=${() => sortBy(field)}>
      ${label}${cur === field ? (dir === 'DESC' ? ' ↓' : ' ↑') : ''}</th>`;
  };

  async function matchingIds() {
    const ids = [];
    for (let start = 0; start < total; start += BATCH) {
      const r = await api('/workflow/search' + qs({ start, size: BATCH, sort: 'startTime:ASC', freeText: f.q || '*', query }));
      for (const x of r.results || []) ids.push(x.workflowId);
      if (!r.results || r.results.length < BATCH) break;
    }
    return [...new Set(ids)];
  }

  async function runBulk(action) {
    const defs = {
      pause: ['PUT', '/workflow/bulk/pause', 'Pause'], resume: ['PUT', '/workflow/bulk/resume', 'Resume'],
      restart: ['POST', '/workflow/bulk/restart', 'Restart'], restartLatest: ['POST', '/workflow/bulk/restart?useLatestDefinitions=true', 'Restart (latest definitions)'],
      retry: ['POST', '/workflow/bulk/retry', 'Retry'], terminate: ['POST', '/workflow/bulk/terminate', 'Terminate'], remove: ['DELETE', '/workflow/bulk/remove', 'Remove'],
    };
    const [method, path, label] = defs[action];
    const count = allMatching ? total : selected.size;
    let suffix = '';
    if (action === 'terminate') {
      const reason = await ask({ title: `Terminate ${count} executions`, field: { label: 'Reason', value: 'terminated from the dashboard' }, confirm: 'Terminate', danger: true });
      if (reason === null) return;
      suffix = '?reason=' + enc(reason);
    } else if (action === 'remove') {
      const ok = await ask({ title: `Remove ${count} executions`, body: 'Removed executions are deleted for good, with their tasks.', confirm: 'Remove', danger: true });
      if (ok === null) return;
    }
    const result = { action: label, ok: [], failed: {}, total: 0, done: 0 };
    setBulk({ ...result });
    try {
      const ids = allMatching ? await matchingIds() : [...selected];
      result.total = ids.length;
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        try {
          const r = await api(path + suffix, { method, body: batch });
          result.ok.push(...(r.bulkSuccessfulResults || []));
          Object.assign(result.failed, r.bulkErrorResults || {});
        } catch (e) {
          batch.forEach((id) => { result.failed[id] = e.message; });
        }
        result.done = Math.min(ids.length, i + BATCH);
        setBulk({ ...result });
      }
    } catch (e) {
      setError(e);
    }
    setSelected(new Set());
    setAllMatching(false);
    load();
  }

  const count = allMatching ? total : selected.size;
  return html`<div>
    <${Filters} f=${f} task=${task} names=${names} />
    <${ErrorBox} error=${error} onClose=${() => setError(null)} />
    <${BulkResult} result=${bulk} onClose=${() => setBulk(null)} />
    ${dialog}
    <div class="row listbar">
      <span><b>${total}</b> ${task ? 'tasks' : 'executions'}${loading ? ' · loading…' : ''}</span>
      ${fresh > 0 && html`<button class="notice" id="new-executions" onClick=${() => (f.start ? setQuery({ start: null }) : load())}>${fresh} new matching execution${fresh > 1 ? 's' : ''} — show</button>`}
      <span class="grow"></span>
      ${!task && count > 0 && html`<span class="bulk" role="toolbar" aria-label="bulk actions">
        <span>${count} selected</span>
        <button onClick=${() => runBulk('pause')}>Pause</button>
        <button onClick=${() => runBulk('resume')}>Resume</button>
        <button onClick=${() => runBulk('restart')}>Restart</button>
        <button onClick=${() => runBulk('restartLatest')} title="restart with the latest definitions">Restart (latest)</button>
        <button onClick=${() => runBulk('retry')}>Retry</button>
        <button class="danger" id="bulk-terminate" onClick=${() => runBulk('terminate')}>Terminate…</button>
        <button class="danger" onClick=${() => runBulk('remove')}>Remove…</button></span>`}
    </div>
    ${!task && allOnPage && total > rows.length && html`<div class="selectall">
      ${allMatching ? html`All <b>${total}</b> matching executions are selected. <button class="link" onClick=${() => setAllMatching(false)}>Select only this page</button>`
        : html`The ${rows.length} executions on this page are selected. <button class="link" id="select-all-matching" onClick=${() => setAllMatching(true)}>Select all ${total} matching</button>`}</div>`}
    <div class="tablewrap"><table class="grid" id=${task ? 'task-results' : 'results'}>
      <thead><tr>
        ${!task && html`<th class="cb"><input type="checkbox" aria-label="select page" checked=${allOnPage}
          onChange=${() => { setSelected(allOnPage ? new Set() : new Set(rows.map(idOf))); setAllMatching(false); }} /></th>`}
        ${task ? html`${th('taskType', 'Task type')}<th>Reference</th><th>Workflow</th>${th('status', 'Status')}${th('scheduledTime', 'Scheduled')}${th('startTime', 'Started')}<th>Queue wait</th><th>Run time</th><th>Worker</th>`
          : html`${th('workflowType', 'Workflow')}<th>Ver.</th>${th('workflowId', 'Workflow id')}<th>Correlation id</th>${th('status', 'Status')}${th('startTime', 'Started')}${th('updateTime', 'Updated')}<th>Duration</th><th>Reason</th>`}
      </tr></thead>
      <tbody>${rows.map((r) => (task ? TaskRow(r) : WorkflowRow(r, selected.has(r.workflowId), toggle)))}</tbody>
    </table>
    ${rows.length === 0 && !loading && html`<div class="empty">No ${task ? 'tasks' : 'executions'} match.</div>`}</div>
    <${Pager} f=${f} total=${total} />
  </div>`;
}

const rowKeys = (e) => {
  const tr = e.currentTarget;
  if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); tr.nextElementSibling && tr.nextElementSibling.focus(); }
  if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); tr.previousElementSibling && tr.previousElementSibling.focus(); }
  if (e.key === 'Enter') { const a = tr.querySelector('a.open'); a && a.click(); }
};

function WorkflowRow(r, checked, toggle) {
  const end = ms(r.endTime) || (TERMINAL.has(r.status) ? ms(r.updateTime) : 0);
  return html`<tr key=${r.workflowId} tabindex="0" onKeyDown=${rowKeys} class=${checked ? 'selrow' : ''} data-id=${r.workflowId}>
    <td class="cb"><input type="checkbox" aria-label=${'select ' + r.workflowId} checked=${checked} onChange=${() => toggle(r.workflowId)} /></td>
    <td><a href=${'/workflowDef/' + enc(r.workflowType)}>${r.workflowType}</a></td>
    <td>${r.version}</td>
    <td class="mono"><a class="open" href=${'/execution/' + r.workflowId}>${r.workflowId}</a></td>
    <td class="mono">${r.correlationId || ''}</td>
    <td><${Status} status=${r.status} /></td>
    <td class="nowrap">${fmtTime(r.startTime)}</td>
    <td class="nowrap">${fmtTime(r.updateTime)}</td>
    <td class="nowrap">${fmtDur((end || Date.now()) - ms(r.startTime))}</td>
    <td class="reason" title=${r.reasonForIncompletion || ''}>${r.reasonForIncompletion || ''}</td>
  </tr>`;
}

function TaskRow(t) {
  const wait = ms(t.startTime) && ms(t.scheduledTime) ? ms(t.startTime) - ms(t.scheduledTime) : null;
  const runTime = ms(t.endTime) && ms(t.startTime) ? ms(t.endTime) - ms(t.startTime) : null;
  return html`<tr key=${t.taskId} tabindex="0" onKeyDown=${rowKeys}>
    <td>${t.taskType}</td><td class="mono">${t.referenceTaskName || ''}</td>
    <td class="mono"><a class="open" href=${'/execution/' + t.workflowId + '?task=' + enc(t.taskId)}>${t.workflowId}</a></td>
    <td><${Status} status=${t.status} /></td>
    <td class="nowrap">${fmtTime(t.scheduledTime)}</td><td class="nowrap">${fmtTime(t.startTime)}</td>
    <td>${fmtDur(wait)}</td><td>${fmtDur(runTime)}</td><td class="mono">${t.workerId || ''}</td>
  </tr>`;
}

function Pager({ f, total }) {
  const pages = Math.max(1, Math.ceil(total / f.size));
  const page = Math.floor(f.start / f.size) + 1;
  return html`<div class="row pager">
    <button disabled=${page <= 1} onClick=${() => setQuery({ start: Math.max(0, f.start - f.size) || null })}>← Previous</button>
    <span>page ${page} of ${pages}</span>
    <button disabled=${page >= pages} id="next-page" onClick=${() => setQuery({ start: f.start + f.size })}>Next →</button>
    <label>Rows <select value=${f.size} onChange=${(e) => setQuery({ size: e.target.value === '25' ? null : e.target.value, start: null })}>
      ${[15, 25, 50, 100].map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
  </div>`;
}
