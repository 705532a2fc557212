// The shell: header with navigation, live-feed state and theme; the page for the current path.
import { html, render, useState, useEffect, Component } from './lib.js';
import { useLocation, interceptLinks } from './router.js';
import { live } from './live.js';
import { ago } from './util.js';
import { ExecutionsPage } from './pages/executions.js';
import { ExecutionPage } from './pages/execution.js';
import { DefinitionsPage, WorkflowDefPage, TaskDefPage, EventHandlerPage } from './pages/definitions.js';
import { RunPage } from './pages/run.js';
import { QueuesPage } from './pages/queues.js';

const theme = localStorage.getItem('cvx-theme');
if (theme) document.documentElement.dataset.theme = theme;

function route(path) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case undefined: case 'executions': case 'search': return html`<${ExecutionsPage} />`;
    case 'execution': return html`<${ExecutionPage} key=${parts[1]} id=${parts[1]} />`;
    case 'workflowDefs': case 'taskDefs': case 'eventHandlerDefs': return html`<${DefinitionsPage} kind=${parts[0]} />`;
    case 'workflowDef': return parts[1] ? html`<${WorkflowDefPage} key=${parts[1] + '/' + (parts[2] || '')} name=${parts[1]} version=${parts[2]} />`
      : html`<${WorkflowDefPage} key="new" />`;
    case 'taskDef': return html`<${TaskDefPage} key=${parts[1] || 'new'} name=${parts[1]} />`;
    case 'eventHandlerDef': return html`<${EventHandlerPage} key=${parts[1] || 'new'} name=${parts[1]} />`;
    case 'run': case 'workbench': return html`<${RunPage} />`;
    case 'queues': case 'taskQueue': return html`<${QueuesPage} />`;
    default: return html`<div class="page"><h1>Not found</h1><p>No page at ${path}. <a href="/">Executions</a></p></div>`;
  }
}

/** A page that fails to draw shows what went wrong instead of going blank. */
class PageBoundary extends Component {
  render({ children, path }, { error, at }) {
    if (error && at === path) {
      return html`<div class="page"><div class="error" role="alert"><b>This page failed:</b> ${String(error.message || error)}</div>
        <p><a href="/">Executions</a> · <button class="link" onClick=${() => location.reload()}>reload</button></p></div>`;
    }
    return children;
  }

  static getDerivedStateFromError(error) {
    return { error, at: location.pathname };
  }
}

function LiveState() {
  const [s, setS] = useState(live.status());
  const [, tick] = useState(0);
  useEffect(() => live.onStatus(setS), []);
  // the age label advances locally; it never asks the server anything
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);
  const label = { connected: 'live', connecting: 'connecting', reconnecting: 'reconnecting: updates paused', offline: 'offline: updates paused' }[s.state];
  return html`<span class=${'livestate ls-' + s.state} id="live-state" data-state=${s.state}
      title=${'live feed: ' + s.state + (s.lastEventAt ? '; last event ' + ago(s.lastEventAt) : '')}>
    <i></i>${label}${s.lastEventAt ? html`<small> · last event ${ago(s.lastEventAt)}</small>` : ''}
    ${s.state !== 'connected' && html`<button class="link" onClick=${() => live.reconnectNow()}>retry now</button>`}</span>`;
}

function App() {
  const loc = useLocation();
  const p = loc.path;
  const on = (prefixes) => (prefixes.some((x) => (x === '/' ? p === '/' || p.startsWith('/execution') : p.startsWith(x))) ? 'on' : '');
  const toggleTheme = () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
    document.documentElement.dataset.theme = dark ? 'light' : 'dark';
    localStorage.setItem('cvx-theme', document.documentElement.dataset.theme);
  };
  return html`<header class="top">
      <a class="brand" href="/"><img src="/favicon.svg" alt="" width="22" height="22" /> conductor-vx</a>
      <nav>
        <a class=${on(['/'])} href="/">Executions</a>
        <a class=${on(['/workflowDef', '/taskDef', '/eventHandler'])} href="/workflowDefs">Definitions</a>
        <a class=${on(['/run', '/workbench'])} href="/run">Run</a>
        <a class=${on(['/queues', '/taskQueue'])} href="/queues">Queues</a>
      </nav>
      <span class="grow"></span>
      <${LiveState} />
      <button class="ghost" title="light / dark theme" aria-label="toggle theme" onClick=${toggleTheme}>◐</button>
    </header>
    <main><${PageBoundary} path=${p}>${route(p)}<//></main>`;
}

interceptLinks();
live.start();
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
