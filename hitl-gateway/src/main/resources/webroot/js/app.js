// Console shell: hash routes, sign-in guard, header state. Each view renders into <main> and returns a
// function that releases what it holds (stream subscriptions, timers) when the operator moves on.

import { loadSignIn, signInConfig, viaProvider, signedIn, who, signOut, forget } from './api.js';
import { live } from './live.js';
import * as pendingCount from './pendingCount.js';
import { clear, clearBanner, showError } from './ui.js';
import * as signin from './views/signin.js';
import * as pending from './views/pending.js';
import * as detail from './views/detail.js';
import * as history from './views/history.js';
import * as guardian from './views/guardian.js';
import * as settings from './views/settings.js';

const routes = [
  [/^\/signin$/, 'signin', signin],
  [/^\/pending$/, 'pending', pending],
  [/^\/approvals\/([0-9a-fA-F-]{36})$/, 'pending', detail],
  [/^\/history$/, 'history', history],
  [/^\/guardian$/, 'guardian', guardian],
  [/^\/settings$/, 'settings', settings],
];

let cleanup = null;
let routing = 0;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/pending';
  const [path, query] = raw.split('?');
  return { path, params: new URLSearchParams(query || '') };
}

export function go(path) {
  if (location.hash === '#' + path) route();
  else location.hash = path;
}

function header() {
  const on = signedIn();
  document.getElementById('nav').hidden = !on;
  document.getElementById('session').hidden = !on;
  if (on) {
    const w = who() || {};
    const r = w.roles || [];
    const exp = w.until ? ' · until ' + new Date(w.until).toLocaleTimeString() : '';
    document.getElementById('who').textContent = (w.subject || 'signed in') + (r.length ? ' (' + r.join(', ') + ')' : '') + exp;
  }
}

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const { path, params } = parseHash();
  const turn = ++routing;
  if (!signInConfig() || (viaProvider() && !signedIn())) {
    // first screen, or signed out of a provider session: ask the gateway (otherwise the screen draws at once)
    try {
      await loadSignIn();
    } catch (err) {
      showError('Cannot tell how to sign in on this gateway. ' + err.message);
      return;
    }
    // the operator moved on while the sign-in state loaded: the newer route draws
    if (turn !== routing) return;
  }
  if (path !== '/signin' && !signedIn()) {
    live.stop();
    pendingCount.stop();
    location.replace('#/signin?next=' + encodeURIComponent(path));
    return;
  }
  const match = routes.find(([re]) => re.test(path));
  if (!match) {
    go('/pending');
    return;
  }
  const [re, nav, view] = match;
  clearBanner();
  header();
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === nav));
  if (path !== '/signin') {
    pendingCount.follow();
    live.start();
  }
  const main = clear(document.getElementById('view'));
  cleanup = view.render(main, { match: path.match(re), params, go }) || null;
}

function init() {
  const liveBadge = document.getElementById('live');
  live.onStatus(s => {
    liveBadge.className = 'live ' + s;
    liveBadge.textContent = s === 'on' ? 'live' : s === 'connecting' ? 'reconnecting' : 'offline';
  });
  live.subscribe(e => {
    if (e.event === 'stream.error' && e.error && e.error.status === 401) {
      forget();
      route().then(() => showError('Your session ended: the gateway no longer accepts it. Sign in again.'));
    }
  });
  document.getElementById('signout').addEventListener('click', async () => {
    live.stop();
    pendingCount.stop();
    clearBanner();
    const providerLogout = await signOut();
    if (providerLogout) {
      // the provider ends its own session too, then sends the browser back to the console
      location.assign(providerLogout);
      return;
    }
    go('/signin');
  });
  document.getElementById('banner-close').addEventListener('click', clearBanner);
  window.addEventListener('hashchange', route);
  route();
}

init();
