// History searched on the server: filters (status, type, approver, ticker, UTC dates) kept in the address so a
// search can be reloaded or shared, the total of every match, cursor pages, and the CSV export of the same set.

import { api, apiDownload } from '../api.js';
import { el, fill, clear, showError, showInfo, clearBanner, fmtTime, riskBadge, statusBadge, trade } from '../ui.js';

const PAGE = 50;
const STATUSES = [['', 'Any status'], ['approved,rejected,expired,cancelled', 'Decided (any outcome)'], ['approved', 'approved'],
  ['rejected', 'rejected'], ['expired', 'expired'], ['cancelled', 'cancelled'], ['pending', 'pending']];
const TYPES = ['TRADE_EXECUTION', 'STRATEGY_CHANGE', 'CONFIG_UPDATE', 'RISK_LIMIT_CHANGE', 'MANUAL_INTERVENTION', 'CIRCUIT_BREAKER_RESET'];
const FILTERS = ['status', 'type', 'approver', 'ticker', 'from', 'to'];

export function render(main, { params, go }) {
  const status = el('select', { id: 'history-status', 'aria-label': 'Status' }, STATUSES.map(([v, t]) => el('option', { value: v }, t)));
  const type = el('select', { id: 'history-type', 'aria-label': 'Type' }, el('option', { value: '' }, 'Any type'), TYPES.map(t => el('option', { value: t }, t)));
  const approver = el('input', { type: 'search', id: 'history-approver', placeholder: 'Decided or voted', 'aria-label': 'Approver', maxlength: 128 });
  const ticker = el('input', { type: 'search', id: 'history-ticker', placeholder: 'e.g. AAPL', 'aria-label': 'Ticker', maxlength: 32 });
  const from = el('input', { type: 'date', id: 'history-from', 'aria-label': 'From (UTC date)' });
  const to = el('input', { type: 'date', id: 'history-to', 'aria-label': 'To (UTC date, inclusive)' });
  const apply = el('button', { class: 'btn primary', type: 'submit', id: 'history-apply' }, 'Search');
  const reset = el('button', { class: 'btn', type: 'button', id: 'history-reset' }, 'Clear');
  const exportBtn = el('button', { class: 'btn', type: 'button', id: 'export-csv', disabled: true }, 'Export CSV');
  const summary = el('span', { class: 'muted', id: 'history-summary' });
  const prev = el('button', { class: 'btn', type: 'button', id: 'history-prev', disabled: true }, '← Newer');
  const next = el('button', { class: 'btn', type: 'button', id: 'history-next', disabled: true }, 'Older →');
  const pageInfo = el('span', { class: 'muted', id: 'history-page' });
  const body = el('tbody', { id: 'history-rows' });

  const filter = {};
  for (const k of FILTERS) filter[k] = (params.get(k) || '').trim();
  if (filter.status && !STATUSES.some(([v]) => v === filter.status)) status.appendChild(el('option', { value: filter.status }, filter.status));
  status.value = filter.status;
  type.value = filter.type;
  approver.value = filter.approver;
  ticker.value = filter.ticker;
  from.value = filter.from;
  to.value = filter.to;

  // cursors of the pages shown so far: the first page has none, each Older adds the reply's next_cursor
  const cursors = [null];
  let nextCursor = null;
  let total = 0;
  // the server counts up to a cap; past it the total reads "1,000+" (at least that many)
  let totalText = '0';
  let generation = 0;

  const form = el('form', { class: 'toolbar', id: 'history-filters' },
    el('label', { class: 'field' }, 'Status', status),
    el('label', { class: 'field' }, 'Type', type),
    el('label', { class: 'field' }, 'Approver', approver),
    el('label', { class: 'field' }, 'Ticker', ticker),
    el('label', { class: 'field' }, 'From (UTC)', from),
    el('label', { class: 'field' }, 'To (UTC, inclusive)', to),
    apply, reset,
    el('span', { class: 'spacer' }),
    exportBtn);

  fill(main,
    el('div', { class: 'row' }, el('h1', {}, 'History'), el('span', { class: 'spacer' }), summary),
    form,
    el('div', { class: 'wrap' }, el('table', { class: 'grid cards', id: 'history-table' },
      el('thead', {}, el('tr', {}, ['Created', 'Status', 'Request', 'Ticker', 'Risk', 'Decided', 'Decided by', 'Channel', 'Reason'].map(h => el('th', {}, h)))),
      body)),
    el('div', { class: 'row pager' }, prev, pageInfo, next));

  /** The filters as the server takes them: only those set, the dates as UTC dates. */
  function query() {
    const q = new URLSearchParams();
    for (const k of FILTERS) if (filter[k]) q.set(k, filter[k]);
    return q;
  }

  function draw(items) {
    clear(body);
    if (!items.length) body.appendChild(el('tr', {}, el('td', { colspan: 9, class: 'empty' }, 'No request matches.')));
    for (const a of items) {
      body.appendChild(el('tr', { dataset: { id: a.request_id } },
        el('td', { 'data-label': 'Created' }, fmtTime(a.created_at)),
        el('td', { 'data-label': 'Status' }, statusBadge(a.status)),
        el('td', { 'data-label': 'Request' }, el('a', { href: '#/approvals/' + a.request_id }, a.title),
          a.overrides ? el('div', { class: 'muted' }, 'approved with changes') : null),
        el('td', { 'data-label': 'Ticker' }, trade(a).ticker),
        el('td', { 'data-label': 'Risk' }, riskBadge(a.risk_level)),
        el('td', { 'data-label': 'Decided' }, fmtTime(a.decided_at)),
        el('td', { 'data-label': 'Decided by' }, a.decided_by || ''),
        el('td', { 'data-label': 'Channel' }, a.decision_channel || ''),
        el('td', { 'data-label': 'Reason' }, a.decision_reason || '')));
    }
  }

  async function load(index) {
    const mine = ++generation;
    apply.disabled = prev.disabled = next.disabled = true;
    summary.textContent = 'Searching…';
    const q = query();
    q.set('limit', String(PAGE));
    if (cursors[index]) q.set('cursor', cursors[index]);
    try {
      const page = await api('GET', '/api/v1/history?' + q);
      if (mine !== generation) return;
      cursors.length = index + 1;
      nextCursor = page.next_cursor || null;
      total = page.total;
      totalText = total.toLocaleString('en-GB') + (page.total_exact === false ? '+' : '');
      const first = index * PAGE + 1;
      const last = index * PAGE + page.items.length;
      summary.textContent = totalText + ' match' + (total === 1 && page.total_exact !== false ? '' : 'es');
      pageInfo.textContent = page.items.length ? first.toLocaleString('en-GB') + '–' + last.toLocaleString('en-GB')
        + ' of ' + totalText : '';
      draw(page.items);
      if (page.integrity_failures && page.integrity_failures.length) {
        showError(page.integrity_failures.length + ' request(s) on this page failed their integrity check and are not shown: '
          + page.integrity_failures.join(', '));
      }
      prev.disabled = index === 0;
      next.disabled = !nextCursor;
      exportBtn.disabled = total === 0;
      prev.onclick = () => load(index - 1);
      next.onclick = () => {
        cursors[index + 1] = nextCursor;
        load(index + 1);
      };
    } catch (err) {
      if (mine !== generation) return;
      summary.textContent = '';
      pageInfo.textContent = '';
      draw([]);
      showError(err);
    }
    apply.disabled = false;
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    clearBanner();
    const q = new URLSearchParams();
    const values = { status: status.value, type: type.value, approver: approver.value.trim(), ticker: ticker.value.trim(),
      from: from.value, to: to.value };
    for (const k of FILTERS) if (values[k]) q.set(k, values[k]);
    const s = q.toString();
    go('/history' + (s ? '?' + s : ''));
  });
  reset.addEventListener('click', () => go('/history'));
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    try {
      const name = 'hitl-history-' + new Date().toISOString().slice(0, 10) + '.csv';
      await apiDownload('/api/v1/history/export?' + query(), name);
      showInfo('Exported ' + totalText + ' request' + (totalText === '1' ? '' : 's') + ' as CSV.');
    } catch (err) {
      showError(err);
    }
    exportBtn.disabled = false;
  });
  load(0);
}
