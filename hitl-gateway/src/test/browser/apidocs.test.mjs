// Opens the gateway's API documentation page (/api/docs/) in Debian's Chromium and checks that Swagger UI
// renders every route of the served OpenAPI document, with nothing loaded from outside the gateway.
// Prints "ALL PASSED" on success.
//
// Environment: HITL_URL (gateway base URL), HITL_ROUTES (JSON list of "METHOD /path" that must be shown),
// HITL_SCREENSHOT_DIR (where the screenshot goes), HITL_CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const base = process.env.HITL_URL;
const expected = JSON.parse(process.env.HITL_ROUTES || '[]');
const shots = process.env.HITL_SCREENSHOT_DIR;
const executablePath = process.env.HITL_CHROMIUM || '/usr/bin/chromium';
if (!base || expected.length === 0 || !shots) {
  console.error('HITL_URL, HITL_ROUTES and HITL_SCREENSHOT_DIR are required');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'hitl-apidocs-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
    '--no-first-run', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
let failed = false;
try {
  const page = browser.pages()[0] || await browser.newPage();
  const foreign = [];
  const errors = [];
  page.on('request', r => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(base + '/api/docs', { waitUntil: 'load' });
  await page.waitForSelector('.opblock', { timeout: 20000 });
  assert.match(await page.locator('.info .title').first().innerText(), /HITL Gateway/);
  console.log('OK the page renders the served document\'s title');

  const shown = await page.$$eval('.opblock', blocks => blocks.map(b => {
    const method = b.querySelector('.opblock-summary-method')?.textContent.trim().toUpperCase();
    const el = b.querySelector('.opblock-summary-path');
    const path = (el?.getAttribute('data-path') || el?.textContent || '').replace(/\u200b/g, '').trim();
    return method + ' ' + path;
  }));
  const missing = expected.filter(r => !shown.includes(r));
  assert.deepEqual(missing, [], 'routes of the document the page does not show');
  console.log('OK every one of the ' + expected.length + ' documented routes is shown');

  assert.deepEqual(foreign, [], 'requests to anything but the gateway');
  console.log('OK nothing was loaded from outside the gateway');
  assert.deepEqual(errors, [], 'script errors on the page');
  console.log('OK no script errors');

  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'api-docs.png') });
  console.log('ALL PASSED');
} catch (e) {
  failed = true;
  console.error('FAILED ' + (e && e.stack || e));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
