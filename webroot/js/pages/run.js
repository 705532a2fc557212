// Run a workflow: definition and version, input prefilled from its inputParameters, correlation
// id, priority and taskToDomain; then straight to the new execution.
import { html, useState, useEffect } from '../lib.js';
import { api, enc, qs } from '../api.js';
import { navigate, useLocation } from '../router.js';
import { ErrorBox, pretty } from '../util.js';

export function RunPage() {
  const loc = useLocation();
  const [defs, setDefs] = useState(null);
  const [name, setName] = useState(loc.query.get('name') || '');
  const [version, setVersion] = useState(loc.query.get('version') || '');
  const [input, setInput] = useState('{}');
  const [corr, setCorr] = useState('');
  const [priority, setPriority] = useState(0);
  const [domains, setDomains] = useState('{}');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => { api('/metadata/workflow/names-and-versions').then(setDefs).catch(setError); }, []);
  const versions = defs && name && defs[name] ? defs[name].map((v) => v.version).sort((a, b) => b - a) : [];
  useEffect(() => {
    if (!name || !defs || !defs[name]) return;
    api(`/metadata/workflow/${enc(name)}${qs({ version })}`).then((d) => {
      const params = {};
      for (const p of d.inputParameters || []) params[p] = '';
      setInput(pretty(params));
    }).catch(setError);
  }, [name, version, defs]);

  const run = async (e) => {
    e.preventDefault();
    let inputJson;
    let ttd;
    try { inputJson = JSON.parse(input || '{}'); } catch (x) { setError({ message: 'Input is not valid JSON: ' + x.message }); return; }
    try { ttd = JSON.parse(domains || '{}'); } catch (x) { setError({ message: 'taskToDomain is not valid JSON: ' + x.message }); return; }
    setBusy(true);
    try {
      const id = await api('/workflow', { method: 'POST', text: true, body: {
        name, version: version ? +version : undefined, input: inputJson, correlationId: corr || undefined, priority: +priority || 0, taskToDomain: ttd } });
      navigate('/execution/' + id.trim());
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="page narrow">
    <h1>Run a workflow</h1>
    <${ErrorBox} error=${error} onClose=${() => setError(null)} />
    <form class="form" onSubmit=${run}>
      <label>Workflow <select name="name" value=${name} onChange=${(e) => { setName(e.target.value); setVersion(''); }} required>
        <option value="">— pick a definition —</option>
        ${defs && Object.keys(defs).sort().map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
      <label>Version <select name="version" value=${version} onChange=${(e) => setVersion(e.target.value)}>
        <option value="">latest${versions.length ? ' (' + versions[0] + ')' : ''}</option>
        ${versions.map((v) => html`<option value=${v}>${v}</option>`)}</select></label>
      <label>Input (JSON, prefilled from the definition's inputParameters)
        <textarea class="mono" name="input" rows="10" value=${input} onInput=${(e) => setInput(e.target.value)} /></label>
      <div class="row">
        <label class="grow">Correlation id <input name="correlationId" value=${corr} onInput=${(e) => setCorr(e.target.value)} /></label>
        <label>Priority (0-99) <input name="priority" type="number" min="0" max="99" value=${priority} onInput=${(e) => setPriority(e.target.value)} /></label>
      </div>
      <label>taskToDomain (JSON) <textarea class="mono" name="taskToDomain" rows="3" value=${domains} onInput=${(e) => setDomains(e.target.value)} /></label>
      <div class="row"><button class="primary" type="submit" id="run" disabled=${!name || busy}>▶ Run</button>
        ${name && html`<a href=${'/workflowDef/' + enc(name) + (version ? '/' + version : '')}>view definition</a>`}</div>
    </form>
  </div>`;
}
