// REST calls to the server's Conductor API. Errors carry the server's own message.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** Calls /api{path}; answers parsed JSON, text, or null for an empty body. */
export async function api(path, { method = 'GET', body, text = false } = {}) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api' + path, init);
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached (' + e.message + ')');
  }
  const raw = await res.text();
  let parsed = null;
  if (raw && !text) {
    try { parsed = JSON.parse(raw); } catch { parsed = raw; }
  }
  if (!res.ok) {
    const msg = parsed && typeof parsed === 'object' && parsed.message ? parsed.message : (raw || res.statusText);
    throw new ApiError(res.status, msg, parsed);
  }
  return text ? raw : parsed;
}

export const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  }
  const s = p.toString();
  return s ? '?' + s : '';
};

export const enc = encodeURIComponent;
