// Scoped kill switches: the engaged ones (who, why, when), engaging one on a venue, strategy, account, desk
// or symbol, and releasing one. Engaging rejects the pending trades in its scope, so it asks first.

import { api } from '../api.js';
import { el, fill, clear, showError, showInfo, clearBanner, confirmDialog, fmtTime } from '../ui.js';

const SCOPES = ['venue', 'strategy', 'account', 'desk', 'symbol'];

export function switchesPanel(onUnavailable) {
  const box = el('section', { class: 'panel', id: 'switches' }, el('p', { class: 'muted' }, 'Loading…'));

  async function load() {
    try {
      const data = await api('GET', '/api/v1/switches');
      draw(data.items || []);
    } catch (err) {
      onUnavailable(box, 'Scoped kill switches', err, 'Scoped kill switches are not available on this gateway.');
    }
  }

  function draw(list) {
    const scope = el('select', { id: 'switch-scope' }, SCOPES.map(s => el('option', { value: s }, s)));
    const value = el('input', { type: 'text', id: 'switch-value', placeholder: 'XNAS', maxlength: 128, required: true });
    const reason = el('input', { type: 'text', id: 'switch-reason', placeholder: 'Venue connectivity incident', maxlength: 500, required: true });
    const form = el('form', { class: 'toolbar' },
      el('label', { class: 'field' }, 'Scope', scope),
      el('label', { class: 'field' }, 'Value', value),
      el('label', { class: 'field' }, 'Reason', reason),
      el('button', { class: 'btn danger', type: 'submit', id: 'switch-engage' }, 'Engage'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const label = scope.value + ' ' + value.value.trim();
      const ok = await confirmDialog({ title: 'Engage a kill switch on ' + label + '?',
        body: el('p', {}, 'Every pending trade on ' + label + ' is rejected, and new ones are refused until an admin releases it.'),
        confirmLabel: 'Engage', tone: 'danger' });
      if (!ok) return;
      clearBanner();
      try {
        const s = await api('POST', '/api/v1/switches', { scope: scope.value, value: value.value.trim(), reason: reason.value.trim() });
        showInfo(s.engaged ? 'Kill switch engaged on ' + s.scope + ' ' + s.value + ': ' + s.rejected + ' pending trade(s) rejected.'
          : 'A kill switch was already engaged on ' + s.scope + ' ' + s.value + '.');
      } catch (err) {
        showError(err);
      }
      load();
    });
    const rows = list.map(s => {
      const release = el('button', { class: 'btn', type: 'button' }, 'Release');
      release.addEventListener('click', async () => {
        const answer = await confirmDialog({ title: 'Release the kill switch on ' + s.scope + ' ' + s.value + '?',
          body: el('p', {}, 'Trades on ' + s.scope + ' ' + s.value + ' are accepted again.'), confirmLabel: 'Release', tone: 'primary' });
        if (!answer) return;
        clearBanner();
        try {
          await api('POST', '/api/v1/switches/' + encodeURIComponent(s.id) + '/release', {});
          showInfo('The kill switch on ' + s.scope + ' ' + s.value + ' is released.');
        } catch (err) {
          showError(err);
        }
        load();
      });
      return el('tr', {},
        el('td', { 'data-label': 'Scope' }, s.scope + ' ' + s.value),
        el('td', { 'data-label': 'Reason' }, s.reason || ''),
        el('td', { 'data-label': 'Set by' }, s.set_by || ''),
        el('td', { 'data-label': 'Since' }, fmtTime(s.set_at)),
        el('td', { 'data-label': 'Rejected' }, String(s.rejected)),
        el('td', {}, release));
    });
    fill(clear(box),
      el('h2', {}, 'Scoped kill switches'),
      form,
      el('div', { class: 'wrap' }, el('table', { class: 'grid cards' },
        el('thead', {}, el('tr', {}, ['Scope', 'Reason', 'Set by', 'Since', 'Rejected', ''].map(h => el('th', {}, h)))),
        el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No kill switch is engaged.'))))));
  }

  return { box, load };
}
