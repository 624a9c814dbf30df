// The Pending count in the navigation, current on every screen: read once a session's live stream is
// connected (again after each reconnect, which may have missed events), then moved by live events.

import { api } from './api.js';
import { live } from './live.js';

const ids = new Set();
let unsubscribe = null;
let generation = 0;
let during = null;

function show() {
  const count = document.getElementById('pending-count');
  if (!count) return;
  count.textContent = String(ids.size);
  count.hidden = ids.size === 0;
}

function apply(e) {
  const a = e && e.approval;
  if (!a || !a.request_id) return;
  if (during) during.set(a.request_id, a.status);
  if (a.status === 'pending') ids.add(a.request_id); else ids.delete(a.request_id);
  show();
}

async function load() {
  const mine = ++generation;
  during = new Map();
  try {
    const page = await api('GET', '/api/v1/approvals?status=pending&limit=500');
    if (mine !== generation) return;
    ids.clear();
    for (const a of page.items) ids.add(a.request_id);
    // events that arrived while the list was read win over it
    for (const [id, status] of during) if (status === 'pending') ids.add(id); else ids.delete(id);
    show();
  } catch (err) {
    // the screens report errors; the count keeps its last value
  } finally {
    if (mine === generation) during = null;
  }
}

/** Follows the pending requests while signed in; calling it again is harmless. */
export function follow() {
  if (unsubscribe) return;
  const events = live.subscribe(apply);
  const status = live.onStatus(s => { if (s === 'on') load(); });
  unsubscribe = () => { events(); status(); };
}

/** Forgets everything on sign-out. */
export function stop() {
  if (unsubscribe) unsubscribe();
  unsubscribe = null;
  generation++;
  during = null;
  ids.clear();
  show();
}
