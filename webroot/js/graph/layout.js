// Block layout of a Conductor definition: its tasks are nested lists, not an arbitrary graph, so a
// sequence stacks, a fork or switch puts its branches side by side, a DO_WHILE is a box around
// its body, and a dynamic fork is a box holding its real branches. Two passes, each O(n): measure
// bottom-up, then place top-down. A node's place depends only on the definition (and, inside
// their own boxes, on the dynamic branches), so status changes never move anything.

export const NW = 176;
export const NH = 42;
const VG = 30;
const HG = 18;
const PAD = 14;
const HEAD = 22;
const TERM = 22;
/** Dynamic forks with more branches than this are drawn as one group with counts per status. */
export const MAX_EXPANDED = 40;

const FORKS = new Set(['FORK_JOIN', 'FORK']);
const SWITCHES = new Set(['SWITCH', 'DECISION']);

/**
 * @param tasks the definition's task list
 * @param dynamicBranches ref of a FORK_JOIN_DYNAMIC → array of its branch refs (from the execution)
 * @return {nodes, edges, boxes, width, height, byId}
 */
export function layout(tasks, dynamicBranches = () => null) {
  const ctx = { dynamicBranches };
  const root = measureSeq(tasks || [], ctx);
  const out = { nodes: [], edges: [], boxes: [] };
  const width = Math.max(root.w, NW) + 2 * PAD;
  const cx = width / 2;
  const start = addNode(out, { id: '__start', kind: 'term', label: 'start', x: cx - TERM / 2, y: PAD, w: TERM, h: TERM });
  const placed = placeSeq(root, PAD, PAD + TERM + VG, out, null, width - 2 * PAD);
  const endY = PAD + TERM + VG + root.h + (root.items.length ? VG : 0);
  const end = addNode(out, { id: '__end', kind: 'term', label: 'end', x: cx - TERM / 2, y: endY, w: TERM, h: TERM });
  connect(out, [start.id], placed.entry ?? end.id);
  if (placed.entry) connect(out, placed.exits, end.id);
  const byId = new Map(out.nodes.map((n) => [n.id, n]));
  return { nodes: out.nodes, edges: out.edges, boxes: out.boxes, width, height: endY + TERM + PAD, byId };
}

function addNode(out, n) {
  // ids stay unique even when an edited definition repeats a reference name
  if (!out.ids) out.ids = new Set();
  if (out.ids.has(n.id)) {
    let k = 2;
    while (out.ids.has(n.id + '#' + k)) k++;
    n.id = n.id + '#' + k;
  }
  out.ids.add(n.id);
  out.nodes.push(n);
  return n;
}

function connect(out, froms, to, label, taken) {
  for (const f of froms) out.edges.push({ from: f, to, label, branch: taken });
}

function measureSeq(tasks, ctx) {
  const items = [];
  let w = 0;
  let h = 0;
  for (const t of tasks) {
    if (!t) continue;
    const b = measureTask(t, ctx);
    items.push(b);
    w = Math.max(w, b.w);
    h += b.h;
  }
  h += Math.max(0, items.length - 1) * VG;
  return { items, w, h };
}

function measureBranches(lists, ctx) {
  const branches = lists.map((l) => measureSeq(l, ctx));
  let w = 0;
  let h = 0;
  for (const b of branches) {
    w += Math.max(b.w, NW * 0.6);
    h = Math.max(h, b.h);
  }
  w += Math.max(0, branches.length - 1) * HG;
  return { branches, w, h };
}

function measureTask(t, ctx) {
  const type = t.type || 'SIMPLE';
  if (FORKS.has(type)) {
    const m = measureBranches(t.forkTasks || [], ctx);
    return { t, kind: 'fork', ...m, w: Math.max(NW, m.w), h: NH + VG + m.h };
  }
  if (SWITCHES.has(type)) {
    const cases = Object.entries(t.decisionCases || {});
    const labels = cases.map(([k]) => k).concat(['default']);
    const m = measureBranches(cases.map(([, v]) => v || []).concat([t.defaultCase || []]), ctx);
    return { t, kind: 'switch', labels, ...m, w: Math.max(NW, m.w), h: NH + VG + m.h };
  }
  if (type === 'DO_WHILE') {
    const body = measureSeq(t.loopOver || [], ctx);
    return { t, kind: 'loop', body, w: Math.max(NW, body.w) + 2 * PAD + 16, h: HEAD + NH + (body.items.length ? VG + body.h : 0) + PAD + 8 };
  }
  if (type === 'FORK_JOIN_DYNAMIC') {
    const refs = ctx.dynamicBranches(t.taskReferenceName) || [];
    const grouped = refs.length > MAX_EXPANDED;
    const shown = grouped ? 1 : Math.max(1, refs.length);
    const rowW = grouped ? NW * 1.5 : shown * NW + (shown - 1) * HG;
    // the same height whatever the branches: nothing below moves when they appear
    return { t, kind: 'dyn', refs, grouped, w: Math.max(NW, rowW) + 2 * PAD, h: NH + VG + HEAD + NH + 20 + PAD };
  }
  return { t, kind: 'task', w: NW, h: NH };
}

/** Places a sequence centred in [x, x+width]; returns its entry node and exit nodes. */
function placeSeq(seq, x, y, out, loop, width = seq.w) {
  let entry = null;
  let exits = [];
  let cy = y;
  for (const b of seq.items) {
    const bx = x + (width - b.w) / 2;
    const p = placeTask(b, bx, cy, out, loop);
    if (entry === null) entry = p.entry; else connect(out, exits, p.entry);
    exits = p.exits;
    cy += b.h + VG;
  }
  return { entry, exits };
}

function taskNode(out, t, x, y, loop, kind = 'task', w = NW) {
  return addNode(out, {
    id: t.taskReferenceName, ref: t.taskReferenceName, name: t.name, type: t.type || 'SIMPLE',
    kind, x, y, w, h: NH, loop,
  });
}

function placeTask(b, x, y, out, loop) {
  const t = b.t;
  const cx = x + b.w / 2;
  if (b.kind === 'task') {
    const n = taskNode(out, t, x, y, loop);
    return { entry: n.id, exits: [n.id] };
  }
  if (b.kind === 'fork' || b.kind === 'switch') {
    const n = taskNode(out, t, cx - NW / 2, y, loop, b.kind);
    let bx = x + (b.w - (b.branches.reduce((s, br) => s + Math.max(br.w, NW * 0.6), 0) + (b.branches.length - 1) * HG)) / 2;
    const exits = [];
    b.branches.forEach((br, i) => {
      const bw = Math.max(br.w, NW * 0.6);
      const label = b.labels ? b.labels[i] : undefined;
      const p = placeSeq(br, bx, y + NH + VG, out, loop, bw);
      if (p.entry) {
        out.edges.push({ from: n.id, to: p.entry, label, branch: label !== undefined ? { switchRef: t.taskReferenceName, label } : undefined });
        exits.push(...p.exits);
      } else if (b.kind === 'switch') {
        // an empty case goes straight on: the switch itself is an exit, labelled
        exits.push(n.id);
      }
      bx += bw + HG;
    });
    if (exits.length === 0) exits.push(n.id);
    return { entry: n.id, exits: [...new Set(exits)] };
  }
  if (b.kind === 'loop') {
    out.boxes.push({ id: t.taskReferenceName, kind: 'loop', x, y, w: b.w, h: b.h, label: 'DO_WHILE ' + t.taskReferenceName, ref: t.taskReferenceName });
    const n = taskNode(out, t, cx - NW / 2, y + HEAD, loop, 'loop');
    const p = placeSeq(b.body, x + PAD, y + HEAD + NH + VG, out, t.taskReferenceName, b.w - 2 * PAD - 16);
    if (!p.entry) return { entry: n.id, exits: [n.id] };
    connect(out, [n.id], p.entry);
    out.edges.push({ from: p.exits[p.exits.length - 1], to: n.id, back: true, bx: x + b.w - PAD / 2 - 4 });
    return { entry: n.id, exits: p.exits };
  }
  // dynamic fork: the fork task, then a box with its real branches (or their group)
  const n = taskNode(out, t, cx - NW / 2, y, loop, 'dynfork');
  const boxY = y + NH + VG;
  out.boxes.push({ id: t.taskReferenceName + '__branches', kind: 'dyn', x, y: boxY, w: b.w, h: b.h - NH - VG,
    label: b.refs.length ? b.refs.length + ' dynamic branches' : 'dynamic branches (decided at run time)', ref: t.taskReferenceName });
  const rowY = boxY + HEAD;
  if (b.grouped) {
    const w = NW * 1.5;
    const g = addNode(out, { id: t.taskReferenceName + '__group', kind: 'group', x: cx - w / 2, y: rowY, w, h: NH + 20,
      refs: b.refs, forkRef: t.taskReferenceName, loop, label: b.refs.length + ' branches' });
    connect(out, [n.id], g.id);
    return { entry: n.id, exits: [g.id] };
  }
  if (b.refs.length === 0) {
    const p = addNode(out, { id: t.taskReferenceName + '__pending', kind: 'pending', x: cx - NW / 2, y: rowY, w: NW, h: NH, label: 'branches appear when it runs', loop });
    connect(out, [n.id], p.id);
    return { entry: n.id, exits: [p.id] };
  }
  const rowW = b.refs.length * NW + (b.refs.length - 1) * HG;
  let bx = cx - rowW / 2;
  const exits = [];
  for (const ref of b.refs) {
    const d = addNode(out, { id: ref, ref, name: ref, type: 'DYNAMIC_BRANCH', kind: 'task', x: bx, y: rowY, w: NW, h: NH, loop, dynamic: true });
    connect(out, [n.id], d.id);
    exits.push(d.id);
    bx += NW + HG;
  }
  return { entry: n.id, exits };
}
