// Pending approvals, live: sorted by expiry, counting down, coloured by risk, filterable, with bulk
// approve/reject behind a confirmation. Trades show what a trader checks before clicking: the price now against the
// slippage limit, the quote's age and the notional; a trade an approval would refuse for its price is flagged.

import { api } from '../api.js';
import { live } from '../live.js';
import { el, fill, clear, showError, showInfo, clearBanner, confirmDialog, fmtCountdown, riskBadge, trade } from '../ui.js';
import { marketCell, marketCells, verdictNow, fmtAmount } from './market.js';

const TYPES = ['TRADE_EXECUTION', 'STRATEGY_CHANGE', 'CONFIG_UPDATE', 'RISK_LIMIT_CHANGE', 'MANUAL_INTERVENTION', 'CIRCUIT_BREAKER_RESET'];
const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export function render(main, { go }) {
  const items = new Map();
  const finished = new Set();
  const selected = new Set();
  let skew = 0;
  let loaded = false;
  let generation = 0;
  let updates = null;
  let capped = false;

  const search = el('input', { type: 'search', id: 'filter-text', placeholder: 'Ticker or title', 'aria-label': 'Filter by ticker or title' });
  const type = el('select', { id: 'filter-type', 'aria-label': 'Type' }, el('option', { value: '' }, 'All types'), TYPES.map(t => el('option', { value: t }, t)));
  const risk = el('select', { id: 'filter-risk', 'aria-label': 'Risk' }, el('option', { value: '' }, 'All risks'), RISKS.map(r => el('option', { value: r }, r)));
  const approveBtn = el('button', { class: 'btn approve', type: 'button', id: 'bulk-approve', disabled: true }, 'Approve selected');
  const rejectBtn = el('button', { class: 'btn reject', type: 'button', id: 'bulk-reject', disabled: true }, 'Reject selected');
  const summary = el('span', { class: 'muted', id: 'pending-summary' });
  const body = el('tbody', { id: 'pending-rows' });
  const all = el('input', { type: 'checkbox', 'aria-label': 'Select all shown' });
  const table = el('table', { class: 'grid cards', id: 'pending-table' },
    el('thead', {}, el('tr', {}, el('th', {}, all), ['Expires in', 'Risk', 'Request', 'Ticker', 'Side', 'Quantity', 'Price', 'Notional', 'Market now', 'Type', 'Requested by'].map(h => el('th', {}, h)))),
    body);

  fill(main, 
    el('div', { class: 'row' }, el('h1', {}, 'Pending approvals'), el('span', { class: 'spacer' }), summary),
    el('div', { class: 'toolbar' },
      el('label', { class: 'field' }, 'Search', search),
      el('label', { class: 'field' }, 'Type', type),
      el('label', { class: 'field' }, 'Risk', risk),
      el('span', { class: 'spacer' }),
      approveBtn, rejectBtn),
    el('div', { class: 'wrap' }, table));

  function visible() {
    const q = search.value.trim().toUpperCase();
    return [...items.values()]
      .filter(a => !type.value || a.type === type.value)
      .filter(a => !risk.value || a.risk_level === risk.value)
      .filter(a => !q || (trade(a).ticker || '').toUpperCase().includes(q) || (a.title || '').toUpperCase().includes(q))
      .sort((x, y) => x.expires_at.localeCompare(y.expires_at) || x.request_id.localeCompare(y.request_id));
  }

  function remaining(a) {
    return Date.parse(a.expires_at) - (Date.now() + skew);
  }

  function draw() {
    const rows = visible();
    clear(body);
    if (!loaded) {
      body.appendChild(el('tr', {}, el('td', { colspan: 12, class: 'empty' }, 'Loading…')));
    } else if (rows.length === 0) {
      body.appendChild(el('tr', {}, el('td', { colspan: 12, class: 'empty' }, items.size ? 'No pending request matches the filters.' : 'Nothing is waiting for a decision.')));
    }
    for (const a of rows) {
      const t = trade(a);
      const box = el('input', { type: 'checkbox', 'aria-label': 'Select ' + a.title, checked: selected.has(a.request_id) });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(a.request_id); else selected.delete(a.request_id);
        buttons();
      });
      const ms = remaining(a);
      const m = a.market || null;
      const flagged = m && verdictNow(m, skew) !== 'ok';
      const tr = el('tr', { class: 'clickable risk-' + (a.risk_level || 'NONE') + (ms < 60000 ? ' urgent' : '') + (flagged ? ' priced-out' : ''), dataset: { id: a.request_id } },
        el('td', {}, box),
        el('td', { class: 'countdown', 'data-label': 'Expires in', dataset: { expires: a.expires_at } }, fmtCountdown(ms)),
        el('td', { 'data-label': 'Risk' }, riskBadge(a.risk_level)),
        el('td', { 'data-label': 'Request' }, el('a', { href: '#/approvals/' + a.request_id }, a.title),
          a.required_approvals > 1 ? el('div', { class: 'muted' }, 'needs ' + a.required_approvals + ' approvals') : null),
        el('td', { 'data-label': 'Ticker' }, t.ticker),
        el('td', { 'data-label': 'Side' }, t.side),
        el('td', { class: 'num', 'data-label': 'Quantity' }, t.quantity),
        el('td', { class: 'num', 'data-label': 'Price' }, t.price),
        el('td', { class: 'num', 'data-label': 'Notional' }, m ? fmtAmount(m.notional) : ''),
        el('td', { class: 'market', 'data-label': 'Market now' }, m ? marketCell(m, skew) : ''),
        el('td', { 'data-label': 'Type' }, a.type),
        el('td', { 'data-label': 'Requested by' }, a.requested_by));
      tr.addEventListener('click', e => {
        if (e.target.closest('input, a')) return;
        go('/approvals/' + a.request_id);
      });
      body.appendChild(tr);
    }
    all.checked = rows.length > 0 && rows.every(a => selected.has(a.request_id));
    summary.textContent = loaded ? rows.length + ' shown of ' + items.size + ' pending' : '';
    document.title = (items.size ? '(' + items.size + ') ' : '') + 'Pending · HITL Console';
    buttons();
  }

  function buttons() {
    for (const id of [...selected]) if (!items.has(id)) selected.delete(id);
    approveBtn.disabled = rejectBtn.disabled = selected.size === 0;
    approveBtn.textContent = 'Approve selected' + (selected.size ? ' (' + selected.size + ')' : '');
    rejectBtn.textContent = 'Reject selected' + (selected.size ? ' (' + selected.size + ')' : '');
  }

  function tick() {
    marketCells(body, skew);
    body.querySelectorAll('td.countdown').forEach(td => {
      const ms = Date.parse(td.dataset.expires) - (Date.now() + skew);
      td.textContent = fmtCountdown(ms);
      td.parentElement.classList.toggle('urgent', ms < 60000);
    });
  }

  function apply(e) {
    if (e.event === 'stream.open' && !e.resumed) {
      load();
      return;
    }
    if (e.event === 'guardian.locked') {
      showInfo('The Guardian locked trading: pending requests were rejected and new ones are refused until it unlocks.');
    }
    const a = e.approval;
    if (!a || !a.request_id) return;
    if (updates) updates.set(a.request_id, a);
    if (a.status === 'pending' && !finished.has(a.request_id)) {
      const known = items.get(a.request_id);
      // events carry the request, not the market: keep what the last read found until the next one
      items.set(a.request_id, known && known.market && !a.market ? { ...a, market: known.market } : a);
      if (!known && a.type === 'TRADE_EXECUTION') refreshSoon();
    } else if (a.status !== 'pending') {
      finished.add(a.request_id);
      items.delete(a.request_id);
    }
    draw();
  }

  async function decide(decision) {
    const chosen = [...selected].map(id => items.get(id)).filter(Boolean);
    if (!chosen.length) return;
    const approve = decision === 'approve';
    const answer = await confirmDialog({
      title: (approve ? 'Approve ' : 'Reject ') + chosen.length + ' request' + (chosen.length > 1 ? 's' : '') + '?',
      body: el('ul', {}, chosen.map(a => el('li', {}, a.title + (trade(a).price ? ' @ ' + trade(a).price : '')))),
      confirmLabel: approve ? 'Approve' : 'Reject',
      tone: approve ? 'approve' : 'reject',
      reason: approve ? null : 'required',
      comment: approve,
    });
    if (!answer) return;
    clearBanner();
    const failures = [];
    let done = 0;
    for (const a of chosen) {
      try {
        const body = approve ? { comment: answer.comment } : { reason: answer.reason };
        const result = await api('POST', '/api/v1/approvals/' + a.request_id + '/' + decision, body);
        done++;
        selected.delete(a.request_id);
        if (result && result.status !== 'pending') {
          finished.add(a.request_id);
          items.delete(a.request_id);
        }
      } catch (err) {
        failures.push(a.title + ': ' + err.message);
      }
    }
    draw();
    if (failures.length) showError(done + ' done, ' + failures.length + ' failed. ' + failures.join(' | '));
    else showInfo((approve ? 'Approved ' : 'Rejected ') + done + ' request' + (done > 1 ? 's' : '') + '.');
  }

  async function load() {
    const mine = ++generation;
    // events that arrive while the list is read are applied again on top of it
    updates = new Map();
    try {
      const page = await api('GET', '/api/v1/approvals?status=pending&limit=500');
      if (mine !== generation) return;
      items.clear();
      for (const a of page.items) {
        if (!finished.has(a.request_id)) items.set(a.request_id, a);
      }
      for (const [id, a] of updates) {
        if (a.status === 'pending' && !finished.has(id)) items.set(id, a); else items.delete(id);
      }
      const first = page.items[0];
      if (first && typeof first.seconds_remaining === 'number') {
        skew = Date.parse(first.expires_at) - Date.now() - first.seconds_remaining * 1000 - 500;
      }
      // said once: the list is read again every few seconds and the operator may have dismissed it
      if (page.next_cursor && !capped) showInfo('Showing the 500 requests closest to expiry.');
      capped = !!page.next_cursor;
    } catch (err) {
      if (mine !== generation) return;
      showError(err);
    }
    updates = null;
    loaded = true;
    draw();
  }

  search.addEventListener('input', draw);
  type.addEventListener('change', draw);
  risk.addEventListener('change', draw);
  all.addEventListener('change', () => {
    for (const a of visible()) if (all.checked) selected.add(a.request_id); else selected.delete(a.request_id);
    draw();
  });
  approveBtn.addEventListener('click', () => decide('approve'));
  rejectBtn.addEventListener('click', () => decide('reject'));

  let soon = null;
  /** A new trade's market is read with the list, once for a burst of new requests. */
  function refreshSoon() {
    if (soon) return;
    soon = setTimeout(() => {
      soon = null;
      load();
    }, 1000);
  }

  // subscribe before loading, so nothing decided during the load is shown as pending
  const unsubscribe = live.subscribe(apply);
  const timer = setInterval(tick, 1000);
  // quotes move without events: the prices and deviations are read again while the list is open
  const prices = setInterval(load, 20000);
  draw();
  load();
  return () => {
    unsubscribe();
    clearInterval(timer);
    clearInterval(prices);
    clearTimeout(soon);
  };
}
