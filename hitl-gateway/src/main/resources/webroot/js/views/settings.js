// Approval settings: trading mode and the approval toggles, each change confirmed.

import { api } from '../api.js';
import { el, fill, clear, showError, showInfo, clearBanner, confirmDialog } from '../ui.js';
import { unavailable } from './guardian.js';

const TOGGLES = [
  ['auto_approve_paper', 'Auto-approve paper trades', 'Paper-mode trade requests are approved at once by the system.'],
  ['require_approval_for_live', 'Require approval for live trades', 'Live-mode trade requests wait for an operator.'],
  ['hitl_enabled', 'Human approval enabled', 'When off, every request is approved at once by the system.'],
];

export function render(main) {
  const box = el('section', { class: 'panel', id: 'settings' }, el('p', { class: 'muted' }, 'Loading…'));
  fill(main, el('h1', {}, 'Approval settings'), box);

  async function load() {
    try {
      draw(await api('GET', '/api/v1/settings/approval'));
    } catch (err) {
      unavailable(box, 'Approval settings', err, 'Approval settings are not available on this gateway.');
    }
  }

  function draw(s) {
    const mode = el('select', { id: 'trading-mode' }, ['paper', 'live', 'disabled'].map(m => el('option', { value: m }, m)));
    mode.value = s.trading_mode;
    mode.addEventListener('change', () => save(s, { trading_mode: mode.value }, 'Switch trading mode from ' + s.trading_mode + ' to ' + mode.value + '?'));
    const toggles = TOGGLES.filter(([k]) => k in s).map(([key, label, help]) => {
      const box = el('input', { type: 'checkbox', id: 'setting-' + key, checked: !!s[key] });
      box.addEventListener('change', () => save(s, { [key]: box.checked }, (box.checked ? 'Turn on' : 'Turn off') + ' “' + label + '”?'));
      return el('div', {}, el('label', { class: 'check' }, box, label), el('p', { class: 'muted' }, help));
    });
    fill(clear(box), 
      el('label', { class: 'field' }, 'Trading mode', mode),
      el('p', { class: 'muted' }, 'paper: simulated orders · live: real orders · disabled: trade requests are refused'),
      toggles);
  }

  async function save(current, change, question) {
    const ok = await confirmDialog({ title: question, body: el('p', {}, 'The change applies at once on every gateway node and is audited.'), confirmLabel: 'Apply' });
    if (ok) {
      clearBanner();
      try {
        const body = {};
        for (const k of ['trading_mode', ...TOGGLES.map(([key]) => key)]) if (k in current) body[k] = current[k];
        await api('PUT', '/api/v1/settings/approval', { ...body, ...change });
        showInfo('Settings saved.');
      } catch (err) {
        showError(err);
      }
    }
    load();
  }

  load();
}
