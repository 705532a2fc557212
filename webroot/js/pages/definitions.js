// Definitions: workflow definitions (every version), task definitions and event handlers; list,
// view, edit as JSON beside a live diagram, validated by the server, versions and their diff.
import { html, useState, useEffect, useMemo } from '../lib.js';
import { api, enc, qs } from '../api.js';
import { navigate, useLocation, setQuery } from '../router.js';
import { ErrorBox, Tabs, fmtTime, pretty } from '../util.js';
import { useDialog } from '../components.js';
import { JsonEditor, jsonLines, lineOf, parseErrorLine, goToLine, scrollToLine, Diff, useDebounced } from '../editor.js';
import { Graph } from '../graph/graph.js';
import { layout as computeLayout } from '../graph/layout.js';

const KINDS = [['workflowDefs', 'Workflows'], ['taskDefs', 'Tasks'], ['eventHandlerDefs', 'Event handlers']];

export function DefinitionsPage({ kind }) {
  const loc = useLocation();
  const filter = loc.query.get('filter') || '';
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setRows(null);
    const path = kind === 'taskDefs' ? '/metadata/taskdefs' : kind === 'eventHandlerDefs' ? '/event' : '/metadata/workflow';
    api(path).then(setRows).catch(setError);
  }, [kind]);
  const f = filter.toLowerCase();
  const match = (...xs) => !f || xs.some((x) => x && String(x).toLowerCase().includes(f));
  let body = html`<div class="loading">Loading…</div>`;
  if (rows && kind === 'workflowDefs') {
    const byName = new Map();
    for (const d of rows) {
      const e = byName.get(d.name);
      if (!e) byName.set(d.name, { latest: d, versions: [d.version] });
      else { e.versions.push(d.version); if (d.version > e.latest.version) e.latest = d; }
    }
    const list = [...byName.values()].filter((e) => match(e.latest.name, e.latest.description)).sort((a, b) => a.latest.name.localeCompare(b.latest.name));
    body = html`<table class="grid" id="defs"><thead><tr><th>Name</th><th>Description</th><th>Latest</th><th>Versions</th><th>Tasks</th><th>Updated</th><th></th></tr></thead>
      <tbody>${list.map(({ latest: d, versions }) => html`<tr key=${d.name}>
        <td><a href=${'/workflowDef/' + enc(d.name)}>${d.name}</a></td><td class="reason">${d.description || ''}</td><td>${d.version}</td>
        <td>${versions.sort((a, b) => a - b).map((v) => html`<a key=${v} class="ver" href=${'/workflowDef/' + enc(d.name) + '/' + v}>${v}</a>`)}</td>
        <td>${(d.tasks || []).length}</td><td>${fmtTime(d.updateTime || d.createTime)}</td>
        <td class="nowrap"><a href=${'/?names=' + enc(d.name)}>executions</a> · <a href=${'/run?name=' + enc(d.name) + '&version=' + d.version}>run</a></td></tr>`)}</tbody></table>`;
  } else if (rows && kind === 'taskDefs') {
    body = html`<table class="grid" id="defs"><thead><tr><th>Name</th><th>Description</th><th>Retries</th><th>Timeout</th><th>Response timeout</th><th>Limits</th><th>Owner</th></tr></thead>
      <tbody>${rows.filter((d) => match(d.name, d.description)).sort((a, b) => a.name.localeCompare(b.name)).map((d) => html`<tr key=${d.name}>
        <td><a href=${'/taskDef/' + enc(d.name)}>${d.name}</a></td><td class="reason">${d.description || ''}</td><td>${d.retryCount} (${d.retryLogic}, ${d.retryDelaySeconds} s)</td>
        <td>${d.timeoutSeconds} s</td><td>${d.responseTimeoutSeconds} s</td>
        <td>${d.concurrentExecLimit ? 'max ' + d.concurrentExecLimit + ' at once ' : ''}${d.rateLimitPerFrequency ? d.rateLimitPerFrequency + ' per ' + d.rateLimitFrequencyInSeconds + ' s' : ''}</td>
        <td>${d.ownerEmail || ''}</td></tr>`)}</tbody></table>`;
  } else if (rows) {
    body = html`<table class="grid" id="defs"><thead><tr><th>Name</th><th>Event</th><th>Active</th><th>Actions</th><th>Condition</th></tr></thead>
      <tbody>${rows.filter((d) => match(d.name, d.event)).map((d) => html`<tr key=${d.name}>
        <td><a href=${'/eventHandlerDef/' + enc(d.name)}>${d.name}</a></td><td class="mono">${d.event}</td><td>${d.active ? 'yes' : 'no'}</td>
        <td>${(d.actions || []).map((a) => a.action).join(', ')}</td><td class="mono reason">${d.condition || ''}</td></tr>`)}</tbody></table>`;
  }
  const newHref = kind === 'taskDefs' ? '/taskDef' : kind === 'eventHandlerDefs' ? '/eventHandlerDef' : '/workflowDef';
  return html`<div class="page">
    <div class="row"><h1>Definitions</h1><span class="grow"></span><a class="button primary" href=${newHref}>+ New</a></div>
    <${Tabs} tabs=${KINDS} active=${kind} onChange=${(k) => navigate('/' + k)} />
    <div class="row"><input class="filter" name="filter" placeholder="filter by name" value=${filter} onInput=${(e) => setQuery({ filter: e.target.value }, { replace: true })} /></div>
    <${ErrorBox} error=${error} /><div class="tablewrap">${body}</div></div>`;
}

const NEW_WORKFLOW = { name: 'new_workflow', description: '', version: 1, schemaVersion: 2, ownerEmail: 'someone@example.com',
  inputParameters: [], tasks: [{ name: 'first_task', taskReferenceName: 'first', type: 'SIMPLE', inputParameters: {} }], outputParameters: {}, timeoutSeconds: 0 };

/** Violations as line → message for the editor, plus the list. */
function violationMarks(text, body) {
  const lines = jsonLines(text);
  const items = (body && body.validationErrors) || [];
  const marks = new Map();
  const list = items.map((v) => {
    const line = lineOf(lines, v.path);
    if (line) marks.set(line, (marks.get(line) ? marks.get(line) + '; ' : '') + v.message);
    return { ...v, line };
  });
  return { marks, list };
}

function Problems({ problems, name }) {
  if (!problems || !problems.list.length) return null;
  return html`<ul class="problems" id="problems" role="alert">${problems.list.map((p, i) => html`<li key=${i}>
    ${p.line ? html`<button class="link" onClick=${() => goToLine(p.line, name)}>line ${p.line}</button>` : ''} <span class="mono">${p.path || ''}</span> ${p.message}</li>`)}</ul>`;
}

export function WorkflowDefPage({ name, version }) {
  const isNew = !name;
  const loc = useLocation();
  const diffWith = loc.query.get('diff');
  const [orig, setOrig] = useState(isNew ? NEW_WORKFLOW : null);
  const [text, setText] = useState(isNew ? pretty(NEW_WORKFLOW) : '');
  const [parsed, setParsed] = useState(isNew ? NEW_WORKFLOW : null);
  const [parseError, setParseError] = useState(null);
  const [versions, setVersions] = useState([]);
  const [problems, setProblems] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [other, setOther] = useState(null);
  const [dialog, ask] = useDialog();
  // a big definition's text takes the browser a while to lay out: its diagram paints first
  const [editorShown, setEditorShown] = useState(false);
  useEffect(() => {
    if (!text || editorShown) return;
    if (text.length < 200000) { setEditorShown(true); return; }
    requestAnimationFrame(() => setTimeout(() => setEditorShown(true), 0));
  }, [text]);

  useEffect(() => {
    if (isNew) return;
    api(`/metadata/workflow/${enc(name)}${qs({ version })}`).then((d) => { setOrig(d); setText(pretty(d)); setParsed(d); }).catch(setError);
    api('/metadata/workflow').then((all) => setVersions(all.filter((d) => d.name === name).map((d) => d.version).sort((a, b) => a - b))).catch(() => {});
  }, [name, version]);
  useEffect(() => {
    if (!diffWith) { setOther(null); return; }
    api(`/metadata/workflow/${enc(name)}${qs({ version: diffWith })}`).then(setOther).catch(setError);
  }, [name, diffWith]);

  const reparse = useDebounced((t) => {
    try {
      setParsed(JSON.parse(t));
      setParseError(null);
    } catch (e) {
      setParseError({ message: e.message, line: parseErrorLine(t, e.message) });
    }
  }, 250);
  const onInput = (t) => { setText(t); reparse(t); };
  const graph = useMemo(() => (parsed && Array.isArray(parsed.tasks) ? computeLayout(parsed.tasks) : null), [parsed]);

  const body = () => {
    try { return JSON.parse(text); } catch (e) { setParseError({ message: e.message, line: parseErrorLine(text, e.message) }); return null; }
  };
  const fail = (e) => {
    setError(e);
    const p = e.body && e.body.validationErrors ? violationMarks(text, e.body) : null;
    setProblems(p);
    const first = p && p.list.find((x) => x.line);
    if (first) setTimeout(() => scrollToLine(first.line), 0);
  };
  const validate = async () => {
    const d = body();
    if (!d) return;
    try {
      await api('/metadata/workflow/validate', { method: 'POST', body: d });
      setProblems(null); setError(null); setNotice('The server finds this definition valid.');
    } catch (e) { setNotice(null); fail(e); }
  };
  const save = async (asNew) => {
    const d = body();
    if (!d) return;
    try {
      if (asNew) {
        d.version = Math.max(d.version || 0, ...versions) + 1;
        await api('/metadata/workflow', { method: 'POST', body: d });
      } else if (isNew) {
        await api('/metadata/workflow', { method: 'POST', body: d });
      } else {
        await api('/metadata/workflow', { method: 'PUT', body: [d] });
      }
      setProblems(null); setError(null);
      setNotice(`Saved ${d.name} version ${d.version}.`);
      navigate(`/workflowDef/${enc(d.name)}/${d.version}`, { replace: true });
      if (!isNew && d.name === name && String(d.version) === String(version)) { setOrig(d); }
      api('/metadata/workflow').then((all) => setVersions(all.filter((x) => x.name === d.name).map((x) => x.version).sort((a, b) => a - b))).catch(() => {});
    } catch (e) { setNotice(null); fail(e); }
  };
  const remove = async () => {
    const ok = await ask({ title: `Delete ${name} version ${orig.version}`, body: 'Executions already started keep their copy of the definition.', confirm: 'Delete', danger: true });
    if (ok === null) return;
    api(`/metadata/workflow/${enc(name)}/${orig.version}`, { method: 'DELETE' }).then(() => navigate('/workflowDefs')).catch(setError);
  };

  const marks = new Map(problems ? problems.marks : []);
  if (parseError && parseError.line) marks.set(parseError.line, parseError.message);
  const origText = useMemo(() => (orig ? pretty(orig) : ''), [orig]);
  const dirty = orig && text !== origText;
  return html`<div class="page defpage">
    ${dialog}
    <div class="row">
      <h1>${isNew ? 'New workflow definition' : name} ${orig && !isNew ? html`<small>v${orig.version}</small>` : ''}</h1>
      ${versions.length > 1 && html`<label>version <select name="version" value=${orig ? orig.version : ''} onChange=${(e) => navigate(`/workflowDef/${enc(name)}/${e.target.value}`)}>
        ${versions.map((v) => html`<option value=${v}>${v}</option>`)}</select></label>`}
      ${versions.length > 1 && html`<label>diff with <select name="diff" value=${diffWith || ''} onChange=${(e) => setQuery({ diff: e.target.value || null })}>
        <option value="">—</option>${versions.filter((v) => !orig || v !== orig.version).map((v) => html`<option value=${v}>v${v}</option>`)}</select></label>`}
      <span class="grow"></span>
      ${!isNew && html`<a class="button" href=${'/?names=' + enc(name)}>Executions</a><a class="button" href=${'/run?name=' + enc(name) + (orig ? '&version=' + orig.version : '')}>▶ Run</a>`}
    </div>
    <${ErrorBox} error=${error} onClose=${() => setError(null)} />
    ${notice && html`<div class="info" role="status">${notice}</div>`}
    ${diffWith && other && orig ? html`<div><p>Changes from v${other.version} to v${orig.version}:</p><${Diff} a=${pretty(other)} b=${pretty(orig)} /></div>` : html`
    <div class="editgrid">
      <div>
        ${editorShown ? html`<${JsonEditor} value=${text} onInput=${onInput} marks=${marks} />` : html`<div class="editor loading">Opening the editor…</div>`}
        ${parseError && html`<div class="error" id="parse-error">JSON: ${parseError.message}</div>`}
        <${Problems} problems=${problems} name="json-editor" />
        <div class="row">
          <button id="validate" onClick=${validate}>Validate</button>
          <button class="primary" id="save" onClick=${() => save(false)} disabled=${!isNew && !dirty}>${isNew ? 'Create' : 'Save'}</button>
          ${!isNew && html`<button id="save-new" onClick=${() => save(true)}>Save as new version</button>`}
          ${dirty && html`<button onClick=${() => { setText(origText); setParsed(orig); setParseError(null); setProblems(null); }}>Reset</button>`}
          <span class="grow"></span>
          ${!isNew && html`<button class="danger" onClick=${remove}>Delete version…</button>`}
        </div>
      </div>
      <div class="preview">${graph ? html`<${Graph} layout=${graph} statusOf=${() => null} selected=${null} onSelect=${(n) => {
        const lines = jsonLines(text);
        for (const [p, l] of lines) if (p.endsWith('taskReferenceName') && text.split('\n')[l - 1].includes('"' + n.ref + '"')) { goToLine(l); break; }
      }} height=${Math.max(420, innerHeight - 300)} />` : html`<div class="muted">The diagram appears when the JSON has a tasks list.</div>`}</div>
    </div>`}
  </div>`;
}

function JsonDefPage({ title, load, save, remove, listHref, blank, nameOf, hrefOf }) {
  const [orig, setOrig] = useState(null);
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [problems, setProblems] = useState(null);
  const [notice, setNotice] = useState(null);
  const [dialog, ask] = useDialog();
  useEffect(() => {
    if (!load) { setOrig(blank); setText(pretty(blank)); return; }
    load().then((d) => { setOrig(d); setText(pretty(d)); }).catch(setError);
  }, []);
  const doSave = async () => {
    let d;
    try { d = JSON.parse(text); } catch (e) { setError({ message: 'JSON: ' + e.message }); return; }
    try {
      await save(d, !load);
      setError(null); setProblems(null); setNotice('Saved.');
      if (!load) navigate(hrefOf(d), { replace: true });
    } catch (e) {
      setError(e);
      setProblems(e.body && e.body.validationErrors ? violationMarks(text, e.body) : null);
    }
  };
  const doRemove = async () => {
    const ok = await ask({ title: `Delete ${nameOf(orig)}`, confirm: 'Delete', danger: true });
    if (ok !== null) remove().then(() => navigate(listHref)).catch(setError);
  };
  return html`<div class="page">${dialog}
    <div class="row"><h1>${title}</h1><span class="grow"></span><a href=${listHref}>all definitions</a></div>
    <${ErrorBox} error=${error} onClose=${() => setError(null)} />
    ${notice && html`<div class="info" role="status">${notice}</div>`}
    ${orig && html`<${JsonEditor} value=${text} onInput=${setText} marks=${problems ? problems.marks : new Map()} />
      <${Problems} problems=${problems} name="json-editor" />
      <div class="row"><button class="primary" id="save" onClick=${doSave}>${load ? 'Save' : 'Create'}</button>
        <span class="grow"></span>${load && html`<button class="danger" onClick=${doRemove}>Delete…</button>`}</div>`}
  </div>`;
}

export function TaskDefPage({ name }) {
  return html`<${JsonDefPage} title=${name ? 'Task ' + name : 'New task definition'} listHref="/taskDefs"
    blank=${{ name: 'new_task', description: '', retryCount: 3, retryLogic: 'FIXED', retryDelaySeconds: 60, timeoutSeconds: 3600, timeoutPolicy: 'TIME_OUT_WF',
      responseTimeoutSeconds: 600, ownerEmail: 'someone@example.com', inputKeys: [], outputKeys: [] }}
    load=${name ? () => api('/metadata/taskdefs/' + enc(name)) : null}
    save=${(d, create) => (create ? api('/metadata/taskdefs', { method: 'POST', body: [d] }) : api('/metadata/taskdefs', { method: 'PUT', body: d }))}
    remove=${() => api('/metadata/taskdefs/' + enc(name), { method: 'DELETE' })}
    nameOf=${(d) => d && d.name} hrefOf=${(d) => '/taskDef/' + enc(d.name)} />`;
}

export function EventHandlerPage({ name }) {
  return html`<${JsonDefPage} title=${name ? 'Event handler ' + name : 'New event handler'} listHref="/eventHandlerDefs"
    blank=${{ name: 'new_handler', event: 'conductor:some_workflow:some_event', condition: '', active: true,
      actions: [{ action: 'start_workflow', start_workflow: { name: 'some_workflow', input: {} } }] }}
    load=${name ? () => api('/event').then((all) => {
      const h = all.find((x) => x.name === name);
      if (!h) throw Object.assign(new Error('No event handler named ' + name), { status: 404 });
      return h;
    }) : null}
    save=${(d, create) => api('/event', { method: create ? 'POST' : 'PUT', body: d })}
    remove=${() => api('/event/' + enc(name), { method: 'DELETE' })}
    nameOf=${(d) => d && d.name} hrefOf=${(d) => '/eventHandlerDef/' + enc(d.name)} />`;
}
