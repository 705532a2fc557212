// Dialogs and bulk-result display shared by pages.
import { html, useState, useEffect, useRef } from './lib.js';

/** A modal asking for confirmation, optionally with one text field (a reason). */
export function Dialog({ title, body, field, confirm = 'OK', danger, onOk, onCancel }) {
  const [value, setValue] = useState(field ? field.value || '' : '');
  const ref = useRef(null);
  useEffect(() => { ref.current && ref.current.focus(); }, []);
  const submit = (e) => { e.preventDefault(); onOk(value); };
  return html`<div class="modal" role="dialog" aria-modal="true" aria-label=${title} onKeyDown=${(e) => e.key === 'Escape' && onCancel()}>
    <form class="dialog" onSubmit=${submit}>
      <h3>${title}</h3>
      ${body && html`<div class="dbody">${body}</div>`}
      ${field && (field.multiline
        ? html`<label>${field.label}<textarea ref=${ref} name="dialog-field" rows="8" class="mono" value=${value} onInput=${(e) => setValue(e.target.value)} /></label>`
        : html`<label>${field.label}<input ref=${ref} name="dialog-field" value=${value} onInput=${(e) => setValue(e.target.value)} /></label>`)}
      <div class="row end">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="submit" class=${danger ? 'danger' : 'primary'} id="dialog-ok" ref=${field ? null : ref}>${confirm}</button>
      </div>
    </form>
  </div>`;
}

/** Hook: show(dialogProps) → Promise of the entered value, or null when cancelled. */
export function useDialog() {
  const [props, setProps] = useState(null);
  const show = (p) => new Promise((resolve) => setProps({ ...p, resolve }));
  const el = props && html`<${Dialog} ...${props}
    onOk=${(v) => { setProps(null); props.resolve(v); }} onCancel=${() => { setProps(null); props.resolve(null); }} />`;
  return [el, show];
}

/** Outcome of a bulk action: what succeeded, and every failure with its reason. */
export function BulkResult({ result, onClose }) {
  if (!result) return null;
  const failed = Object.entries(result.failed || {});
  return html`<div class=${'bulkresult' + (failed.length ? ' has-failures' : '')} role="status" id="bulk-result">
    <b>${result.action}:</b> ${result.ok.length} succeeded${failed.length ? html`, <span class="bad">${failed.length} failed</span>` : ''}
    ${result.total > result.done ? html` (${result.done} of ${result.total} done…)` : ''}
    ${result.total > 0 && html`<progress max=${result.total} value=${result.done} />`}
    ${failed.length > 0 && html`<details open=${failed.length <= 10}><summary>Failures</summary><ul>
      ${failed.slice(0, 500).map(([id, msg]) => html`<li key=${id}><a href=${'/execution/' + id}>${id}</a>: ${msg}</li>`)}
      ${failed.length > 500 && html`<li>… ${failed.length - 500} more</li>`}</ul></details>`}
    ${onClose && html`<button class="x" aria-label="dismiss" onClick=${onClose}>×</button>`}
  </div>`;
}
