// Console shell: hash routes, sign-in guard, header state. Each view renders into <main> and returns a
// function that releases what it holds (stream subscriptions, timers) when the operator moves on.

import { token, claims, roles, signOut } from './api.js';
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

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/pending';
  const [path, query] = raw.split('?');
  return { path, params: new URLSearchParams(query || '') };
}

export function go(path) {
  if (location.hash === '#' + path) route();
  else location.hash = path;
}

function signedIn() {
  const t = token();
  if (!t) return false;
  const c = claims(t);
  if (c && c.exp && c.exp * 1000 < Date.now()) {
    signOut();
    return false;
  }
  return true;
}

function header() {
  const on = signedIn();
  document.getElementById('nav').hidden = !on;
  document.getElementById('session').hidden = !on;
  if (on) {
    const c = claims(token()) || {};
    const r = roles(token());
    const exp = c.exp ? ' · until ' + new Date(c.exp * 1000).toLocaleTimeString() : '';
    document.getElementById('who').textContent = (c.sub || 'signed in') + (r.length ? ' (' + r.join(', ') + ')' : '') + exp;
  }
}

function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const { path, params } = parseHash();
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
      signOut();
      route();
      showError('Your session ended: the gateway no longer accepts your token. Sign in again.');
    }
  });
  document.getElementById('signout').addEventListener('click', () => {
    signOut();
    live.stop();
    pendingCount.stop();
    clearBanner();
    go('/signin');
  });
  document.getElementById('banner-close').addEventListener('click', clearBanner);
  window.addEventListener('hashchange', route);
  route();
}

init();
