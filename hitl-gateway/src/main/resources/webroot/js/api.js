// Calls to the gateway API with the operator's token; refusals become ApiError with a readable message.

const KEY = 'hitl.token';

export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
    this.code = problem && problem.code;
  }
}

export function token() {
  return sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
}

export function saveToken(value, remember) {
  signOut();
  (remember ? localStorage : sessionStorage).setItem(KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
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
  const t = tokenOverride || token();
  if (t) headers['Authorization'] = 'Bearer ' + t;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
    if (status === 401) msg += ' Sign in again with a valid token.';
    return msg + ' [' + problem.code + ']';
  }
  if (status === 404) return 'Not available on this gateway (HTTP 404).';
  return 'The gateway answered HTTP ' + status + (text ? ': ' + text.slice(0, 200) : '') + '.';
}

/** Saves what a GET answers (an export) as a file, with the operator's token; a refusal becomes ApiError. */
export async function apiDownload(path, filename) {
  const headers = { 'Accept': 'text/csv, application/problem+json', 'X-Hitl-Channel': 'console' };
  const t = token();
  if (t) headers['Authorization'] = 'Bearer ' + t;
  let res;
  try {
    res = await fetch(path, { method: 'GET', headers });
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
