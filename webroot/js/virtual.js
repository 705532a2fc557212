// A list that renders only the rows in view: long task lists stay fast.
import { html, useState } from './lib.js';

export function VirtualList({ items, rowHeight, height, render, overscan = 8 }) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + overscan);
  const h = Math.min(height, items.length * rowHeight + 2);
  return html`<div class="vlist" style=${`height:${h}px`} onScroll=${(e) => setTop(e.currentTarget.scrollTop)}>
    <div style=${`height:${items.length * rowHeight}px;position:relative`}>
      <div style=${`position:absolute;left:0;right:0;top:${first * rowHeight}px`}>${items.slice(first, last).map(render)}</div>
    </div></div>`;
}
