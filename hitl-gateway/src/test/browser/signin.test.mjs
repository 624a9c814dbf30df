// Single sign-on in Debian's Chromium against a real OpenID Connect provider (mock-oauth2-server's login page):
// the console offers only "Sign in with …", the operator signs in at the provider with a subject and a groups
// claim that maps to approver, approves a pending request from the console, signs out, has a sign-in cancelled at the provider shown in
// words on the sign-in screen (no session), and the old session
// cookie, replayed on the API, is refused. Prints "ALL PASSED" on success.
//
// Environment: HITL_URL (gateway base URL, the host HITL_PUBLIC_URL names), HITL_ISSUER (the provider's issuer),
// HITL_SUBMITTER_TOKEN, HITL_VIEWER_TOKEN, HITL_SCREENSHOT_DIR, HITL_CHROMIUM (default /usr/bin/chromium).

import { need, ok, run } from './harness.mjs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const base = need('HITL_URL');
const issuer = need('HITL_ISSUER');
const submitter = need('HITL_SUBMITTER_TOKEN');
const viewer = need('HITL_VIEWER_TOKEN');
const shots = need('HITL_SCREENSHOT_DIR');
const TIMEOUT = 15000;


/** One API call; {status, body} whatever the status. */
async function call(method, path, headers, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Accept': 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const bearer = token => ({ 'Authorization': 'Bearer ' + token });

async function trade(ticker, reason) {
  const r = await call('POST', '/api/v1/approvals/trade', bearer(submitter), {
    ticker, action: 'BUY', quantity: 10, price: '2850.5', risk_pct: 0.5, confidence: 0.9, strategy: 'momentum', reason,
    timeout_seconds: 900,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.request_id;
}

await run({ height: 820, timeout: TIMEOUT, shots }, async ({ page, context, profile }) => {

  const first = await trade('7203.T', 'Strong momentum');
  const second = await trade('7203.T', 'Second leg');

  // a development mode link: with single sign-on the token is not taken, and leaves the address bar
  await page.goto(base + '/console/#/signin?token=eyJhbGciOiJIUzI1NiJ9.e30.c2ln&next=/pending');
  await page.waitForSelector('#sso-button');
  assert.equal(await page.evaluate(() => location.hash.includes('token')), false, 'the token stayed in the address bar');
  await page.goto(base + '/console/');
  await page.waitForURL(/\/console\/#\/signin\?next=%2Fpending$/);
  await page.waitForSelector('#sso-button');
  assert.match(await page.textContent('#sso-button'), /^Sign in with \S+/);
  assert.equal(await page.$('#token'), null, 'the paste-a-token form is shown beside single sign-on');
  assert.equal(await page.$('#dev-mode'), null, 'the development notice is shown with an identity provider');
  await page.screenshot({ path: join(shots, 'signin-sso.png') });
  ok('the sign-in screen offers only "' + (await page.textContent('#sso-button')) + '"');

  await page.click('#sso-button');
  await page.waitForURL(u => u.href.startsWith(issuer));
  assert.match(page.url(), /code_challenge_method=S256/);
  await page.fill('input[name=username]', 'alice');
  await page.fill('textarea[name=claims]', JSON.stringify({ groups: ['desk-approvers'] }));
  await page.screenshot({ path: join(shots, 'provider-login.png') });
  await page.click('input[type=submit]');
  await page.waitForURL(/\/console\/#\/pending$/);
  await page.waitForSelector(`#pending-rows tr[data-id="${first}"]`);
  assert.match(await page.textContent('#who'), /^alice \(.*approver.*\)/);
  // the live stream's token is minted with the session (a POST: it carries the CSRF token)
  await page.waitForSelector('#live.on');
  ok('signed in at the provider\'s login page as alice; back on the pending screen, live: ' + await page.textContent('#who'));

  const cookies = (await context.cookies(base)).filter(c => c.name === 'hitl.session');
  assert.equal(cookies.length, 1, 'one session cookie');
  const cookie = cookies[0];
  assert.equal(cookie.httpOnly, true);
  assert.equal(await page.evaluate(() => document.cookie.includes('hitl.session')), false, 'the page can read the cookie');
  const stored = await page.evaluate(() => [...Object.values(localStorage), ...Object.values(sessionStorage)].join(' '));
  assert.ok(!/eyJ/.test(stored), 'a token is kept in the browser\'s storage: ' + stored);
  const csrf = (await page.evaluate(() => fetch('/auth/session').then(r => r.json()))).csrf_token;
  assert.ok(csrf, 'the session names a CSRF token');
  ok('the browser holds only an HttpOnly session cookie, no token in storage');

  await page.goto(base + '/console/#/approvals/' + first);
  await page.waitForSelector('#detail #approve');
  await page.click('#detail #approve');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector('#detail .status.approved');
  const approved = (await call('GET', '/api/v1/approvals/' + first, bearer(viewer))).body;
  assert.equal(approved.status, 'approved');
  assert.equal(approved.decided_by, 'alice');
  assert.equal(approved.decision_channel, 'console');
  const journal = (await call('GET', '/api/v1/audit?approval_id=' + first, bearer(viewer))).body.entries;
  const decision = journal.find(e => e.action === 'approved');
  assert.ok(decision, JSON.stringify(journal));
  assert.equal(decision.actor, 'alice');
  assert.equal(decision.payload.identity.subject, 'alice');
  assert.equal(decision.payload.identity.issuer, issuer);
  assert.ok(decision.payload.identity.session, 'the decision names the session');
  assert.ok(!JSON.stringify(journal).includes(cookie.value), 'the journal holds the session cookie');
  ok('approved from the console; the journal names alice, ' + issuer + ' and session ' + decision.payload.identity.session);

  await page.click('#signout');
  await page.waitForURL(/\/console\/#\/signin/);
  await page.waitForSelector('#sso-button');
  ok('signed out: back on the sign-in screen');

  // a sign-in cancelled at the provider comes back to the sign-in screen, which says why, with no session
  await page.goto(base + '/auth/login?next=/pending');
  await page.waitForURL(u => u.toString().startsWith(issuer));
  await page.goto(base + '/auth/callback?error=access_denied&state=cancelled');
  await page.waitForURL(/\/console\/#\/signin\?error=access_denied$/);
  const why = await page.textContent('#signin-error');
  assert.match(why, /cancelled or refused at the identity provider/);
  await page.waitForSelector('#sso-button');
  await page.screenshot({ path: join(shots, 'signin-failed.png') });
  assert.equal(await page.evaluate(() => fetch('/auth/session').then(r => r.status)), 401);
  ok('a sign-in cancelled at the provider: back on the sign-in screen saying "' + why + '", no session');

  const replay = { 'Cookie': 'hitl.session=' + cookie.value };
  const read = await call('GET', '/api/v1/approvals?status=pending', replay);
  assert.equal(read.status, 401, JSON.stringify(read.body));
  assert.equal(read.body.code, 'SEC-001');
  const act = await call('POST', '/api/v1/approvals/' + second + '/approve', { ...replay, 'X-CSRF-Token': csrf }, {});
  assert.equal(act.status, 401, JSON.stringify(act.body));
  assert.equal((await call('GET', '/api/v1/approvals/' + second, bearer(viewer))).body.status, 'pending');
  ok('the old session cookie, replayed after sign-out, is refused (401 ' + read.body.code + ') and changes nothing');
});
