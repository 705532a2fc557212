// Formatting and small shared components.
import { html, useState, useEffect } from './lib.js';

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Epoch ms from a number or an ISO string (search summaries carry strings, as Conductor's do). */
export const ms = (v) => (typeof v === 'string' ? Date.parse(v) || 0 : v || 0);

export function fmtTime(v) {
  if (!v) return '';
  const d = new Date(ms(v));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDur(ms) {
  if (ms === null || ms === undefined || ms < 0 || Number.isNaN(ms)) return '';
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${Math.floor(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function ago(ms, now = Date.now()) {
  if (!ms) return 'never';
  if (now - ms < 1000) return 'just now';
  return fmtDur(Math.max(0, now - ms)).replace(/\.\d+ s$/, ' s') + ' ago';
}

/** Icon, label and colour class per status: never colour alone. */
const STATUS = {
  RUNNING: ['▶', 'run'], IN_PROGRESS: ['▶', 'run'], SCHEDULED: ['◷', 'wait'],
  COMPLETED: ['✓', 'ok'], COMPLETED_WITH_ERRORS: ['✓!', 'warn'],
  FAILED: ['✗', 'bad'], FAILED_WITH_TERMINAL_ERROR: ['✗', 'bad'], TIMED_OUT: ['◴', 'bad'],
  TERMINATED: ['■', 'stop'], CANCELED: ['⊘', 'stop'], SKIPPED: ['↷', 'skip'], PAUSED: ['‖', 'pause'],
};

export const statusClass = (s) => (STATUS[s] || ['', 'none'])[1];
export const statusIcon = (s) => (STATUS[s] || ['○', 'none'])[0];
export const TERMINAL = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR',
  'TIMED_OUT', 'TERMINATED', 'CANCELED', 'SKIPPED']);

export function Status({ status }) {
  if (!status) return html`<span class="status s-none">○ not run</span>`;
  return html`<span class=${'status s-' + statusClass(status)} data-status=${status}>${statusIcon(status)} ${status}</span>`;
}

/** A JSON tree, collapsible, that renders a branch only when it is opened. */
export function Json({ value, open = 1, name }) {
  return html`<div class="json">${JsonNode({ value, depth: 0, open, name })}</div>`;
}

function JsonNode({ value, depth, open, name }) {
  const label = name !== undefined ? html`<span class="jk">${JSON.stringify(name)}</span>: ` : '';
  if (value === null || typeof value !== 'object') {
    const cls = value === null ? 'jn' : typeof value === 'string' ? 'js' : typeof value === 'number' ? 'jnum' : 'jb';
    return html`<div class="jl">${label}<span class=${cls}>${JSON.stringify(value)}</span></div>`;
  }
  return html`<${Branch} value=${value} depth=${depth} open=${open} label=${label} />`;
}

function Branch({ value, depth, open, label }) {
  const [isOpen, setOpen] = useState(depth < open);
  const arr = Array.isArray(value);
  const keys = arr ? value.map((_, i) => i) : Object.keys(value);
  const [limit, setLimit] = useState(200);
  const brackets = arr ? ['[', ']'] : ['{', '}'];
  if (keys.length === 0) return html`<div class="jl">${label}${brackets.join('')}</div>`;
  return html`<div class="jl">
    <button class="jt" aria-expanded=${isOpen} onClick=${() => setOpen(!isOpen)}>${isOpen ? '▾' : '▸'}</button>${label}${brackets[0]}
    ${!isOpen && html`<span class="jc" onClick=${() => setOpen(true)}> ${keys.length} ${arr ? 'items' : 'keys'} </span>${brackets[1]}`}
    ${isOpen && html`<div class="jin">
      ${keys.slice(0, limit).map((k) => html`<${JsonNode} key=${k} value=${value[k]} depth=${depth + 1} open=${open} name=${arr ? undefined : k} />`)}
      ${keys.length > limit && html`<button class="link" onClick=${() => setLimit(limit + 1000)}>show ${Math.min(1000, keys.length - limit)} more of ${keys.length - limit}</button>`}
    </div>${brackets[1]}`}
  </div>`;
}

/** A duration that keeps counting while it has no end; a local timer, nothing is fetched. */
export function Elapsed({ from, end }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (end) return undefined;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [end]);
  return html`<span>${fmtDur((end || now) - from)}</span>`;
}

export function ErrorBox({ error, onClose }) {
  if (!error) return null;
  const msg = typeof error === 'string' ? error : error.message;
  return html`<div class="error" role="alert"><b>${error.status ? 'Error ' + error.status : 'Error'}:</b> ${msg}
    ${onClose && html`<button class="x" aria-label="dismiss" onClick=${onClose}>×</button>`}</div>`;
}

export function Tabs({ tabs, active, onChange }) {
  return html`<div class="tabs" role="tablist">${tabs.map(([id, label]) => html`
    <button role="tab" aria-selected=${active === id} class=${active === id ? 'tab on' : 'tab'} data-tab=${id}
      onClick=${() => onChange(id)}>${label}</button>`)}</div>`;
}

export function copy(text) {
  if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
}

/** Pretty JSON for editors. */
export const pretty = (v) => JSON.stringify(v, null, 2);
