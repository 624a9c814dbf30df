// Drives the operator console in Debian's Chromium: sign in, a request created through the API shows
// up without a reload, approve it with the confirmation, reject another with the required reason,
// export history as CSV, lock and unlock trading as an admin, and take screenshots of the main screens. Prints "ALL PASSED" on success.
//
// Environment: HITL_URL (gateway base URL), HITL_APPROVER_TOKEN, HITL_SUBMITTER_TOKEN, HITL_ADMIN_TOKEN,
// HITL_SCREENSHOT_DIR (where screenshots go), HITL_CHROMIUM (default /usr/bin/chromium).

import { need, ok, run } from './harness.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const base = need('HITL_URL');
const approver = need('HITL_APPROVER_TOKEN');
const submitter = need('HITL_SUBMITTER_TOKEN');
const admin = need('HITL_ADMIN_TOKEN');
const shots = need('HITL_SCREENSHOT_DIR');
const TIMEOUT = 15000;


async function call(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(method + ' ' + path + ' -> ' + res.status + ' ' + text);
  return text ? JSON.parse(text) : null;
}

const trade = (ticker, action, quantity, price, riskPct, confidence, timeout, reason) =>
  call('POST', '/api/v1/approvals/trade', submitter, {
    ticker, action, quantity, price, risk_pct: riskPct, confidence, strategy: 'momentum', reason, timeout_seconds: timeout,
  });

await run({ height: 820, acceptDownloads: true, timeout: TIMEOUT, shots }, async ({ page, context, profile }) => {

  const seeded = [
    await trade('AAPL', 'BUY', 100, '187.20', 0.5, 0.9, 240, 'Breakout above the 50-day average'),
    await trade('TSLA', 'SELL', 40, '251.30', 2.5, 0.7, 900, 'Momentum fading after earnings'),
    await trade('7203.T', 'BUY', 100, '2850.5', 1.5, 0.85, 1800, 'Strong momentum'),
    await trade('NVDA', 'BUY', 25, '131.05', 6, 0.6, 75, 'Gap up on guidance'),
  ];
  await call('POST', '/api/v1/approvals', submitter, {
    type: 'RISK_LIMIT_CHANGE', title: 'Raise daily loss limit to 2%', description: 'Volatility regime change',
    context: { limit: 'daily_loss_pct', from: '1.5', to: '2.0' }, timeout_seconds: 3600,
  });

  await page.goto(base + '/');
  await page.waitForURL(/\/console\/#\/signin\?next=%2Fpending$/);
  ok('/ leads to the console sign-in');
  assert.match(await page.textContent('#dev-mode'), /Development mode/);
  ok('without an identity provider the paste-a-token screen says it is development mode');

  const forged = approver.slice(0, -3) + (approver.endsWith('AAA') ? 'BBB' : 'AAA');
  await page.fill('#token', forged);
  await page.click('#signin-button');
  await page.waitForSelector('#banner:not([hidden])');
  const refusal = await page.textContent('#banner-text');
  assert.match(refusal, /refused this token.*SEC-001/);
  ok('a bad token is refused in words: ' + refusal);

  await page.fill('#token', approver);
  await page.click('#signin-button');
  for (const r of seeded) await page.waitForSelector(`#pending-rows tr[data-id="${r.request_id}"]`);
  await page.waitForSelector('#live.on');
  ok('signed in; ' + seeded.length + ' seeded requests listed; live stream connected');

  const order = await page.$$eval('#pending-rows tr[data-id]', rows => rows.map(r => r.dataset.id));
  assert.deepEqual(order.slice(0, 4), [seeded[3], seeded[0], seeded[1], seeded[2]].map(r => r.request_id));
  ok('sorted by expiry');

  await page.evaluate(() => { window.__sameDocument = true; });
  const t0 = Date.now();
  const fresh = await trade('MSFT', 'BUY', 60, '415.10', 1.2, 0.8, 600, 'Cloud revenue beat');
  await page.waitForSelector(`#pending-rows tr[data-id="${fresh.request_id}"]`);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded');
  ok('a request created through the API appeared without reload after ' + (Date.now() - t0) + ' ms');
  await page.screenshot({ path: join(shots, 'pending.png') });

  await page.check(`#pending-rows tr[data-id="${fresh.request_id}"] input[type=checkbox]`);
  await page.click('#bulk-approve');
  await page.waitForSelector('dialog[open]');
  assert.match(await page.textContent('dialog[open] h2'), /Approve 1 request/);
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector(`#pending-rows tr[data-id="${fresh.request_id}"]`, { state: 'detached' });
  const approved = await call('GET', '/api/v1/approvals/' + fresh.request_id, approver);
  assert.equal(approved.status, 'approved');
  assert.equal(approved.decision_channel, 'console');
  ok('approved with the confirmation; it left the pending list (channel ' + approved.decision_channel + ')');

  const tsla = seeded[1];
  await page.click(`#pending-rows tr[data-id="${tsla.request_id}"] a`);
  await page.waitForSelector('#detail #reject');
  await page.waitForSelector('#detail #history li');
  await page.screenshot({ path: join(shots, 'detail.png'), fullPage: true });
  await page.fill('#comment', 'Spread too wide right now');
  await page.click('#reject');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[data-confirm]');
  assert.match(await page.textContent('dialog[open] .error'), /reason is required/);
  await page.fill('dialog[open] textarea[name=reason]', 'Risk above desk limit');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector('#detail .status.rejected');
  const rejected = await call('GET', '/api/v1/approvals/' + tsla.request_id, approver);
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.decision_reason, 'Risk above desk limit');
  assert.equal(rejected.decision_comment, 'Spread too wide right now');
  ok('rejected from the detail screen only once a reason was given');

  await page.click('nav a[data-nav=history]');
  await page.waitForSelector(`#history-rows tr[data-id="${fresh.request_id}"]`);
  await page.selectOption('#history-status', 'approved');
  await page.click('#history-apply');
  await page.waitForSelector(`#history-rows tr[data-id="${tsla.request_id}"]`, { state: 'detached' });
  await page.waitForSelector(`#history-rows tr[data-id="${fresh.request_id}"]`);
  await page.selectOption('#history-status', '');
  await page.click('#history-apply');
  await page.waitForSelector(`#history-rows tr[data-id="${tsla.request_id}"]`);
  await page.screenshot({ path: join(shots, 'history.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csvPath = join(profile, 'export.csv');
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8').trim().split(/\r\n/);
  assert.match(download.suggestedFilename(), /^hitl-history-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.equal(csv[0].split(',')[0], 'request_id');
  const approvedLine = csv.find(l => l.startsWith(fresh.request_id));
  assert.ok(approvedLine && approvedLine.includes(',approved,') && approvedLine.includes(',console,'), approvedLine);
  assert.ok(csv.some(l => l.startsWith(tsla.request_id) && l.includes('Risk above desk limit')));
  ok('history exported as CSV (' + (csv.length - 1) + ' rows)');

  await page.click('nav a[data-nav=guardian]');
  await page.waitForSelector('#guardian h2');
  await page.waitForSelector('#lockouts h2');
  await page.waitForFunction(() => { const el = document.querySelector('#guardian'); return el && !el.textContent.includes('Loading'); });
  await page.screenshot({ path: join(shots, 'guardian.png') });
  ok('guardian screen: ' + (await page.textContent('#guardian')).replace(/\s+/g, ' ').trim().slice(0, 80));
  await page.click('nav a[data-nav=settings]');
  await page.waitForFunction(() => { const el = document.querySelector('#settings'); return el && !el.textContent.includes('Loading'); });
  await page.screenshot({ path: join(shots, 'settings.png') });
  ok('settings screen: ' + (await page.textContent('#settings')).replace(/\s+/g, ' ').trim().slice(0, 80));

  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('nav a[data-nav=pending]');
  await page.waitForSelector(`#pending-rows tr[data-id="${seeded[0].request_id}"]`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, 'the pending screen is ' + overflow + ' px wider than a phone');
  await page.screenshot({ path: join(shots, 'pending-phone.png'), fullPage: true });
  ok('pending screen fits a 390 px wide phone');

  await page.setViewportSize({ width: 1280, height: 820 });
  await page.click('#signout');
  await page.waitForSelector('#token');
  const aapl = seeded[0];
  await page.goto(base + '/console/#/signin?token=' + approver + '&next=/approvals/' + aapl.request_id);
  await page.waitForSelector('#detail #approve');
  assert.equal(await page.evaluate(() => location.hash.includes('token')), false, 'the token stayed in the address bar');
  assert.match(await page.textContent('#detail h1'), /BUY 100 AAPL/);
  ok('a deep link signs in, drops the token from the address and opens the request');

  await page.click('#signout');
  await page.waitForSelector('#token');
  await page.goto(base + '/console/#/signin?token=' + admin + '&next=/guardian');
  await page.waitForSelector('#guardian-lock:not([disabled])');
  assert.equal(await page.textContent('#guardian-state'), 'UNLOCKED');
  assert.ok(!(await page.textContent('#guardian')).includes('{"'), 'the Guardian screen shows raw JSON');
  await page.click('#guardian-lock');
  await page.waitForSelector('dialog[open]');
  await page.fill('dialog[open] textarea[name=reason]', 'Exchange outage drill');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector('#guardian-unlock:not([disabled])');
  assert.equal(await page.textContent('#guardian-state'), 'LOCKED');
  const locked = await call('GET', '/api/v1/guardian', approver);
  assert.equal(locked.state, 'locked');
  assert.equal(locked.changed_by, 'root-admin');
  assert.ok(locked.rejected > 0 || locked.blocked_by_guardian > 0, JSON.stringify(locked));
  // the lock rejected every pending request: the count in the navigation follows on this screen too
  assert.equal((await call('GET', '/api/v1/approvals?status=pending', approver)).items.length, 0);
  await page.waitForSelector('#pending-count', { state: 'hidden' });
  await page.screenshot({ path: join(shots, 'guardian-locked.png') });
  await page.click('#guardian-unlock');
  await page.waitForSelector('dialog[open]');
  await page.fill('dialog[open] textarea[name=reason]', 'Drill over');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector('#guardian-lock:not([disabled])');
  assert.equal((await call('GET', '/api/v1/guardian', approver)).state, 'unlocked');
  ok('an admin locked and unlocked trading from the Guardian screen, each with a reason');

  await page.waitForSelector('#switch-engage');
  await page.selectOption('#switch-scope', 'venue');
  await page.fill('#switch-value', 'XTKS');
  await page.fill('#switch-reason', 'Venue outage drill');
  await page.click('#switch-engage');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForFunction(() => document.querySelector('#switches tbody').textContent.includes('venue XTKS'));
  const engaged = (await call('GET', '/api/v1/switches', approver)).items;
  assert.equal(engaged.length, 1);
  assert.equal(engaged[0].set_by, 'root-admin');
  assert.equal(engaged[0].reason, 'Venue outage drill');
  await page.screenshot({ path: join(shots, 'switch-engaged.png') });
  await page.click('#switches tbody button');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForFunction(() => document.querySelector('#switches tbody').textContent.includes('No kill switch is engaged'));
  assert.equal((await call('GET', '/api/v1/switches', approver)).items.length, 0);
  ok('an admin engaged and released a kill switch on a venue from the Guardian screen');
});
