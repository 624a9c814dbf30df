// Sign-in by pasting a token, or by a link that carries one: #/signin?token=...&next=/approvals/<id>.

import { api, saveToken, signOut, claims } from '../api.js';
import { el, showError, clearBanner } from '../ui.js';

export function render(main, { params, go }) {
  const next = safeNext(params.get('next'));
  const box = el('textarea', { id: 'token', name: 'token', autocomplete: 'off', spellcheck: 'false', placeholder: 'eyJ…' });
  const remember = el('input', { type: 'checkbox', id: 'remember' });
  const button = el('button', { class: 'btn primary', type: 'submit', id: 'signin-button' }, 'Sign in');
  const form = el('form', { class: 'panel signin' },
    el('h1', {}, 'Sign in'),
    el('p', { class: 'muted' }, 'Paste the access token your administrator issued (hitl-gateway token --subject NAME --roles approver).'),
    el('label', { class: 'field' }, 'Token', box),
    el('label', { class: 'check' }, remember, 'Keep me signed in on this device'),
    el('div', { class: 'actions' }, button));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    await signIn(box.value.trim(), remember.checked, next, go, button);
  });
  main.appendChild(form);

  const linked = params.get('token');
  if (linked) {
    // the token leaves the address bar (and the history) before anything else happens
    history.replaceState(null, '', location.pathname + '#/signin' + (next ? '?next=' + encodeURIComponent(next) : ''));
    signIn(linked, false, next, go, button);
  } else {
    box.focus();
  }
}

async function signIn(value, remember, next, go, button) {
  clearBanner();
  if (!value) {
    showError('Paste a token first.');
    return;
  }
  if (!claims(value)) {
    showError('That does not look like a token: a token has three parts separated by dots.');
    return;
  }
  button.disabled = true;
  try {
    // one cheap authenticated call proves the token before it is stored
    await api('GET', '/api/v1/approvals?status=pending&limit=1', undefined, value);
    saveToken(value, remember);
    go(next || '/pending');
  } catch (err) {
    signOut();
    showError('The gateway refused this token. ' + err.message);
  } finally {
    button.disabled = false;
  }
}

function safeNext(next) {
  return next && /^\/[a-z]+(\/[0-9a-fA-F-]{36})?$/.test(next) && next !== '/signin' ? next : null;
}
