// The market a trader checks before approving a trade, from the request view's `market` member (computed by the
// gateway as the slippage rule would judge it when read): the latest quote and its age, the price the trade would
// execute at, the deviation from the requested price against the limit, and the notional. The quote's age keeps
// counting here; a quote that turns stale while the page is open is flagged as it does.

import { el } from '../ui.js';

const VERDICTS = {
  ok: 'Within the limits now',
  no_quote: 'No quote: an approval would be refused (SEC-051)',
  stale: 'Quote too old: an approval would be refused (SEC-051)',
  out_of_limit: 'Price moved beyond the slippage limit: an approval would be refused (SEC-050)',
};

export function fmtAge(ms) {
  if (ms === null || ms === undefined || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + String(s % 60).padStart(2, '0') + ' s';
  return Math.floor(s / 3600) + ' h ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + ' min';
}

/** Thousands separated, the decimals as the gateway wrote them (no float rounding). */
export function fmtAmount(text) {
  if (text === null || text === undefined) return '—';
  const [int, frac] = String(text).split('.');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? '.' + frac : '');
}

/** The deviation as the gateway computed it, shortened for reading: "0.0267%". */
export function fmtPct(text) {
  if (text === null || text === undefined) return '—';
  const n = Number(text);
  return (Math.abs(n) >= 1 ? n.toFixed(2) : Number(n.toPrecision(3)).toString()) + '%';
}

/** The quote's age now, from its timestamp and the gateway clock (skew: gateway time − browser time). */
function ageNow(m, skew) {
  if (!m.quote) return null;
  return Math.max(0, Date.now() + skew - Date.parse(m.quote.quoted_at));
}

/** The verdict now: the gateway's, except that a quote that has aged past the limit since is stale. */
export function verdictNow(m, skew) {
  const age = ageNow(m, skew);
  if (m.verdict === 'ok' && age !== null && age > m.quote_max_age_seconds * 1000) return 'stale';
  return m.verdict;
}

export function marketFacts(m, skew) {
  const v = verdictNow(m, skew);
  const q = m.quote;
  return el('div', { class: 'market verdict-' + v, dataset: { verdict: v } },
    el('p', { class: 'verdict', id: 'market-verdict' }, VERDICTS[v] || v),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Latest quote'),
      el('dd', { id: 'market-quote' }, q ? 'bid ' + q.bid + ' / ask ' + q.ask : 'none'),
      el('dt', {}, 'Quote age'),
      el('dd', {}, el('span', { class: 'quote-age', id: 'market-age', dataset: { quotedAt: q ? q.quoted_at : '', maxAge: m.quote_max_age_seconds } },
        fmtAge(ageNow(m, skew))), ' (limit ' + m.quote_max_age_seconds + ' s)'),
      el('dt', {}, (m.side === 'SELL' ? 'Bid' : 'Ask') + ' now vs requested'),
      el('dd', {}, (m.reference_price || '—') + ' vs ' + m.requested_price),
      el('dt', {}, 'Deviation'),
      el('dd', { id: 'market-deviation', class: m.within_limit === false ? 'flag' : '' },
        fmtPct(m.deviation_pct) + ' of the ' + m.slippage_max_pct + '% limit'),
      el('dt', {}, 'Notional'),
      el('dd', { id: 'market-notional' }, fmtAmount(m.notional))));
}

/** The compact cell of the pending list: price now, deviation and quote age, flagged when a click would be refused. */
export function marketCell(m, skew) {
  const v = verdictNow(m, skew);
  return el('div', { class: 'market-cell verdict-' + v, dataset: { verdict: v } },
    el('div', {}, m.quote ? (m.reference_price + ' · ' + fmtPct(m.deviation_pct) + ' / ' + m.slippage_max_pct + '%') : 'no quote'),
    el('div', { class: 'muted' }, m.quote ? [el('span', { class: 'quote-age', dataset: { quotedAt: m.quote.quoted_at, maxAge: m.quote_max_age_seconds } },
      fmtAge(ageNow(m, skew))), ' old'] : ''),
    v === 'ok' ? null : el('div', { class: 'flag' }, v === 'out_of_limit' ? 'out of limit' : v === 'stale' ? 'stale quote' : 'cannot be priced'));
}

/** Moves every quote age under root on, and flags a quote that has just gone stale. */
export function marketCells(root, skew) {
  root.querySelectorAll('.quote-age').forEach(s => {
    if (!s.dataset.quotedAt) return;
    const age = Math.max(0, Date.now() + skew - Date.parse(s.dataset.quotedAt));
    s.textContent = fmtAge(age);
    if (age > Number(s.dataset.maxAge) * 1000) {
      const box = s.closest('[data-verdict]');
      if (box && box.dataset.verdict === 'ok') {
        box.dataset.verdict = 'stale';
        box.classList.replace('verdict-ok', 'verdict-stale');
        const text = box.querySelector('.verdict');
        if (text) text.textContent = VERDICTS.stale;
        else box.appendChild(el('div', { class: 'flag' }, 'stale quote'));
      }
    }
  });
}
