// Task queues: size, domains, the workers that polled each and when. A queue holding tasks that
// no worker polls stands out. Follows the live feed's queue topic.
import { html, useState, useEffect } from '../lib.js';
import { api } from '../api.js';
import { useLocation, setQuery } from '../router.js';
import { live } from '../live.js';
import { ErrorBox, fmtTime, ago } from '../util.js';

/** A queue with tasks whose last poll is older than this has no worker, as far as we can tell. */
const STALE_MS = 30000;
const key = (type, domain) => (domain ? domain + ':' + type : type);

export function QueuesPage() {
  const loc = useLocation();
  const filter = loc.query.get('filter') || '';
  const onlyIdle = loc.query.get('idle') === '1';
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const [, tick] = useState(0);

  const load = () => Promise.all([api('/tasks/queue/all'), api('/tasks/queue/polldata/all'), api('/metadata/taskdefs')])
    .then(([sizes, polls, defs]) => {
      const m = new Map();
      const row = (type, domain) => {
        const k = key(type, domain);
        if (!m.has(k)) m.set(k, { type, domain: domain || '', size: 0, lastPollTime: 0, workerId: '' });
        return m.get(k);
      };
      for (const d of defs) row(d.name, '');
      for (const [name, size] of Object.entries(sizes)) {
        if (name.startsWith('_')) continue; // the server's own queues (decider, messages)
        const i = name.indexOf(':');
        row(i > 0 ? name.slice(i + 1) : name, i > 0 ? name.slice(0, i) : '').size = size;
      }
      for (const p of polls) {
        const r = row(p.queueName, p.domain || '');
        r.lastPollTime = p.lastPollTime;
        r.workerId = p.workerId;
      }
      setRows(m);
      setError(null);
    }).catch(setError);

  useEffect(() => {
    load();
    let first = true;
    const unsubscribe = live.subscribe({ topic: 'queues' }, (msg) => {
      if (msg.type === 'subscribed' || msg.type === 'resync') {
        if (!first || msg.type === 'resync') load();
        first = false;
        return;
      }
      if (msg.type !== 'queues') return;
      setRows((old) => {
        const m = new Map(old || []);
        for (const q of msg.queues || []) {
          const k = key(q.name, q.domain);
          const r = { ...(m.get(k) || { type: q.name, domain: q.domain || '', size: 0, lastPollTime: 0, workerId: '' }) };
          if (q.size !== undefined) r.size = q.size;
          if (q.lastPollTime) r.lastPollTime = q.lastPollTime;
          if (q.lastWorker) r.workerId = q.lastWorker;
          m.set(k, r);
        }
        return m;
      });
    });
    // ages on screen advance locally; nothing is fetched
    const t = setInterval(() => tick((n) => n + 1), 5000);
    return () => { unsubscribe(); clearInterval(t); };
  }, []);

  const now = Date.now();
  const stale = (r) => r.size > 0 && (!r.lastPollTime || now - r.lastPollTime > STALE_MS);
  const all = rows ? [...rows.values()] : [];
  const list = all.filter((r) => (!filter || r.type.toLowerCase().includes(filter.toLowerCase())) && (!onlyIdle || stale(r)))
    .sort((a, b) => stale(b) - stale(a) || b.size - a.size || a.type.localeCompare(b.type));
  const idle = all.filter(stale).length;
  return html`<div class="page">
    <div class="row"><h1>Task queues</h1><span class="grow"></span>
      ${idle > 0 && html`<span class="warnbox" id="idle-count">⚠ ${idle} queue${idle > 1 ? 's' : ''} with tasks and no worker polling</span>`}</div>
    <div class="row">
      <input class="filter" name="filter" placeholder="filter by task type" value=${filter} onInput=${(e) => setQuery({ filter: e.target.value }, { replace: true })} />
      <label class="chip"><input type="checkbox" checked=${onlyIdle} onChange=${() => setQuery({ idle: onlyIdle ? null : '1' }, { replace: true })} /> only queues without workers</label>
    </div>
    <${ErrorBox} error=${error} />
    ${!rows ? html`<div class="loading">Loading…</div>` : html`<div class="tablewrap"><table class="grid" id="queues">
      <thead><tr><th>Task type</th><th>Domain</th><th>Waiting</th><th>Last poll</th><th>Last worker</th><th></th></tr></thead>
      <tbody>${list.map((r) => html`<tr key=${key(r.type, r.domain)} class=${stale(r) ? 'nowork' : ''} data-queue=${key(r.type, r.domain)}>
        <td><a href=${'/taskDef/' + encodeURIComponent(r.type)}>${r.type}</a></td><td>${r.domain || '—'}</td><td class="num">${r.size}</td>
        <td>${r.lastPollTime ? html`${fmtTime(r.lastPollTime)} <small>(${ago(r.lastPollTime, now)})</small>` : 'never'}</td>
        <td class="mono">${r.workerId || ''}</td>
        <td>${stale(r) ? html`<span class="status s-bad">⚠ no worker polling</span>` : r.lastPollTime ? html`<span class="status s-ok">✓ polled</span>` : ''}
          ${r.size > 0 && html` <a href=${'/?tab=tasks&names=' + encodeURIComponent(r.type) + '&status=SCHEDULED'}>tasks</a>`}</td></tr>`)}</tbody></table></div>`}
  </div>`;
}
