// The Guardian kill switch (status, lock, unlock), scoped kill switches and symbol lockouts (list, create, remove).
// Gateways without these endpoints answer 404, which is shown as "not available" rather than an error.

import { api } from '../api.js';
import { live } from '../live.js';
import { el, fill, clear, showError, showInfo, clearBanner, confirmDialog, fmtTime } from '../ui.js';
import { switchesPanel } from './switches.js';

const DURATIONS = [['15 minutes', 15], ['1 hour', 60], ['4 hours', 240], ['24 hours', 1440]];

export function render(main) {
  const guardianBox = el('section', { class: 'panel', id: 'guardian' }, el('p', { class: 'muted' }, 'Loading…'));
  const lockoutsBox = el('section', { class: 'panel', id: 'lockouts' }, el('p', { class: 'muted' }, 'Loading…'));
  const switches = switchesPanel(unavailable);
  fill(main, el('h1', {}, 'Guardian and lockouts'), guardianBox, switches.box, lockoutsBox);

  async function loadGuardian() {
    try {
      drawGuardian(await api('GET', '/api/v1/guardian'));
    } catch (err) {
      unavailable(guardianBox, 'Guardian', err, 'Guardian control is not available on this gateway.');
    }
  }

  function drawGuardian(g) {
    const state = String(g.state || g.status || 'UNKNOWN').toUpperCase();
    const locked = state === 'LOCKED';
    const lock = el('button', { class: 'btn danger', type: 'button', id: 'guardian-lock', disabled: locked }, 'Lock trading');
    const unlock = el('button', { class: 'btn primary', type: 'button', id: 'guardian-unlock', disabled: !locked }, 'Unlock');
    lock.addEventListener('click', () => change('lock'));
    unlock.addEventListener('click', () => change('unlock'));
    const facts = Object.entries(g).filter(([k]) => k !== 'state' && k !== 'status');
    fill(clear(guardianBox), 
      el('h2', {}, 'Guardian'),
      el('div', { class: 'row' }, el('span', { class: 'state ' + state, id: 'guardian-state' }, state)),
      facts.length ? el('dl', { class: 'kv' }, facts.map(([k, v]) => [el('dt', {}, k.replace(/_/g, ' ')), el('dd', {}, show(k, v))])) : null,
      el('div', { class: 'actions' }, lock, unlock));
  }

  async function change(action) {
    const locking = action === 'lock';
    const answer = await confirmDialog({
      title: locking ? 'Lock trading?' : 'Unlock trading?',
      body: el('p', {}, locking ? 'Every pending request is rejected and new requests and decisions are refused until someone unlocks.'
        : 'Requests and decisions are accepted again.'),
      confirmLabel: locking ? 'Lock' : 'Unlock',
      tone: locking ? 'danger' : 'primary',
      reason: 'required',
    });
    if (!answer) return;
    clearBanner();
    try {
      await api('POST', '/api/v1/guardian/' + action, { reason: answer.reason });
      showInfo(locking ? 'Trading is locked.' : 'Trading is unlocked.');
    } catch (err) {
      showError(err);
    }
    loadGuardian();
  }

  async function loadLockouts() {
    try {
      const data = await api('GET', '/api/v1/lockouts');
      drawLockouts(Array.isArray(data) ? data : data.items || data.lockouts || []);
    } catch (err) {
      unavailable(lockoutsBox, 'Symbol lockouts', err, 'Symbol lockouts are not available on this gateway.');
    }
  }

  function drawLockouts(list) {
    const ticker = el('input', { type: 'text', id: 'lockout-ticker', placeholder: 'AAPL', maxlength: 32, required: true });
    const reason = el('input', { type: 'text', id: 'lockout-reason', placeholder: 'Earnings in 10 minutes', maxlength: 500, required: true });
    const duration = el('select', { id: 'lockout-duration' }, DURATIONS.map(([label, min]) => el('option', { value: String(min) }, label)));
    const add = el('button', { class: 'btn primary', type: 'submit', id: 'lockout-add' }, 'Lock out');
    const form = el('form', { class: 'toolbar' },
      el('label', { class: 'field' }, 'Ticker', ticker),
      el('label', { class: 'field' }, 'Reason', reason),
      el('label', { class: 'field' }, 'For', duration),
      add);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      clearBanner();
      const until = new Date(Date.now() + Number(duration.value) * 60000).toISOString();
      try {
        await api('POST', '/api/v1/lockouts', { ticker: ticker.value.trim().toUpperCase(), reason: reason.value.trim(), until });
        showInfo(ticker.value.trim().toUpperCase() + ' is locked out until ' + fmtTime(until) + '.');
      } catch (err) {
        showError(err);
      }
      loadLockouts();
    });
    const rows = list.map(l => {
      const remove = el('button', { class: 'btn', type: 'button' }, 'Remove');
      remove.addEventListener('click', async () => {
        const ok = await confirmDialog({ title: 'Remove the lockout of ' + l.ticker + '?', body: el('p', {}, 'Requests for ' + l.ticker + ' are accepted again.'), confirmLabel: 'Remove', tone: 'danger' });
        if (!ok) return;
        clearBanner();
        try {
          await api('DELETE', '/api/v1/lockouts/' + encodeURIComponent(l.id || l.ticker));
          showInfo('The lockout of ' + l.ticker + ' is removed.');
        } catch (err) {
          showError(err);
        }
        loadLockouts();
      });
      return el('tr', {},
        el('td', { 'data-label': 'Ticker' }, l.ticker),
        el('td', { 'data-label': 'Reason' }, l.reason || ''),
        el('td', { 'data-label': 'Source' }, l.source || ''),
        el('td', { 'data-label': 'Until' }, fmtTime(l.until)),
        el('td', {}, remove));
    });
    fill(clear(lockoutsBox), 
      el('h2', {}, 'Symbol lockouts'),
      form,
      el('div', { class: 'wrap' }, el('table', { class: 'grid cards' },
        el('thead', {}, el('tr', {}, ['Ticker', 'Reason', 'Source', 'Until', ''].map(h => el('th', {}, h)))),
        el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'No ticker is locked out.'))))));
  }

  const unsubscribe = live.subscribe(e => {
    if (e.event && e.event.startsWith('guardian.')) loadGuardian();
    if (e.event && e.event.startsWith('lockout')) loadLockouts();
  });
  loadGuardian();
  switches.load();
  loadLockouts();
  return unsubscribe;
}

export function unavailable(box, title, err, message) {
  if (err.status === 404) {
    box.classList.add('unavailable');
    fill(clear(box), el('h2', {}, title), el('p', { class: 'not-available' }, message));
  } else {
    fill(clear(box), el('h2', {}, title), el('p', { class: 'error' }, err.message));
  }
}

// A fact as text; a nested object (the watched endpoint, say) as its own list of facts, not raw JSON.
function show(key, v) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length ? v.map(x => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '—';
  if (typeof v === 'object') {
    const entries = Object.entries(v);
    if (!entries.length) return '—';
    return el('dl', { class: 'kv nested' }, entries.map(([k, x]) => [el('dt', {}, k.replace(/_/g, ' ')), el('dd', {}, show(k, x))]));
  }
  return /_at$|^since$|^until$/.test(key) ? fmtTime(v) : String(v);
}
