// Decided (and pending) requests with filters by status, approver and date, exported as CSV.

import { api } from '../api.js';
import { el, fill, clear, showError, showInfo, fmtTime, riskBadge, statusBadge, trade } from '../ui.js';

const MAX_ROWS = 5000;
const COLUMNS = ['request_id', 'created_at', 'type', 'title', 'ticker', 'side', 'quantity', 'price', 'risk_level', 'status',
  'decided_at', 'decided_by', 'decision_channel', 'decision_reason', 'decision_comment', 'requested_by', 'correlation_id'];

export function render(main) {
  const status = el('select', { id: 'history-status', 'aria-label': 'Status' },
    el('option', { value: '' }, 'Any status'),
    ['approved', 'rejected', 'expired', 'cancelled', 'pending'].map(s => el('option', { value: s }, s)));
  const approver = el('input', { type: 'search', id: 'history-approver', placeholder: 'Decided by', 'aria-label': 'Approver' });
  const from = el('input', { type: 'date', id: 'history-from', 'aria-label': 'From' });
  const to = el('input', { type: 'date', id: 'history-to', 'aria-label': 'To' });
  const apply = el('button', { class: 'btn primary', type: 'button', id: 'history-apply' }, 'Apply');
  const exportBtn = el('button', { class: 'btn', type: 'button', id: 'export-csv', disabled: true }, 'Export CSV');
  const summary = el('span', { class: 'muted', id: 'history-summary' });
  const body = el('tbody', { id: 'history-rows' });
  let rows = [];

  fill(main, 
    el('div', { class: 'row' }, el('h1', {}, 'History'), el('span', { class: 'spacer' }), summary),
    el('div', { class: 'toolbar' },
      el('label', { class: 'field' }, 'Status', status),
      el('label', { class: 'field' }, 'Approver', approver),
      el('label', { class: 'field' }, 'From', from),
      el('label', { class: 'field' }, 'To', to),
      apply,
      el('span', { class: 'spacer' }),
      exportBtn),
    el('div', { class: 'wrap' }, el('table', { class: 'grid cards', id: 'history-table' },
      el('thead', {}, el('tr', {}, ['Created', 'Status', 'Request', 'Ticker', 'Risk', 'Decided', 'Decided by', 'Channel', 'Reason'].map(h => el('th', {}, h)))),
      body)));

  function draw() {
    clear(body);
    if (!rows.length) body.appendChild(el('tr', {}, el('td', { colspan: 9, class: 'empty' }, 'No request matches.')));
    for (const a of rows) {
      body.appendChild(el('tr', { dataset: { id: a.request_id } },
        el('td', { 'data-label': 'Created' }, fmtTime(a.created_at)),
        el('td', { 'data-label': 'Status' }, statusBadge(a.status)),
        el('td', { 'data-label': 'Request' }, el('a', { href: '#/approvals/' + a.request_id }, a.title)),
        el('td', { 'data-label': 'Ticker' }, trade(a).ticker),
        el('td', { 'data-label': 'Risk' }, riskBadge(a.risk_level)),
        el('td', { 'data-label': 'Decided' }, fmtTime(a.decided_at)),
        el('td', { 'data-label': 'Decided by' }, a.decided_by || ''),
        el('td', { 'data-label': 'Channel' }, a.decision_channel || ''),
        el('td', { 'data-label': 'Reason' }, a.decision_reason || '')));
    }
    exportBtn.disabled = rows.length === 0;
  }

  async function load() {
    apply.disabled = true;
    summary.textContent = 'Loading…';
    const since = from.value ? new Date(from.value + 'T00:00:00') : null;
    const until = to.value ? new Date(to.value + 'T23:59:59.999') : null;
    const who = approver.value.trim().toLowerCase();
    const found = [];
    let cursor = null;
    let truncated = false;
    try {
      do {
        const q = new URLSearchParams({ limit: '500' });
        if (status.value) q.set('status', status.value);
        if (cursor) q.set('cursor', cursor);
        const page = await api('GET', '/api/v1/approvals?' + q);
        for (const a of page.items) {
          const created = new Date(a.created_at);
          if (since && created < since) continue;
          if (until && created > until) continue;
          if (who && !(a.decided_by || '').toLowerCase().includes(who)) continue;
          found.push(a);
        }
        cursor = page.next_cursor;
        const oldest = page.items.length ? new Date(page.items[page.items.length - 1].created_at) : null;
        // newest first (except pending, which is by expiry): older pages cannot match a from-date
        if (since && status.value !== 'pending' && oldest && oldest < since) cursor = null;
        if (found.length >= MAX_ROWS) {
          truncated = !!cursor;
          cursor = null;
        }
      } while (cursor);
      rows = found.slice(0, MAX_ROWS);
      summary.textContent = rows.length + ' request' + (rows.length === 1 ? '' : 's');
      if (truncated) showInfo('Showing the newest ' + MAX_ROWS + ' matches; narrow the dates to see older ones.');
    } catch (err) {
      summary.textContent = '';
      showError(err);
    }
    apply.disabled = false;
    draw();
  }

  exportBtn.addEventListener('click', () => download(rows));
  apply.addEventListener('click', load);
  load();
}

function csvCell(v) {
  let s = v === null || v === undefined ? '' : String(v);
  // a cell starting with = + - @ is a formula to spreadsheets: keep it text
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function download(rows) {
  const lines = [COLUMNS.join(',')];
  for (const a of rows) {
    const t = trade(a);
    const values = { ...a, ticker: t.ticker, side: t.side, quantity: t.quantity, price: t.price };
    lines.push(COLUMNS.map(c => csvCell(values[c])).join(','));
  }
  const blob = new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: 'hitl-history-' + new Date().toISOString().slice(0, 10) + '.csv' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
