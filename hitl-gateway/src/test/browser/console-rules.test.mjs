// The console's own rules that need no browser, under node's test runner: how an edit form reads the policy's
// schema, when a typed value is no change, what it warns about before the gateway decides, and how the market
// facts are written. Run by ConsoleBrowserTest (node --test).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf, normDecimal, describeRules, advise } from '../../main/resources/webroot/js/views/edits.js';
import { fmtAge, fmtAmount, fmtPct, verdictNow } from '../../main/resources/webroot/js/views/market.js';

test('a decimal is written the way the gateway compares it', () => {
  assert.equal(normDecimal('100'), '100');
  assert.equal(normDecimal('100.00'), '100');
  assert.equal(normDecimal('0100.50'), '100.5');
  assert.equal(normDecimal('+2.0'), '2');
  assert.equal(normDecimal('-0.0'), '0');
  assert.equal(normDecimal('.5'), '0.5');
  assert.equal(normDecimal(' 7 '), '7');
  for (const bad of ['', '.', 'abc', '1e3', '1,5', '--1', '1.2.3', 'NaN']) assert.equal(normDecimal(bad), null, bad);
});

test('the kind of a field follows the schema, and a key without one follows its current value', () => {
  assert.equal(kindOf({ type: 'number' }), 'number');
  assert.equal(kindOf({ type: 'integer' }), 'integer');
  assert.equal(kindOf({ type: 'boolean' }), 'boolean');
  assert.equal(kindOf({ type: 'string', enum: ['IOC', 'GTC'] }), 'enum');
  assert.equal(kindOf({ anyOf: [{ type: 'number' }, { type: 'string' }] }), 'number');
  const any = { type: ['string', 'number', 'boolean'] };
  assert.equal(kindOf(any, '187.2'), 'number');
  assert.equal(kindOf(any, true), 'boolean');
  assert.equal(kindOf(any, 'NASDAQ'), 'string');
  assert.equal(kindOf(any, undefined), 'string');
});

test('the rules of a key are said in words, the direction for the side of the trade', () => {
  assert.equal(describeRules({ type: 'number', exclusiveMinimum: 0, 'x-hitl-direction': 'decrease' }, 'number', 'BUY'),
    'number · > 0 · may only go down');
  assert.equal(describeRules({ type: 'number', minimum: 1, maximum: 10, 'x-hitl-direction': 'tighten' }, 'number', 'SELL'),
    'number · ≥ 1 · ≤ 10 · may only go up (tighter on a SELL)');
  assert.equal(describeRules({ type: 'string', enum: ['IOC', 'GTC'] }, 'enum'), 'one of IOC, GTC');
});

test('the form warns about format, bounds and direction before the gateway decides', () => {
  const qty = { type: 'number', exclusiveMinimum: 0, maximum: 1000, 'x-hitl-direction': 'decrease' };
  assert.equal(advise(qty, 'number', '40', '100', 'BUY'), null);
  assert.equal(advise(qty, 'number', '100', '100', 'BUY'), null);
  assert.match(advise(qty, 'number', '150', '100', 'BUY'), /may only go down from 100/);
  assert.match(advise(qty, 'number', '0', '100', 'BUY'), /above 0/);
  assert.match(advise(qty, 'number', '2000', '3000', 'BUY'), /at most 1000/);
  assert.match(advise(qty, 'number', 'ten', '100', 'BUY'), /must be a number/);
  assert.match(advise({ type: 'integer' }, 'integer', '1.5', '2', 'BUY'), /whole number/);
  const price = { type: 'number', 'x-hitl-direction': 'tighten' };
  assert.equal(advise(price, 'number', '187.1', '187.2', 'BUY'), null);
  assert.match(advise(price, 'number', '187.3', '187.2', 'BUY'), /may only go down/);
  assert.equal(advise(price, 'number', '251.4', '251.3', 'SELL'), null);
  assert.match(advise(price, 'number', '251.2', '251.3', 'SELL'), /may only go up/);
  assert.match(advise({ type: 'string', maxLength: 3 }, 'string', 'ABCD'), /at most 3/);
  assert.match(advise({ type: 'string', pattern: '^[A-Z]+$' }, 'string', 'abc'), /expected form/);
});

test('market facts are written for reading, the gateway decimals untouched', () => {
  assert.equal(fmtAmount('18720'), '18,720');
  assert.equal(fmtAmount('1234567.125'), '1,234,567.125');
  assert.equal(fmtAmount(null), '—');
  assert.equal(fmtPct('0.02670940'), '0.0267%');
  assert.equal(fmtPct('9.25000000'), '9.25%');
  assert.equal(fmtAge(2400), '2 s');
  assert.equal(fmtAge(125000), '2 min 05 s');
  assert.equal(fmtAge(3 * 3600000 + 60000), '3 h 01 min');
});

test('a quote that ages past the limit while the page is open is stale, whatever the gateway said when read', () => {
  const at = new Date(Date.now() - 10000).toISOString();
  const m = { verdict: 'ok', quote: { quoted_at: at }, quote_max_age_seconds: 5 };
  assert.equal(verdictNow(m, 0), 'stale');
  assert.equal(verdictNow({ ...m, quote_max_age_seconds: 60 }, 0), 'ok');
  assert.equal(verdictNow({ ...m, verdict: 'out_of_limit' }, 0), 'out_of_limit');
  assert.equal(verdictNow({ verdict: 'no_quote', quote: null, quote_max_age_seconds: 5 }, 0), 'no_quote');
});
