// Client of the server's live feed (GET /api/live, a WebSocket; protocol in docs/live.md).
// One socket per page; subscriptions survive reconnects: each is sent again, so a workflow page
// gets a fresh snapshot and a list reloads, ending equal to a fresh load of what it shows.

const MIN_BACKOFF = 1000;
const MAX_BACKOFF = 30000;

class LiveFeed {
  constructor() {
    this.subs = new Map();
    this.state = 'connecting';
    this.lastEventAt = 0;
    this.failures = 0;
    this.listeners = new Set();
    this.nextId = 1;
    this.socket = null;
    this.timer = null;
    this.everConnected = false;
    addEventListener('online', () => this.reconnectNow());
  }

  /** Status for the header: connected / reconnecting / offline, and when the last event came. */
  onStatus(listener) {
    this.listeners.add(listener);
    listener(this.status());
    return () => this.listeners.delete(listener);
  }

  status() {
    return { state: this.state, lastEventAt: this.lastEventAt, failures: this.failures };
  }

  setState(state) {
    this.state = state;
    this.listeners.forEach((l) => l(this.status()));
  }

  start() {
    if (!this.socket && !this.timer) this.open();
  }

  open() {
    this.timer = null;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/live';
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      this.failures = 0;
      this.everConnected = true;
      this.setState('connected');
      for (const [id, sub] of this.subs) this.sendSubscribe(id, sub);
    };
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    ws.onerror = () => {};
  }

  scheduleReconnect() {
    this.failures++;
    this.setState(this.failures > 3 || !navigator.onLine ? 'offline' : 'reconnecting');
    // a subscription must not trust its sequence across sockets: the next snapshot resets it
    for (const sub of this.subs.values()) sub.seq = -1;
    const delay = Math.min(MAX_BACKOFF, MIN_BACKOFF * 2 ** Math.min(this.failures - 1, 5));
    this.timer = setTimeout(() => this.open(), delay * (0.8 + Math.random() * 0.4));
  }

  reconnectNow() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.open();
    }
  }

  /** For tests and the "reconnect" button: drops the socket as a network cut would. */
  drop() {
    if (this.socket) this.socket.close();
  }

  sendSubscribe(id, sub) {
    sub.seq = -1;
    this.send({ op: 'subscribe', id, ...sub.params });
  }

  send(msg) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  /**
   * Subscribes to a topic ({topic:'workflow', workflowId} | {topic:'workflows', ...filters} |
   * {topic:'queues'}). onMessage gets every message of the subscription in order; a message of
   * type 'resync' (or a gap in seq, treated the same) tells the page to reload what it shows.
   * @return a function that unsubscribes
   */
  subscribe(params, onMessage) {
    const id = 's' + this.nextId++;
    const sub = { params, onMessage, seq: -1 };
    this.subs.set(id, sub);
    this.start();
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.sendSubscribe(id, sub);
    return () => {
      if (this.subs.delete(id)) this.send({ op: 'unsubscribe', id });
    };
  }

  receive(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    this.lastEventAt = Date.now();
    this.listeners.forEach((l) => l(this.status()));
    const sub = this.subs.get(msg.id);
    if (!sub) return;
    const seq = typeof msg.seq === 'number' ? msg.seq : null;
    if (msg.type === 'snapshot' || msg.type === 'subscribed' || msg.type === 'resync') {
      if (seq !== null) sub.seq = seq;
      sub.onMessage(msg);
      return;
    }
    if (seq !== null && sub.seq >= 0) {
      if (seq <= sub.seq) return; // already seen
      if (seq > sub.seq + 1) {
        // a gap: something was missed; start the subscription over
        sub.seq = -1;
        sub.onMessage({ type: 'resync', id: msg.id });
        this.send({ op: 'unsubscribe', id: msg.id });
        this.sendSubscribe(msg.id, sub);
        return;
      }
    }
    if (seq !== null) sub.seq = seq;
    sub.onMessage(msg);
  }
}

export const live = new LiveFeed();
// the end-to-end tests cut the feed through this handle
window.__live = live;
