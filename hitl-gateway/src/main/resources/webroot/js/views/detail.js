// One request: what it carries, the market a trader checks before clicking, the quorum progress, the
// acknowledgements its policy requires, approve (as asked or with changes inside the policy), reject, re-request,
// and its audit history.

import { api, who as signedInAs } from '../api.js';
import { live } from '../live.js';
import { el, fill, clear, showError, showInfo, clearBanner, confirmDialog, fmtTime, fmtCountdown, riskBadge, statusBadge, trade } from '../ui.js';
import { editForm, diffList } from './edits.js';
import { marketFacts, marketCells } from './market.js';

export function render(main, { match, go }) {
  const id = match[1].toLowerCase();
  const root = el('div', { id: 'detail' }, el('p', { class: 'muted' }, 'Loading…'));
  fill(main, el('p', {}, el('a', { href: '#/pending' }, '← Pending approvals')), root);
  let current = null;
  let snapshot = null;
  let editor = null;
  let editButton = () => {};
  let skew = 0;
  let timer = null;
  let comment = null;
  const ackErrors = {};

  async function load() {
    try {
      const [a, history] = await Promise.all([
        api('GET', '/api/v1/approvals/' + id),
        api('GET', '/api/v1/audit?approval_id=' + id + '&limit=500').catch(err => ({ error: err })),
      ]);
      if (!snapshot) {
        // the rules this request is decided by: its policy snapshot, with the schema of the edits it allows
        snapshot = await api('GET', '/api/v1/schemas/' + encodeURIComponent(a.type) + '?request_id=' + id)
          .then(s => s.request).catch(err => ({ error: err }));
      }
      current = a;
      if (typeof a.seconds_remaining === 'number') {
        skew = Date.parse(a.expires_at) - Date.now() - a.seconds_remaining * 1000 - 500;
      }
      draw(a, history);
    } catch (err) {
      clear(root).appendChild(el('div', { class: 'panel' }, el('p', { class: 'error' }, err.message)));
    }
  }

  function me() {
    const w = signedInAs() || {};
    return { sub: w.subject || null, roles: w.roles || [] };
  }

  /** "1 of 2 approvals: alice — needs 1 more from risk or bob". */
  function progressLine(a) {
    const p = a.progress || { approvals: 0, required: a.required_approvals, approvers: [] };
    const needed = Math.max(0, p.required - p.approvals);
    const who = snapshot && !snapshot.error && snapshot.approvers
      ? [...(snapshot.approvers.roles || []), ...(snapshot.approvers.users || [])] : [];
    let text = p.summary || (p.approvals + ' of ' + p.required + ' approvals');
    if (a.status === 'pending' && needed > 0) text += ' — needs ' + needed + ' more' + (who.length ? ' from ' + who.join(' or ') : '');
    if (p.vetoed_by) text += ' — vetoed by ' + p.vetoed_by;
    return { text, needed, p };
  }

  function draw(a, history) {
    const keep = comment ? comment.value : '';
    const t = trade(a);
    const pending = a.status === 'pending';
    comment = el('textarea', { id: 'comment', maxlength: 2000, placeholder: 'Optional: kept in the audit record' });
    comment.value = keep;
    const countdown = el('span', { id: 'countdown', class: 'countdown' });
    const progress = progressLine(a);
    const acks = a.acknowledgements || null;
    const missing = acks ? acks.missing || [] : [];

    const facts = [
      ['Status', statusBadge(a.status)],
      ['Risk', riskBadge(a.risk_level)],
      ['Type', a.type],
      ['Requested by', a.requested_by],
      ['Created', fmtTime(a.created_at)],
      ['Expires', [fmtTime(a.expires_at), pending ? [' · ', countdown] : null]],
      ['Approvals', el('span', { id: 'progress' }, progress.text)],
      a.policy_name && ['Policy', a.policy_name + (a.policy_version !== null && a.policy_version !== undefined ? ' v' + a.policy_version : '')],
      a.trade_id && ['Trade id', el('span', { class: 'mono' }, a.trade_id)],
      a.escalation_level ? ['Escalation level', String(a.escalation_level)] : null,
      a.lineage_id && a.lineage_id !== a.request_id && ['Re-request of', el('a', { href: '#/approvals/' + a.lineage_id, class: 'mono' }, a.lineage_id)],
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
      el('div', { class: 'cols detail-cols' },
        el('div', {},
          el('section', { class: 'panel facts' },
            el('h2', {}, t.ticker ? t.side + ' ' + t.quantity + ' ' + t.ticker + (t.price ? ' @ ' + t.price : '') : 'Details'),
            el('dl', { class: 'kv' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]))),
          a.market ? el('section', { class: 'panel', id: 'market' }, el('h2', {}, 'Market now'), marketFacts(a.market, skew)) : null,
          a.overrides ? overridesPanel(a.overrides) : null,
          el('section', { class: 'panel context' },
            el('h2', {}, 'Context'),
            context.length ? el('dl', { class: 'kv', id: 'context' }, context.map(([k, v]) => [el('dt', {}, k), el('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]))
              : el('p', { class: 'muted' }, 'No context.')),
          el('section', { class: 'panel history' },
            el('h2', {}, 'History'),
            timeline(history))),
        el('div', {},
          pending && acks ? acknowledgementPanel(acks) : null,
          el('section', { class: 'panel', id: 'decision' },
            el('h2', {}, pending ? 'Decision' : 'Decided'),
            pending ? decisionControls(a, progress, missing)
              : [el('p', {}, 'This request is ', statusBadge(a.status), a.decided_by ? ' (' + a.decided_by + ')' : '', '.'),
                a.status === 'rejected' || a.status === 'expired' ? reRequestControls(a) : null]),
          pending ? editPanel(a, progress, missing) : null,
          el('section', { class: 'panel votes' },
            el('h2', {}, 'Votes'),
            votes.length ? el('ul', {}, votes.map(v => el('li', {}, v.approver + ': ' + v.decision + ' via ' + v.channel + ' at ' + fmtTime(v.at) + (v.comment ? ' — ' + v.comment : ''))))
              : el('p', { class: 'muted' }, 'No votes yet.')))));
    tick();
  }

  function decisionControls(a, progress, missing) {
    const approve = el('button', { class: 'btn approve', type: 'button', id: 'approve', disabled: missing.length > 0 },
      missing.length ? 'Approve — needs ' + missing.join(', ') : 'Approve');
    const reject = el('button', { class: 'btn reject', type: 'button', id: 'reject' }, 'Reject');
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    return [
      missing.length ? el('p', { class: 'warn', id: 'approve-blocked' }, 'Approval waits for the acknowledgement of '
        + missing.join(' and ') + ' (the policy requires it).') : null,
      el('label', { class: 'field' }, 'Comment', comment),
      el('div', { class: 'actions' }, approve, reject),
    ];
  }

  function acknowledgementPanel(acks) {
    const who = me();
    const personas = snapshot && !snapshot.error ? snapshot.acknowledgements || [] : [];
    const done = new Map((acks.acknowledged || []).map(x => [x.persona, x]));
    return el('section', { class: 'panel', id: 'acknowledgements' },
      el('h2', {}, 'Acknowledgements'),
      el('p', { class: 'muted' }, (acks.required || []).length - (acks.missing || []).length + ' of ' + (acks.required || []).length
        + ' acknowledged; each must be ticked before anyone may approve.'),
      el('ul', { class: 'acks' }, (acks.required || []).map(persona => {
        const ticked = done.get(persona);
        const rule = personas.find(p => p.persona === persona);
        const holders = rule ? [...(rule.roles || []).map(r => 'role ' + r), ...(rule.users || [])] : [];
        const mine = !rule || (rule.users || []).includes(who.sub) || (rule.roles || []).some(r => who.roles.includes(r));
        const box = el('input', { type: 'checkbox', id: 'ack-' + persona, checked: !!ticked, disabled: !!ticked, dataset: { persona } });
        box.addEventListener('change', () => acknowledge(persona, box));
        const error = ackErrors[persona] ? el('div', { class: 'error', role: 'alert' }, ackErrors[persona]) : null;
        return el('li', { class: ticked ? 'done' : '' },
          el('label', { class: 'check' }, box, el('strong', {}, persona)),
          ticked ? el('div', { class: 'muted' }, 'by ' + ticked.by + ' at ' + fmtTime(ticked.at) + (ticked.comment ? ' — ' + ticked.comment : ''))
            : el('div', { class: 'muted' }, holders.length ? 'ticked by ' + holders.join(' or ') + (mine ? '' : ' (not you)') : ''),
          error);
      })));
  }

  async function acknowledge(persona, box) {
    box.disabled = true;
    delete ackErrors[persona];
    clearBanner();
    try {
      await api('POST', '/api/v1/approvals/' + id + '/acknowledge', { persona });
      showInfo('Acknowledged as ' + persona + '.');
    } catch (err) {
      ackErrors[persona] = err.message;
    }
    load();
  }

  function editPanel(a, progress, missing) {
    if (!snapshot || snapshot.error) {
      return snapshot && snapshot.error ? el('section', { class: 'panel', id: 'edit' }, el('h2', {}, 'Approve with changes'),
        el('p', { class: 'muted' }, 'The edit rules are not available: ' + snapshot.error.message)) : null;
    }
    const t = trade(a);
    if (!editor) editor = editForm(snapshot.edits, a.context || {}, t.side, () => editButton());
    if (!editor.available) return null;
    // edits go with the approval that decides: the one completing the quorum, or a super-approver's
    const deciding = progress.needed <= 1 || (snapshot.super_approvers || []).includes(me().sub);
    const button = el('button', { class: 'btn approve', type: 'button', id: 'approve-edits' }, 'Approve with changes');
    const note = el('p', { class: 'muted', id: 'approve-edits-note' });
    function buttonState() {
      const n = editor.count();
      button.disabled = n === 0 || missing.length > 0 || !deciding;
      note.textContent = missing.length ? 'Waiting for the acknowledgement of ' + missing.join(' and ') + '.'
        : !deciding ? 'Changes go with the approval that completes the quorum (' + progress.needed + ' more needed).'
          : n === 0 ? '' : 'Your approval decides the request with these values; the request keeps what was asked beside them.';
    }
    button.addEventListener('click', () => approveWithEdits());
    editButton = buttonState;
    buttonState();
    return el('section', { class: 'panel', id: 'edit' },
      el('h2', {}, 'Approve with changes'),
      el('p', { class: 'muted' }, 'Only what the policy allows can change.'),
      editor.node,
      note,
      el('div', { class: 'actions' }, button));
  }

  async function approveWithEdits() {
    const edits = editor.edits();
    const rows = editor.rows();
    if (!rows.length) return;
    const note = comment.value.trim();
    const answer = await confirmDialog({
      title: 'Approve “' + current.title + '” with changes?',
      body: fill(el('div', {}, el('p', {}, 'The requester proceeds with these values as soon as you confirm.')), diffList(rows)),
      confirmLabel: 'Approve with changes',
      tone: 'approve',
    });
    if (!answer) return;
    clearBanner();
    try {
      const a = await api('POST', '/api/v1/approvals/' + id + '/approve', { edits, comment: note || undefined });
      comment.value = '';
      showInfo('The request is ' + a.status + (a.overrides ? ' with ' + Object.keys(a.overrides.diff || {}).join(', ') + ' changed.' : '.'));
    } catch (err) {
      if (err.problem && err.problem.edit_refusal) {
        // shown in the form, under the fields it names, until the values change
        editor.showRefusal(err.problem, err.message);
        return;
      }
      showError(err);
    }
    load();
  }

  function overridesPanel(o) {
    const diff = Object.entries(o.diff || {});
    return el('section', { class: 'panel', id: 'overrides' },
      el('h2', {}, 'Approved with changes'),
      el('p', { class: 'muted' }, 'Changed by ' + (o.edited_by || 'the approver') + '; the request keeps what was asked.'),
      el('table', { class: 'grid' },
        el('thead', {}, el('tr', {}, ['Key', 'Asked', 'Approved'].map(h => el('th', {}, h)))),
        el('tbody', {}, diff.map(([k, v]) => el('tr', { dataset: { key: k } }, el('td', { class: 'mono' }, k),
          el('td', { class: 'num' }, String(v.from)), el('td', { class: 'num' }, String(v.to)))))));
  }

  function reRequestControls(a) {
    const button = el('button', { class: 'btn primary', type: 'button', id: 'rerequest' }, 'Re-request');
    button.addEventListener('click', async () => {
      const answer = await confirmDialog({
        title: 'Ask again: “' + a.title + '”?',
        body: el('p', {}, 'A new request with the same details goes to the approvers, matched against the policy in force now. '
          + 'Only the requester or an admin may re-request.'),
        confirmLabel: 'Re-request',
        tone: 'primary',
        reason: 'optional',
      });
      if (!answer) return;
      clearBanner();
      try {
        const fresh = await api('POST', '/api/v1/approvals/' + id + '/re-request', answer.reason ? { reason: answer.reason } : {});
        showInfo('Re-requested as a new request.');
        go('/approvals/' + fresh.request_id);
      } catch (err) {
        showError(err);
      }
    });
    return el('div', { class: 'actions' }, button);
  }

  function timeline(history) {
    if (history && history.error) return el('p', { class: 'muted' }, 'History is not available: ' + history.error.message);
    const entries = (history && history.entries) || [];
    if (!entries.length) return el('p', { class: 'muted' }, 'No entries.');
    return el('ol', { class: 'timeline', id: 'history' }, entries.map(e => el('li', { class: e.error_code ? 'refused' : '', dataset: { action: e.action } },
      el('div', {}, el('strong', {}, e.action.replace(/_/g, ' ')), ' by ', e.actor,
        e.previous_state || e.new_state ? ' · ' + (e.previous_state || '—') + ' → ' + (e.new_state || '—') : '',
        e.error_code ? ' · ' + e.error_code : ''),
      detailLine(e),
      el('div', { class: 'when' }, fmtTime(e.created_at) + ' · #' + e.seq))));
  }

  function detailLine(e) {
    const p = e.payload;
    if (!p) return null;
    const parts = ['channel', 'persona', 'reason', 'comment', 'detail'].filter(k => p[k] && typeof p[k] !== 'object').map(k => k + ': ' + p[k]);
    if (e.action === 'edits_applied' && p.diff) {
      parts.unshift(Object.entries(p.diff).map(([k, v]) => k + ' ' + v.from + ' → ' + v.to).join(', '));
    }
    return parts.length ? el('div', { class: 'entry-detail' }, parts.join(' · ')) : null;
  }

  function tick() {
    const c = root.querySelector('#countdown');
    if (c && current) c.textContent = 'in ' + fmtCountdown(Date.parse(current.expires_at) - (Date.now() + skew));
    if (current && current.market) marketCells(root, skew);
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

  /** Quotes move without events: the market panel alone is read again, so nothing the operator types is redrawn. */
  async function refreshMarket() {
    if (!current || current.status !== 'pending' || !current.market) return;
    try {
      const a = await api('GET', '/api/v1/approvals/' + id);
      const panel = root.querySelector('#market');
      if (!a.market || !panel || a.request_id !== current.request_id) return;
      current.market = a.market;
      fill(clear(panel), el('h2', {}, 'Market now'), marketFacts(a.market, skew));
    } catch (err) {
      // the next event or refresh shows the request again; a failed background read is not worth a banner
    }
  }

  const unsubscribe = live.subscribe(e => {
    const a = e.approval;
    if (a && a.request_id === id || e.event === 'stream.open' && !e.resumed) load();
  });
  timer = setInterval(tick, 1000);
  const prices = setInterval(refreshMarket, 20000);
  load();
  return () => {
    unsubscribe();
    clearInterval(timer);
    clearInterval(prices);
  };
}
