// Decision workflows in the console, in Debian's Chromium, under a policy that asks two approvals from the desk, a risk
// acknowledgement and allows smaller size or a tighter price: the market facts before the click (a priced-out trade
// flagged in the list), the acknowledgement checkbox unlocking Approve, the quorum progress, an edit the gateway
// refuses shown under its field, an edit within the policy approved with its diff and then found in the request and
// its journal, and a re-request of a rejected request. Prints "ALL PASSED" on success.
//
// Environment: HITL_URL, HITL_APPROVER_TOKEN (alice: approver, desk and risk), HITL_SECOND_APPROVER_TOKEN (bob:
// approver and desk), HITL_SUBMITTER_TOKEN, HITL_ADMIN_TOKEN, HITL_SCREENSHOT_DIR, HITL_CHROMIUM (default
// /usr/bin/chromium).

import { need, ok, run } from './harness.mjs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const base = need('HITL_URL');
const alice = need('HITL_APPROVER_TOKEN');
const bob = need('HITL_SECOND_APPROVER_TOKEN');
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

const trade = (ticker, action, quantity, price, timeout) =>
  call('POST', '/api/v1/approvals/trade', submitter, {
    ticker, action, quantity, price, risk_pct: 1.2, confidence: 0.8, strategy: 'momentum', reason: 'Breakout', timeout_seconds: timeout,
  });

await call('PUT', '/api/v1/policies', admin, {
  policies: [{
    name: 'desk-resize',
    match: { types: ['TRADE_EXECUTION'] },
    required_approvals: 2,
    approvers: { roles: ['desk'] },
    acknowledgements: ['risk'],
    re_request: { cooldown_seconds: 0, max_per_lineage: 3 },
    edits: {
      allowed: ['quantity', 'price'],
      schema: { type: 'object', properties: { quantity: { type: 'number', exclusiveMinimum: 0 } } },
      decrease_only: ['quantity'],
      tighten_only: ['price'],
      max_diff_chars: 64,
    },
  }],
  default: {},
});

await run({ height: 900, timeout: TIMEOUT, shots }, async ({ page, context, profile }) => {

  const aapl = await trade('AAPL', 'BUY', 100, '187.20', 1800);
  const nvda = await trade('NVDA', 'BUY', 25, '120.00', 1700);
  const unpriced = await trade('ZZNQ', 'SELL', 10, '50', 1600);
  const tsla = await trade('TSLA', 'SELL', 40, '251.30', 1500);

  async function signIn(token, next) {
    await page.goto(base + '/console/#/signin?token=' + token + '&next=' + next);
  }

  await signIn(alice, '/pending');
  await page.waitForSelector(`#pending-rows tr[data-id="${aapl.request_id}"] .market-cell[data-verdict=ok]`);
  await page.waitForSelector(`#pending-rows tr[data-id="${nvda.request_id}"].priced-out .market-cell[data-verdict=out_of_limit]`);
  await page.waitForSelector(`#pending-rows tr[data-id="${unpriced.request_id}"].priced-out .market-cell[data-verdict=no_quote]`);
  const aaplRow = await page.textContent(`#pending-rows tr[data-id="${aapl.request_id}"]`);
  assert.match(aaplRow, /18,720/, 'notional of 100 × 187.20: ' + aaplRow);
  assert.match(aaplRow, /187\.25/, 'the ask a BUY would pay: ' + aaplRow);
  assert.match(await page.textContent(`#pending-rows tr[data-id="${nvda.request_id}"]`), /out of limit/i);
  await page.screenshot({ path: join(shots, 'pending-market.png') });
  ok('the pending list shows price, deviation, quote age and notional; a priced-out trade is flagged before the click');

  await page.click(`#pending-rows tr[data-id="${aapl.request_id}"] a`);
  await page.waitForSelector('#detail #market .market[data-verdict=ok]');
  assert.match(await page.textContent('#market-notional'), /18,720/);
  assert.match(await page.textContent('#market-deviation'), /of the 0\.5% limit/);
  assert.match(await page.textContent('#progress'), /0 of 2 approvals — needs 2 more from desk$/);
  assert.equal(await page.isDisabled('#approve'), true, 'Approve is enabled before the risk acknowledgement');
  assert.match(await page.textContent('#approve'), /needs risk/);
  assert.match(await page.textContent('#approve-blocked'), /risk/);
  ok('detail: market facts, progress "0 of 2 approvals — needs 2 more from desk" and Approve held back naming the missing acknowledgement');

  await page.check('#ack-risk');
  await page.waitForSelector('#ack-risk:checked:disabled');
  await page.waitForSelector('#approve:not([disabled])');
  await page.click('#approve');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForFunction(() => /1 of 2 approvals: alice — needs 1 more/.test(document.querySelector('#progress').textContent));
  assert.equal((await page.textContent('#edit')).includes('completes the quorum'), false, 'the next approval decides, so it may carry changes');
  ok('risk acknowledged by a checkbox; alice approved; progress reads "1 of 2 approvals: alice — needs 1 more"');

  await page.click('#signout');
  await page.waitForSelector('#token');
  await signIn(bob, '/approvals/' + aapl.request_id);
  await page.waitForSelector('#edit-quantity');
  assert.equal(await page.isDisabled('#approve-edits'), true, 'nothing changed yet');
  assert.equal(await page.inputValue('#edit-quantity'), '100');

  // more than asked: the form warns, and the gateway refuses it under the field
  await page.fill('#edit-quantity', '150');
  await page.waitForSelector('#edit-error-quantity:not([hidden])');
  await page.click('#approve-edits');
  await page.waitForSelector('dialog[open] #confirm-diff');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForFunction(() => /may only be reduced/.test(document.querySelector('#edit-error-quantity').textContent));
  assert.match(await page.textContent('#edit-error'), /may only be reduced.*SEC-010/);
  assert.equal((await call('GET', '/api/v1/approvals/' + aapl.request_id, bob)).status, 'pending');
  ok('an edit against the policy is refused by the gateway and shown under its field; nothing changed');

  await page.fill('#edit-quantity', '40');
  await page.fill('#edit-price', '187.1');
  await page.waitForSelector('#edit-diff:not([hidden]) tr[data-key=quantity]');
  const diff = await page.$$eval('#edit-diff tbody tr', rows => rows.map(r => [...r.cells].map(c => c.textContent)));
  const byKey = Object.fromEntries(diff.map(r => [r[0], r]));
  assert.deepEqual(byKey.quantity, ['quantity', '100', '40', '−60 (−60%)'], JSON.stringify(diff));
  assert.deepEqual(byKey.price.slice(0, 3), ['price', '187.2', '187.1'], JSON.stringify(diff));
  assert.match(await page.textContent('#edit-size'), /2 changes, \d+ of the 64 characters/);
  await page.screenshot({ path: join(shots, 'detail-edit.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, 'the edit form is ' + overflow + ' px wider than a phone');
  await page.screenshot({ path: join(shots, 'detail-edit-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.fill('#comment', 'Half size into the close');
  await page.click('#approve-edits');
  await page.waitForSelector('dialog[open] #confirm-diff');
  assert.match(await page.textContent('dialog[open] #confirm-diff'), /quantity.*100.*40/s);
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector('#detail .status.approved');
  await page.waitForSelector('#overrides tr[data-key=quantity]');
  await page.waitForSelector('#history li[data-action=edits_applied]');
  assert.match(await page.textContent('#history li[data-action=edits_applied]'), /quantity 100 → 40/);
  await page.screenshot({ path: join(shots, 'detail-approved-with-changes.png'), fullPage: true });

  const approved = await call('GET', '/api/v1/approvals/' + aapl.request_id, bob);
  assert.equal(approved.status, 'approved');
  assert.equal(approved.decision_channel, 'console');
  assert.equal(approved.context.quantity, '100', 'the request keeps what was asked');
  assert.deepEqual(approved.overrides.diff.quantity, { from: '100', to: '40' });
  assert.equal(approved.overrides.final_parameters.quantity, '40');
  assert.equal(approved.overrides.final_parameters.price, '187.1');
  assert.equal(approved.overrides.edited_by, 'bob');
  const journal = await call('GET', '/api/v1/audit?approval_id=' + aapl.request_id + '&limit=500', bob);
  const applied = journal.entries.find(e => e.action === 'edits_applied');
  assert.ok(applied, 'no edits_applied entry: ' + journal.entries.map(e => e.action).join(', '));
  assert.equal(applied.actor, 'bob');
  assert.deepEqual(applied.payload.diff.quantity, { from: '100', to: '40' });
  const refused = journal.entries.find(e => e.action === 'edits_refused');
  assert.ok(refused && refused.error_code === 'SEC-010', 'the refused edit is journaled');
  ok('approved with changes: overrides in the request (quantity 100 → 40, price 187.2 → 187.1) and edits_applied in the journal');

  // a veto, then the requester's desk asks again from the console (an admin here)
  await page.goto(base + '/console/#/approvals/' + tsla.request_id);
  await page.waitForSelector('#detail #reject');
  await page.click('#reject');
  await page.waitForSelector('dialog[open]');
  await page.fill('dialog[open] textarea[name=reason]', 'Spread too wide');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForSelector('#detail .status.rejected');
  await page.click('#signout');
  await page.waitForSelector('#token');
  await signIn(admin, '/approvals/' + tsla.request_id);
  await page.waitForSelector('#rerequest');
  await page.click('#rerequest');
  await page.waitForSelector('dialog[open]');
  await page.fill('dialog[open] textarea[name=reason]', 'Spread is back to normal');
  await page.click('dialog[open] button[data-confirm]');
  await page.waitForFunction(id => location.hash.startsWith('#/approvals/') && !location.hash.endsWith(id), tsla.request_id);
  const freshId = await page.evaluate(() => location.hash.split('/').pop());
  await page.waitForSelector('#detail .status.pending');
  const fresh = await call('GET', '/api/v1/approvals/' + freshId, admin);
  assert.equal(fresh.lineage_id, tsla.request_id);
  assert.equal(fresh.status, 'pending');
  assert.match(await page.textContent('#detail'), new RegExp('Re-request of\\s*' + tsla.request_id));
  ok('a rejected request re-requested from the console: the new request is pending in the same lineage');

  // the market moves without an event about the request: the open page's market panel catches up by itself
  await page.waitForSelector('#market .market[data-verdict=ok]');
  await page.fill('#comment', 'typed while the market moves');
  await call('POST', '/api/v1/market/quotes', submitter, { ticker: 'TSLA', bid: '200.00', ask: '200.20' });
  await page.waitForSelector('#market .market[data-verdict=out_of_limit]', { timeout: 45000 });
  assert.match(await page.textContent('#market-deviation'), /^20\.4\d?% of the 0\.5% limit/);
  assert.equal(await page.inputValue('#comment'), 'typed while the market moves', 'the refresh redrew the comment');
  ok('a quote that moves out of the limit is flagged on the open detail page by its periodic market refresh');
});
