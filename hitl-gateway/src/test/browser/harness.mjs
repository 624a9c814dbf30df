// What every console browser test shares: required environment variables, progress lines, and one run of
// Debian's Chromium (headless, a throw-away profile, UTC and en-GB) whose page errors and console errors fail
// the test. A test calls run() with its steps; run() prints "ALL PASSED" or "FAILED: …" and exits 0 or 1.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error('missing environment variable ' + name);
    process.exit(2);
  }
  return v;
}

export function ok(message) {
  console.log('OK ' + message);
}

/**
 * Runs {@code steps({ page, context, profile })} in a fresh Chromium profile. Options: viewport height, whether
 * downloads are accepted, the default time-out of every wait, and the folder screenshots go to.
 */
export async function run({ height = 820, acceptDownloads = false, timeout = 15000, shots }, steps) {
  const profile = mkdtempSync(join(tmpdir(), 'hitl-chromium-'));
  mkdirSync(shots, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.HITL_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height },
    acceptDownloads,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const problems = [];
  let failed = false;
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(timeout);
    page.on('pageerror', e => problems.push('page error: ' + e.message));
    page.on('console', m => {
      // refused calls are logged by Chromium itself; the console shows them to the operator in words
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push('console error: ' + m.text());
    });
    await steps({ page, context, profile });
    assert.deepEqual(problems, []);
    console.log('ALL PASSED');
  } catch (e) {
    failed = true;
    console.error('FAILED: ' + (e && e.stack || e));
    if (problems.length) console.error(problems.join('\n'));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
