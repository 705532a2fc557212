// The graph in SVG: nodes from layout.js, coloured by live status, with pan (drag), zoom (wheel,
// buttons) and keyboard moves between nodes (arrows; Enter opens the focused one).
import { html, useState, useRef, useEffect, useLayoutEffect } from '../lib.js';
import { statusClass, statusIcon } from '../util.js';

const clip = (s, n) => (s && s.length > n ? s.slice(0, n - 1) + '…' : s || '');

export function Graph({ layout, statusOf, countsOf, takenOf, selected, onSelect, loopLabel, height = 560 }) {
  const wrap = useRef(null);
  const [view, setViewState] = useState(null);
  const drag = useRef(null);
  // once the user pans or zooms, resizes no longer re-fit the graph under them
  const moved = useRef(false);
  const setView = (v) => { moved.current = true; setViewState(v); };

  const fit = () => {
    const el = wrap.current;
    if (!el) return;
    const W = el.clientWidth || 800;
    const H = el.clientHeight || height;
    // the whole graph when it stays readable; else readable from its top (wheel and drag move on)
    let k = Math.min(1, (W - 20) / layout.width, (H - 20) / layout.height);
    if (k < 0.55) k = Math.max(0.55, Math.min(1, (W - 20) / layout.width));
    moved.current = false;
    setViewState({ x: (W - layout.width * k) / 2, y: 10, k });
  };
  useLayoutEffect(fit, [layout.width, layout.height]);
  useEffect(() => {
    let width = wrap.current.clientWidth;
    const ro = new ResizeObserver(() => {
      const w = wrap.current && wrap.current.clientWidth;
      if (w && w !== width) {
        width = w;
        if (!moved.current) fit();
      }
    });
    ro.observe(wrap.current);
    return () => ro.disconnect();
  }, [layout]);
  // marks the first frame that shows the graph (after it is painted), for measurements
  useEffect(() => {
    requestAnimationFrame(() => setTimeout(() => performance.mark('cvx-graph-painted'), 0));
  }, []);

  useEffect(() => {
    if (!selected || !view || !wrap.current) return;
    const n = layout.byId.get(selected);
    if (!n) return;
    const W = wrap.current.clientWidth;
    const H = wrap.current.clientHeight;
    const sx = view.x + (n.x + n.w / 2) * view.k;
    const sy = view.y + (n.y + n.h / 2) * view.k;
    if (sx < 0 || sx > W || sy < 0 || sy > H) {
      setView({ ...view, x: W / 2 - (n.x + n.w / 2) * view.k, y: H / 2 - (n.y + n.h / 2) * view.k });
    }
  }, [selected]);

  const zoom = (f, cx, cy) => {
    if (!view) return;
    const el = wrap.current;
    const px = cx ?? el.clientWidth / 2;
    const py = cy ?? el.clientHeight / 2;
    const k = Math.min(2.5, Math.max(0.05, view.k * f));
    setView({ k, x: px - ((px - view.x) * k) / view.k, y: py - ((py - view.y) * k) / view.k });
  };
  const onWheel = (e) => {
    e.preventDefault();
    const r = wrap.current.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey || Math.abs(e.deltaY) < 40 && e.deltaMode === 0 && !e.shiftKey) {
      zoom(Math.exp(-e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
    } else {
      setView({ ...view, x: view.x - e.deltaX, y: view.y - e.deltaY });
    }
  };
  const onDown = (e) => {
    if (e.button !== 0 || e.target.closest('.n')) return;
    drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    wrap.current.setPointerCapture(e.pointerId);
  };
  const onMove = (e) => {
    const d = drag.current;
    if (d) setView({ ...view, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y });
  };
  const onUp = () => { drag.current = null; };

  const onKey = (e) => {
    const dirs = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    if (e.key === '+' || e.key === '=') return zoom(1.25);
    if (e.key === '-') return zoom(0.8);
    if (!dirs[e.key]) return;
    e.preventDefault();
    const nodes = layout.nodes.filter((n) => n.kind !== 'term');
    const cur = layout.byId.get(selected) || null;
    if (!cur) {
      if (nodes[0]) onSelect(nodes[0]);
      return;
    }
    const [dx, dy] = dirs[e.key];
    const cx = cur.x + cur.w / 2;
    const cy = cur.y + cur.h / 2;
    let best = null;
    let bestScore = Infinity;
    for (const n of nodes) {
      if (n === cur) continue;
      const ox = n.x + n.w / 2 - cx;
      const oy = n.y + n.h / 2 - cy;
      const along = ox * dx + oy * dy;
      if (along <= 1) continue;
      const across = Math.abs(ox * dy) + Math.abs(oy * dx);
      const score = along + across * 3;
      if (score < bestScore) { bestScore = score; best = n; }
    }
    if (best) onSelect(best);
  };

  const v = view || { x: 0, y: 0, k: 1 };
  // only what is in view (with a margin) is drawn: a graph of thousands of nodes stays light
  const el = wrap.current;
  const W = el ? el.clientWidth : 1600;
  const H = el ? el.clientHeight : height;
  const m = 300;
  const vx0 = -v.x / v.k - m;
  const vy0 = -v.y / v.k - m;
  const vx1 = (W - v.x) / v.k + m;
  const vy1 = (H - v.y) / v.k + m;
  const inView = (x0, y0, x1, y1) => x1 >= vx0 && x0 <= vx1 && y1 >= vy0 && y0 <= vy1;
  const nodes = view ? layout.nodes.filter((n) => inView(n.x, n.y, n.x + n.w, n.y + n.h)) : [];
  const boxes = view ? layout.boxes.filter((b) => inView(b.x, b.y, b.x + b.w, b.y + b.h)) : [];
  const edges = view ? layout.edges.filter((e) => {
    const a = layout.byId.get(e.from);
    const b = layout.byId.get(e.to);
    return a && b && inView(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x + a.w, b.x + b.w, e.bx || 0), Math.max(a.y + a.h, b.y + b.h));
  }) : [];
  return html`<div class="graph" ref=${wrap} style=${'height:' + height + 'px'} tabindex="0" aria-label="workflow graph; arrow keys move between tasks"
      onWheel=${onWheel} onPointerDown=${onDown} onPointerMove=${onMove} onPointerUp=${onUp} onKeyDown=${onKey}>
    <div class="gtools">
      <button title="zoom in" onClick=${() => zoom(1.25)}>+</button>
      <button title="zoom out" onClick=${() => zoom(0.8)}>−</button>
      <button title="fit" onClick=${fit}>fit</button>
    </div>
    <svg width="100%" height="100%" role="img">
      <defs>
        <marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0 0L10 5L0 10z" class="arrowhead" />
        </marker>
      </defs>
      <g transform=${`translate(${v.x},${v.y}) scale(${v.k})`}>
        ${boxes.map((b) => html`<g class=${'box box-' + b.kind} key=${'b' + b.id}>
          <rect x=${b.x} y=${b.y} width=${b.w} height=${b.h} rx="10" />
          <text x=${b.x + 10} y=${b.y + 15}>${b.kind === 'loop' && loopLabel ? loopLabel(b) : b.label}</text></g>`)}
        ${edges.map((e) => Edge(layout, e, e.from + '>' + e.to, takenOf))}
        ${nodes.map((n) => Node(n, statusOf(n), n.kind === 'group' && countsOf ? countsOf(n) : null, n.id === selected, onSelect))}
      </g>
    </svg>
  </div>`;
}

function Edge(layout, e, i, takenOf) {
  const a = layout.byId.get(e.from);
  const b = layout.byId.get(e.to);
  if (!a || !b) return null;
  const x1 = a.x + a.w / 2;
  const y1 = a.y + a.h;
  const x2 = b.x + b.w / 2;
  const y2 = b.y;
  if (e.back) {
    const d = `M${x1} ${y1} V${y1 + 12} H${e.bx} V${b.y + b.h / 2} H${b.x + b.w}`;
    return html`<path key=${'e' + i} class="edge back" d=${d} marker-end="url(#arr)" />`;
  }
  const taken = e.branch && takenOf ? takenOf(e.branch) : null;
  const ym = y2 - 14;
  const d = x1 === x2 ? `M${x1} ${y1} V${y2}` : `M${x1} ${y1} V${ym} H${x2} V${y2}`;
  const cls = 'edge' + (taken === true ? ' taken' : taken === false ? ' nottaken' : '');
  return html`<g key=${'e' + i}><path class=${cls} d=${d} marker-end="url(#arr)" />
    ${e.label !== undefined && html`<text class=${'elabel' + (taken ? ' taken' : '')} x=${x2 + 4} y=${ym - 3}>${clip(e.label, 18)}</text>`}</g>`;
}

function Node(n, status, counts, isSel, onSelect) {
  if (n.kind === 'term') {
    return html`<g key=${n.id} class=${'n term s-' + (status ? statusClass(status) : 'none')}>
      <circle cx=${n.x + n.w / 2} cy=${n.y + n.h / 2} r=${n.w / 2} /><title>${n.label}</title></g>`;
  }
  const cls = 'n k-' + n.kind + ' s-' + (status ? statusClass(status) : 'none') + (isSel ? ' sel' : '');
  const click = () => onSelect(n);
  if (n.kind === 'group' || n.kind === 'pending') {
    return html`<g key=${n.id} class=${cls} data-ref=${n.id} transform=${`translate(${n.x},${n.y})`} onClick=${click}>
      <rect width=${n.w} height=${n.h} rx="6" />
      <text x="10" y="17" class="t1">▤ ${n.label}</text>
      ${counts && html`<text x="10" y="34" class="t2">${Object.entries(counts).map(([s, c]) => `${statusIcon(s)} ${c} ${s.toLowerCase()}`).join('  ')}</text>`}
      ${counts && CountBar(n.w, n.h, counts)}</g>`;
  }
  return html`<g key=${n.id} class=${cls} data-ref=${n.ref} data-status=${status || ''} transform=${`translate(${n.x},${n.y})`} onClick=${click}>
    <rect width=${n.w} height=${n.h} rx=${n.kind === 'task' ? 6 : 14} />
    <text x="10" y="17" class="t1">${status ? statusIcon(status) + ' ' : ''}${clip(n.ref, 22)}</text>
    <text x="10" y="33" class="t2">${clip(n.type === 'SIMPLE' || n.type === 'DYNAMIC_BRANCH' ? n.name : n.type + ' · ' + n.name, 27)}</text>
    <title>${n.ref} (${n.type}) ${status || 'not run'}</title></g>`;
}

function CountBar(w, h, counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  let x = 8;
  const out = [];
  for (const [s, c] of Object.entries(counts)) {
    const bw = ((w - 16) * c) / total;
    out.push(html`<rect key=${s} class=${'bar s-' + statusClass(s)} x=${x} y=${h - 12} width=${bw} height="6" />`);
    x += bw;
  }
  return out;
}
