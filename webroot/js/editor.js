// A JSON editor without dependencies: a textarea with line numbers, parse errors and the
// server's validation messages marked on the lines they concern, and a line diff.
import { html, useRef, useState } from './lib.js';

/** Line (1-based) of every value in a JSON text, by path such as tasks[2].name. */
export function jsonLines(text) {
  const out = new Map();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      i++;
    }
  };
  const str = () => {
    let s = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') { s += text[i + 1]; i += 2; } else { s += text[i++]; }
    }
    i++;
    return s;
  };
  const value = (path) => {
    ws();
    out.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const keyLine = line;
        const k = str();
        const p = path ? path + '.' + k : k;
        out.set(p, keyLine);
        ws();
        i++; // :
        value(p);
        out.set(p, keyLine);
        ws();
        if (text[i] === ',') { i++; continue; }
        i++;
        return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i] === ',') { i++; continue; }
        i++;
        return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[,\]}\s]/.test(text[i])) i++;
    }
  };
  try { value(''); } catch { /* partial map for broken text */ }
  return out;
}

/** The line a violation path concerns: the path itself, else without leading parts, else its parents. */
export function lineOf(lines, path) {
  if (!path) return null;
  const clean = path.replace(/^\$\.?/, '');
  const parts = clean.split('.');
  for (let s = 0; s < parts.length; s++) {
    let p = parts.slice(s).join('.');
    while (p) {
      if (lines.has(p)) return lines.get(p);
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) break;
      p = p.slice(0, cut);
    }
  }
  return null;
}

/** Line of a JSON.parse error message ("... at position N" or "line L column C"). */
export function parseErrorLine(text, message) {
  const lc = /line (\d+) column/.exec(message);
  if (lc) return +lc[1];
  const pos = /position (\d+)/.exec(message);
  if (pos) return text.slice(0, +pos[1]).split('\n').length;
  return null;
}

/**
 * @param marks line → message: shown in the gutter and listed under the editor
 */
export function JsonEditor({ value, onInput, marks = new Map(), rows = 28, name = 'json-editor', readOnly }) {
  const ta = useRef(null);
  const gutter = useRef(null);
  // one text node for the numbers: a 20,000-line definition stays fast; marks are few
  let lines = 1;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 10) lines++;
  let nums = '';
  for (let n = 1; n <= lines; n++) nums += n + '\n';
  const marked = [...marks.entries()].filter(([n]) => n <= lines);
  const onKeyDown = (e) => {
    if (e.key === 'Tab' && !readOnly) {
      e.preventDefault();
      const t = e.target;
      const s = t.selectionStart;
      t.setRangeText('  ', s, t.selectionEnd, 'end');
      onInput(t.value);
    }
  };
  return html`<div class="editor">
    <div class="gutter" ref=${gutter} aria-hidden="true"><div class="gin">${nums}
      ${marked.map(([n, m]) => html`<div key=${n} class="gl bad" style=${`top:${(n - 1) * 18}px`} title=${m}>${n} ●</div>`)}</div></div>
    <textarea ref=${ta} name=${name} class="mono" spellcheck="false" wrap="off" autocomplete="off" rows=${rows} value=${value} readOnly=${readOnly}
      onInput=${(e) => onInput(e.target.value)} onKeyDown=${onKeyDown}
      onScroll=${(e) => { gutter.current.scrollTop = e.target.scrollTop; }} />
  </div>`;
}

/** Scrolls the page's editor so a line shows, without taking the focus. */
export function scrollToLine(line, name = 'json-editor') {
  const t = document.querySelector(`textarea[name="${name}"]`);
  if (t) t.scrollTop = Math.max(0, (line - 5) * 18);
}

/** Moves the caret of the page's editor to a line and selects it. */
export function goToLine(line, name = 'json-editor') {
  const t = document.querySelector(`textarea[name="${name}"]`);
  if (!t) return;
  const lines = t.value.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
  t.focus();
  t.setSelectionRange(start, start + (lines[line - 1] || '').length);
  const lh = t.scrollHeight / Math.max(1, lines.length);
  t.scrollTop = Math.max(0, (line - 5) * lh);
}

/** Line diff (LCS) of two texts: [{op:' '|'-'|'+', text}]. */
export function diffLines(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length * y.length > 4e6) return [{ op: '-', text: a }, { op: '+', text: b }];
  const n = x.length;
  const m = y.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push({ op: ' ', text: x[i] }); i++; j++; } else if (dp[i + 1][j] >= dp[i][j + 1]) { out.push({ op: '-', text: x[i++] }); } else { out.push({ op: '+', text: y[j++] }); }
  }
  while (i < n) out.push({ op: '-', text: x[i++] });
  while (j < m) out.push({ op: '+', text: y[j++] });
  return out;
}

export function Diff({ a, b }) {
  const d = diffLines(a, b);
  const changed = d.filter((l) => l.op !== ' ').length;
  // unchanged stretches are folded, keeping 3 lines of context
  const keep = new Array(d.length).fill(false);
  d.forEach((l, i) => { if (l.op !== ' ') for (let k = Math.max(0, i - 3); k <= Math.min(d.length - 1, i + 3); k++) keep[k] = true; });
  const rows = [];
  let skipped = 0;
  d.forEach((l, i) => {
    if (!keep[i]) { skipped++; return; }
    if (skipped) { rows.push(html`<div class="dl fold">… ${skipped} unchanged lines</div>`); skipped = 0; }
    rows.push(html`<div class=${'dl ' + (l.op === '+' ? 'add' : l.op === '-' ? 'del' : '')}>${l.op} ${l.text}</div>`);
  });
  if (skipped) rows.push(html`<div class="dl fold">… ${skipped} unchanged lines</div>`);
  return html`<div class="diff mono" id="diff">${changed === 0 ? html`<div class="dl">The two versions are identical.</div>` : rows}</div>`;
}

export function useDebounced(fn, ms) {
  const t = useRef(0);
  return (...args) => {
    clearTimeout(t.current);
    t.current = setTimeout(() => fn(...args), ms);
  };
}
