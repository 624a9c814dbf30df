// Sign-in. With an identity provider (HITL_OIDC_ISSUER): one button that goes to the provider's login page and
// comes back signed in (a session cookie, no token in the browser). Without one (development): paste a token,
// or follow a link that carries one: #/signin?token=...&next=/approvals/<id>.

import { api, saveToken, forget, claims, viaProvider, signInConfig, loginUrl } from '../api.js';
import { el, showError, clearBanner } from '../ui.js';

export function render(main, { params, go }) {
  const next = safeNext(params.get('next'));
  if (viaProvider()) {
    if (params.get('token')) {
      // a development link: tokens are not taken here, and this one leaves the address bar and the history
      history.replaceState(null, '', location.pathname + '#/signin' + (next ? '?next=' + encodeURIComponent(next) : ''));
    }
    renderProvider(main, next, failure(params.get('error')));
    return;
  }
  const box = el('textarea', { id: 'token', name: 'token', autocomplete: 'off', spellcheck: 'false', placeholder: 'eyJ…' });
  const remember = el('input', { type: 'checkbox', id: 'remember' });
  const button = el('button', { class: 'btn primary', type: 'submit', id: 'signin-button' }, 'Sign in');
  const form = el('form', { class: 'panel signin' },
    el('h1', {}, 'Sign in'),
    el('p', { class: 'notice dev-mode', id: 'dev-mode' }, el('strong', {}, 'Development mode. '),
      'This gateway has no identity provider (HITL_OIDC_ISSUER is not set), so operators sign in with a token ',
      'minted from the gateway\u2019s own secret. Connect single sign-on before a desk uses it.'),
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

/** The provider's sign-in: the browser leaves for its login page and /auth/callback brings it back to next. */
function renderProvider(main, next, failed) {
  const c = signInConfig();
  const name = c.provider || 'your identity provider';
  const button = el('button', { class: 'btn primary', type: 'button', id: 'sso-button' }, 'Sign in with ' + name);
  button.addEventListener('click', () => {
    button.disabled = true;
    location.assign(loginUrl(next || '/pending'));
  });
  main.appendChild(el('section', { class: 'panel signin' },
    el('h1', {}, 'Sign in'),
    failed ? el('p', { class: 'notice error', id: 'signin-error', role: 'alert' }, failed) : null,
    el('p', { class: 'muted' }, 'Sign in with your organisation\u2019s account at ' + name
      + '. Your roles come from your groups there.'),
    el('div', { class: 'actions' }, button)));
  button.focus();
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
    forget();
    showError('The gateway refused this token. ' + err.message);
  } finally {
    button.disabled = false;
  }
}

// Why /auth/callback sent the browser back here (#/signin?error=REASON), in words; the provider's own error codes
// (RFC 6749 4.1.2.1, OpenID Connect 3.1.2.6) and the gateway's reasons.
const FAILURES = {
  access_denied: 'The sign-in was cancelled or refused at the identity provider.',
  login_required: 'The identity provider needs you to log in again.',
  interaction_required: 'The identity provider needs you to complete its login page.',
  consent_required: 'The identity provider needs your consent before this console may sign you in.',
  temporarily_unavailable: 'The identity provider is temporarily unavailable. Try again shortly.',
  server_error: 'The identity provider had an error. Try again shortly.',
  not_started: 'That sign-in was not started in this browser, or it was already used. Start again.',
  state_mismatch: 'That sign-in answer does not belong to the sign-in this browser started. Start again.',
  expired: 'The sign-in took too long. Start again.',
  invalid_code: 'The identity provider sent back no usable code. Start again.',
  exchange_failed: 'The identity provider did not confirm the sign-in. Start again.',
  no_subject: 'The identity provider did not say who you are, so the gateway cannot sign you in.',
  unavailable: 'The gateway has not reached the identity provider yet. Try again shortly.',
  not_configured: 'Single sign-on is not configured on this gateway.',
};

function failure(reason) {
  if (!reason) return null;
  const words = Object.prototype.hasOwnProperty.call(FAILURES, reason) ? FAILURES[reason]
    : 'The identity provider refused the sign-in (' + reason.slice(0, 64) + ').';
  return 'Sign-in failed. ' + words;
}

function safeNext(next) {
  return next && /^\/[a-z]+(\/[0-9a-fA-F-]{36})?$/.test(next) && next !== '/signin' ? next : null;
}
