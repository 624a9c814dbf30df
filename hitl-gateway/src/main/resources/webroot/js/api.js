// Calls to the gateway API as the signed-in operator; refusals become ApiError with a readable message.
// Two ways to be signed in, as /auth/config says: through the identity provider (a server-side session named by
// an HttpOnly cookie the page never sees; calls that change something carry the session's CSRF token), or, in
// development without an identity provider, with a pasted token kept in the browser's storage.

const KEY = 'hitl.token';
const SAFE = ['GET', 'HEAD', 'OPTIONS'];

/** {sign_in: 'oidc', login_url, issuer, provider} or {sign_in: 'token'}; null until loaded. */
let config = null;
/** The provider session: {subject, roles, issuer, session, expires_at, csrf_token}, or null when signed out. */
let session = null;

export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
    this.code = problem && problem.code;
  }
}

/** How this gateway signs operators in, and (with a provider) the current session; called before each screen. */
export async function loadSignIn() {
  if (!config) {
    const res = await get('/auth/config');
    if (!res.ok) throw new ApiError(res.status, describe(res.status, res.data, ''), res.data);
    config = res.data;
    if (viaProvider()) {
      // a token kept from development mode has no use beside single sign-on: none stays in the browser
      sessionStorage.removeItem(KEY);
      localStorage.removeItem(KEY);
    }
  }
  if (viaProvider() && !session) {
    const res = await get('/auth/session');
    session = res.ok ? res.data : null;
  }
  return config;
}

async function get(path) {
  let res;
  try {
    res = await fetch(path, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'Cannot reach the gateway (' + e.message + '). Check the network and try again.', null);
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  return { ok: res.ok, status: res.status, data };
}

/** True when sign-in goes through the identity provider (HITL_OIDC_ISSUER is set). */
export function viaProvider() {
  return !!config && config.sign_in === 'oidc';
}

export function signInConfig() {
  return config;
}

/** Where the browser goes to sign in at the provider, coming back to {@code next}. */
export function loginUrl(next) {
  return config.login_url + (next ? '?next=' + encodeURIComponent(next) : '');
}

/** Whether an operator is signed in: a live provider session, or (development) an unexpired stored token. */
export function signedIn() {
  if (viaProvider()) {
    if (session && Date.parse(session.expires_at) <= Date.now()) session = null;
    return !!session;
  }
  const t = token();
  if (!t) return false;
  const c = claims(t);
  if (c && c.exp && c.exp * 1000 < Date.now()) {
    forget();
    return false;
  }
  return true;
}

/** Who is signed in, for the header: {subject, roles, until (ms or null)}. */
export function who() {
  if (viaProvider()) {
    return session ? { subject: session.subject, roles: session.roles || [], until: Date.parse(session.expires_at) } : null;
  }
  const t = token();
  if (!t) return null;
  const c = claims(t) || {};
  return { subject: c.sub, roles: roles(t), until: c.exp ? c.exp * 1000 : null };
}

/** The development token, when signed in with one. */
export function token() {
  return sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
}

export function saveToken(value, remember) {
  forget();
  (remember ? localStorage : sessionStorage).setItem(KEY, value);
}

/** Forgets the sign-in in this page only (the gateway refused it, or it was ended). */
export function forget() {
  session = null;
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

/**
 * Signs out. With a provider the gateway ends the session everywhere (POST /auth/logout) and may name the
 * provider's end-session address, returned so the caller can go there; null otherwise.
 */
export async function signOut() {
  let providerLogout = null;
  if (viaProvider() && session) {
    try {
      const done = await api('POST', '/auth/logout');
      providerLogout = done && done.provider_logout_url ? done.provider_logout_url : null;
    } catch (e) {
      // already ended (401) or unreachable: the page forgets it either way
    }
  }
  forget();
  return providerLogout;
}

/** The claims of a JWT, for display only: the gateway verifies the signature on every call. */
export function claims(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch (e) {
    return null;
  }
}

export function roles(jwt) {
  const c = claims(jwt);
  if (!c) return [];
  if (Array.isArray(c.roles)) return c.roles;
  return typeof c.roles === 'string' ? c.roles.split(/[ ,]+/) : [];
}

export async function api(method, path, body, tokenOverride) {
  const headers = { 'Accept': 'application/json', 'X-Hitl-Channel': 'console' };
  const t = tokenOverride || (viaProvider() ? null : token());
  if (t) {
    headers['Authorization'] = 'Bearer ' + t;
  } else if (session && !SAFE.includes(method)) {
    // the session cookie goes by itself; the CSRF token proves the call comes from this console
    headers['X-CSRF-Token'] = session.csrf_token;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'Cannot reach the gateway (' + e.message + '). Check the network and try again.', null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !t) session = null;
    throw new ApiError(res.status, describe(res.status, data, text), data);
  }
  return data;
}

/** A problem+json document in words: what went wrong, the field errors, and the code for support. */
export function describe(status, problem, text) {
  if (problem && problem.code) {
    const detail = (problem.detail || '').trim();
    let msg = (problem.title || 'Refused') + ': ' + detail + (/[.!?]$/.test(detail) || !detail ? '' : '.');
    if (problem.errors && typeof problem.errors === 'object') {
      const fields = Object.entries(problem.errors).map(([k, v]) => k + ' ' + v);
      if (fields.length > 1) msg += ' (' + fields.join('; ') + ')';
    }
    if (problem.outcome && problem.outcome.status) {
      msg += ' It is already ' + problem.outcome.status + (problem.outcome.decided_by ? ' by ' + problem.outcome.decided_by : '') + '.';
    }
    if (status === 401) msg += viaProvider() ? ' Sign in again.' : ' Sign in again with a valid token.';
    return msg + ' [' + problem.code + ']';
  }
  if (status === 404) return 'Not available on this gateway (HTTP 404).';
  return 'The gateway answered HTTP ' + status + (text ? ': ' + text.slice(0, 200) : '') + '.';
}

/** Saves what a GET answers (an export) as a file, with the operator's token; a refusal becomes ApiError. */
export async function apiDownload(path, filename) {
  const headers = { 'Accept': 'text/csv, application/problem+json', 'X-Hitl-Channel': 'console' };
  const t = viaProvider() ? null : token();
  if (t) headers['Authorization'] = 'Bearer ' + t;
  let res;
  try {
    res = await fetch(path, { method: 'GET', headers, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'Cannot reach the gateway (' + e.message + '). Check the network and try again.', null);
  }
  if (!res.ok) {
    const text = await res.text();
    let problem = null;
    try {
      problem = JSON.parse(text);
    } catch (e) {
      problem = null;
    }
    throw new ApiError(res.status, describe(res.status, problem, text), problem);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
