// One request: everything it carries, its audit history, and approve/reject behind a confirmation.

import { api } from '../api.js';
import { live } from '../live.js';
import { el, fill, clear, showError, showInfo, clearBanner, confirmDialog, fmtTime, fmtCountdown, riskBadge, statusBadge, trade } from '../ui.js';

export function render(main, { match }) {
  const id = match[1].toLowerCase();
  const root = el('div', { id: 'detail' }, el('p', { class: 'muted' }, 'Loading…'));
  fill(main, el('p', {}, el('a', { href: '#/pending' }, '← Pending approvals')), root);
  let current = null;
  let skew = 0;
  let timer = null;
  let comment = null;

  async function load() {
    try {
      const [a, history] = await Promise.all([
        api('GET', '/api/v1/approvals/' + id),
        api('GET', '/api/v1/audit?approval_id=' + id + '&limit=500').catch(err => ({ error: err })),
      ]);
      current = a;
      if (typeof a.seconds_remaining === 'number') {
        skew = Date.parse(a.expires_at) - Date.now() - a.seconds_remaining * 1000 - 500;
      }
      draw(a, history);
    } catch (err) {
      clear(root).appendChild(el('div', { class: 'panel' }, el('p', { class: 'error' }, err.message)));
    }
  }

  function draw(a, history) {
    const keep = comment ? comment.value : '';
    const t = trade(a);
    const pending = a.status === 'pending';
    comment = el('textarea', { id: 'comment', maxlength: 2000, placeholder: 'Optional: kept in the audit record' });
    comment.value = keep;
    const approve = el('button', { class: 'btn approve', type: 'button', id: 'approve' }, 'Approve');
    const reject = el('button', { class: 'btn reject', type: 'button', id: 'reject' }, 'Reject');
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    const countdown = el('span', { id: 'countdown', class: 'countdown' });

    const facts = [
      ['Status', statusBadge(a.status)],
      ['Risk', riskBadge(a.risk_level)],
      ['Type', a.type],
      ['Requested by', a.requested_by],
      ['Created', fmtTime(a.created_at)],
      ['Expires', [fmtTime(a.expires_at), pending ? [' · ', countdown] : null]],
      ['Approvals needed', String(a.required_approvals)],
      a.trade_id && ['Trade id', el('span', { class: 'mono' }, a.trade_id)],
      a.escalation_level ? ['Escalation level', String(a.escalation_level)] : null,
      a.decided_at && ['Decided', fmtTime(a.decided_at) + ' by ' + a.decided_by + ' via ' + a.decision_channel],
      a.decision_reason && ['Reason', a.decision_reason],
      a.decision_comment && ['Comment', a.decision_comment],
      ['Request id', el('span', { class: 'mono' }, a.request_id)],
      a.correlation_id && ['Correlation id', el('span', { class: 'mono' }, a.correlation_id)],
    ].filter(Boolean);

    const context = Object.entries(a.context || {});
    const votes = a.votes || [];
    fill(clear(root), 
      el('h1', {}, a.title),
      a.description ? el('p', {}, a.description) : null,
      el('div', { class: 'cols' },
        el('div', {},
          el('section', { class: 'panel' },
            el('h2', {}, t.ticker ? t.side + ' ' + t.quantity + ' ' + t.ticker + (t.price ? ' @ ' + t.price : '') : 'Details'),
            el('dl', { class: 'kv' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]))),
          el('section', { class: 'panel' },
            el('h2', {}, 'Context'),
            context.length ? el('dl', { class: 'kv', id: 'context' }, context.map(([k, v]) => [el('dt', {}, k), el('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]))
              : el('p', { class: 'muted' }, 'No context.')),
          el('section', { class: 'panel' },
            el('h2', {}, 'History'),
            timeline(history))),
        el('div', {},
          el('section', { class: 'panel' },
            el('h2', {}, pending ? 'Decision' : 'Decided'),
            pending ? [
              el('label', { class: 'field' }, 'Comment', comment),
              el('div', { class: 'actions' }, approve, reject),
            ] : el('p', {}, 'This request is ', statusBadge(a.status), a.decided_by ? ' (' + a.decided_by + ')' : '', '.')),
          el('section', { class: 'panel' },
            el('h2', {}, 'Votes'),
            votes.length ? el('ul', {}, votes.map(v => el('li', {}, v.approver + ': ' + v.decision + ' via ' + v.channel + ' at ' + fmtTime(v.at) + (v.comment ? ' — ' + v.comment : ''))))
              : el('p', { class: 'muted' }, 'No votes yet.')))));
    tick();
  }

  function timeline(history) {
    if (history && history.error) return el('p', { class: 'muted' }, 'History is not available: ' + history.error.message);
    const entries = (history && history.entries) || [];
    if (!entries.length) return el('p', { class: 'muted' }, 'No entries.');
    return el('ol', { class: 'timeline', id: 'history' }, entries.map(e => el('li', { class: e.error_code ? 'refused' : '' },
      el('div', {}, el('strong', {}, e.action.replace(/_/g, ' ')), ' by ', e.actor,
        e.previous_state || e.new_state ? ' · ' + (e.previous_state || '—') + ' → ' + (e.new_state || '—') : '',
        e.error_code ? ' · ' + e.error_code : ''),
      detailLine(e.payload),
      el('div', { class: 'when' }, fmtTime(e.created_at) + ' · #' + e.seq))));
  }

  function detailLine(p) {
    if (!p) return null;
    const parts = ['channel', 'reason', 'comment', 'detail'].filter(k => p[k]).map(k => k + ': ' + p[k]);
    return parts.length ? el('div', {}, parts.join(' · ')) : null;
  }

  function tick() {
    const c = root.querySelector('#countdown');
    if (c && current) c.textContent = 'in ' + fmtCountdown(Date.parse(current.expires_at) - (Date.now() + skew));
  }

  async function decide(decision) {
    const approve = decision === 'approve';
    const note = comment.value.trim();
    const answer = await confirmDialog({
      title: (approve ? 'Approve' : 'Reject') + ' “' + current.title + '”?',
      body: el('p', {}, approve ? 'The requester proceeds as soon as you confirm.' : 'The requester is told to stop. Say why.'),
      confirmLabel: approve ? 'Approve' : 'Reject',
      tone: approve ? 'approve' : 'reject',
      reason: approve ? null : 'required',
    });
    if (!answer) return;
    clearBanner();
    try {
      const body = approve ? { comment: note || undefined } : { reason: answer.reason, comment: note || undefined };
      const a = await api('POST', '/api/v1/approvals/' + id + '/' + decision, body);
      comment.value = '';
      showInfo(a.status === 'pending' ? 'Your approval is counted; more approvals are needed.' : 'The request is ' + a.status + '.');
    } catch (err) {
      showError(err);
    }
    load();
  }

  const unsubscribe = live.subscribe(e => {
    const a = e.approval;
    if (a && a.request_id === id || e.event === 'stream.open' && !e.resumed) load();
  });
  timer = setInterval(tick, 1000);
  load();
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}
