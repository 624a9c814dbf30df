// History searched on the server, in Debian's Chromium, over the more than 5,000 requests the JUnit side seeded:
// the total of every match shown (exact up to 1,000, "1,000+" past it), each filter (status, type, approver, ticker, dates) answered by the server with
// the same total the API gives, cursor pages forward and back without repeats, and the CSV export of the filtered
// set. Prints "ALL PASSED" on success.
//
// Environment: HITL_URL, HITL_APPROVER_TOKEN, HITL_SEEDED (how many requests were seeded), HITL_SEED_TICKER (a
// ticker of the seed), HITL_SEED_APPROVER (who decided some of them), HITL_SCREENSHOT_DIR, HITL_CHROMIUM.

import { need, ok, run } from './harness.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const base = need('HITL_URL');
const approver = need('HITL_APPROVER_TOKEN');
const seeded = Number(need('HITL_SEEDED'));
const ticker = need('HITL_SEED_TICKER');
const decider = need('HITL_SEED_APPROVER');
const shots = need('HITL_SCREENSHOT_DIR');
const TIMEOUT = 20000;


async function call(path) {
  const res = await fetch(base + path, { headers: { 'Authorization': 'Bearer ' + approver } });
  const text = await res.text();
  if (!res.ok) throw new Error('GET ' + path + ' -> ' + res.status + ' ' + text);
  return JSON.parse(text);
}

const count = n => n.toLocaleString('en-GB');
const today = new Date().toISOString().slice(0, 10);
// the seed may have started before midnight UTC: a range from yesterday holds all of it either way
const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);

await run({ height: 900, acceptDownloads: true, timeout: TIMEOUT, shots }, async ({ page, context, profile }) => {
  const historyCalls = [];
  page.on('request', r => {
    if (r.url().includes('/api/v1/history')) historyCalls.push(r.url());
  });

  async function shown() {
    await page.waitForFunction(() => !/Searching/.test(document.querySelector('#history-summary').textContent));
    return {
      summary: await page.textContent('#history-summary'),
      page: await page.textContent('#history-page'),
      ids: await page.$$eval('#history-rows tr[data-id]', rows => rows.map(r => r.dataset.id)),
    };
  }

  async function search(filters) {
    for (const [id, value] of Object.entries(filters)) {
      if (id === 'history-status' || id === 'history-type') await page.selectOption('#' + id, value);
      else await page.fill('#' + id, value);
    }
    // the search re-renders the view from the address: wait for the new one, not the old one's figures
    await page.$eval('#history-summary', s => { s.dataset.stale = 'true'; });
    await page.click('#history-apply');
    await page.waitForSelector('#history-summary:not([data-stale])');
    return shown();
  }

  await page.goto(base + '/console/#/signin?token=' + approver + '&next=/history');
  await page.waitForSelector('#history-rows tr[data-id]');
  const all = await shown();
  const everything = await call('/api/v1/history?limit=1');
  // more than 5,000 match: the server counts up to 1,000 and says "at least" past that
  assert.ok(seeded > 1000 && everything.total === 1000 && everything.total_exact === false,
    'total ' + everything.total + ', exact ' + everything.total_exact);
  assert.equal(all.summary, '1,000+ matches');
  assert.equal(all.page, '1–50 of 1,000+');
  assert.equal(all.ids.length, 50);
  ok('history opens on the newest 50 of 1,000+ requests with the total shown as at least 1,000');

  const byTicker = await search({ 'history-ticker': ticker.toLowerCase() });
  const apiTicker = await call('/api/v1/history?ticker=' + ticker + '&limit=1');
  assert.ok(apiTicker.total > 50 && apiTicker.total < 1000 && apiTicker.total_exact, 'ticker total ' + apiTicker.total);
  assert.equal(byTicker.summary, count(apiTicker.total) + ' matches');
  assert.match(await page.evaluate(() => location.hash), new RegExp('ticker=' + ticker.toLowerCase()));
  const tickers = await page.$$eval('#history-rows tr[data-id] td[data-label=Ticker]', tds => [...new Set(tds.map(t => t.textContent))]);
  assert.deepEqual(tickers, [ticker]);
  assert.ok(historyCalls.some(u => /[?&]ticker=/.test(u)), 'the ticker filter went to the server');
  ok('ticker filter answered by the server: ' + byTicker.summary);

  await page.click('#history-next');
  const second = await shown();
  assert.equal(second.page, '51–' + Math.min(100, apiTicker.total) + ' of ' + count(apiTicker.total));
  assert.equal(second.ids.filter(id => byTicker.ids.includes(id)).length, 0, 'page 2 repeats page 1');
  assert.ok(historyCalls.some(u => /[?&]cursor=/.test(u)), 'the next page was asked with the cursor');
  await page.click('#history-prev');
  const back = await shown();
  assert.deepEqual(back.ids, byTicker.ids);
  ok('cursor paging: page 2 (' + second.page + ') repeats nothing of page 1, and back again');

  const decided = await search({ 'history-status': 'approved', 'history-ticker': '', 'history-approver': decider });
  const apiDecided = await call('/api/v1/history?status=approved&approver=' + decider + '&limit=1');
  assert.ok(apiDecided.total > 0);
  assert.equal(decided.summary, count(apiDecided.total) + ' match' + (apiDecided.total === 1 ? '' : 'es'));
  const outcomes = await page.$$eval('#history-rows tr[data-id] td[data-label=Status]', tds => [...new Set(tds.map(t => t.textContent))]);
  assert.deepEqual(outcomes, ['approved']);
  ok('status and approver filters: ' + decided.summary + ' approved by ' + decider);

  const typed = await search({ 'history-status': '', 'history-approver': '', 'history-type': 'CONFIG_UPDATE' });
  const apiTyped = await call('/api/v1/history?type=CONFIG_UPDATE&limit=1');
  assert.equal(typed.summary, count(apiTyped.total) + ' match' + (apiTyped.total === 1 ? '' : 'es'));
  ok('type filter: ' + typed.summary);

  const dated = await search({ 'history-type': '', 'history-ticker': ticker, 'history-from': yesterday, 'history-to': today });
  assert.equal(dated.summary, count(apiTicker.total) + ' matches');
  await page.screenshot({ path: join(shots, 'history-filtered.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csvPath = join(profile, 'export.csv');
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  assert.match(download.suggestedFilename(), /^hitl-history-\d{4}-\d{2}-\d{2}\.csv$/);
  const header = csv[0].replace(/^\uFEFF/, '').split(',');
  assert.equal(header[0], 'request_id');
  assert.equal(csv.length - 1, apiTicker.total, 'the export holds the filtered set');
  const col = header.indexOf('ticker');
  assert.ok(csv.slice(1).every(l => l.split(',')[col] === ticker), 'a row of another ticker was exported');
  ok('date range (' + yesterday + ' to ' + today + ') kept the set; its CSV export holds exactly the ' + count(apiTicker.total) + ' filtered rows');

  const none = await search({ 'history-from': tomorrow, 'history-to': '' });
  assert.equal(none.summary, '0 matches');
  assert.equal(await page.isDisabled('#export-csv'), true);
  assert.match(await page.textContent('#history-rows'), /No request matches/);
  ok('a date range with nothing in it says so');
});
