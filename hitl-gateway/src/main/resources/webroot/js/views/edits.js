// The "approve with changes" form, generated from the JSON Schema of the edits a request's policy allows
// (GET /api/v1/schemas/{type}?request_id=): one field per allowed key with its type, bounds and direction,
// a live diff against the request's current values, and the gateway's refusals shown under their fields.
// The gateway applies the rules; what the form checks as the operator types is guidance only.

import { el, fill, clear } from '../ui.js';

/**
 * How a property is entered: 'number', 'integer', 'boolean', 'enum' or 'string'. A key the policy gives no schema
 * may be any scalar: it is entered as what its current value is.
 */
export function kindOf(p, current) {
  const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : (p.anyOf || []).map(x => x.type);
  if (p.enum) return 'enum';
  if (types.length > 1 && types.includes('number') && types.includes('boolean')) {
    if (typeof current === 'boolean') return 'boolean';
    return current !== undefined && current !== null && normDecimal(current) !== null ? 'number' : 'string';
  }
  if (types.length === 1 && types[0] === 'boolean') return 'boolean';
  if (types.includes('integer') && types.every(t => t === 'integer' || t === 'string')) return 'integer';
  if (types.includes('number') && types.every(t => t === 'number' || t === 'string')) return 'number';
  return 'string';
}

/** A decimal written the way the gateway compares it: no sign +, no leading or trailing zeros. */
export function normDecimal(s) {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(String(s));
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  const int = m[2].replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] || '').replace(/0+$/, '');
  const text = frac ? int + '.' + frac : int;
  return (m[1] === '-' && text !== '0' ? '-' : '') + text;
}

function bound(p, key) {
  if (p[key] !== undefined) return p[key];
  for (const alt of p.anyOf || []) if (alt[key] !== undefined) return alt[key];
  return undefined;
}

/** The rules of one key in words, for the hint under its field. */
export function describeRules(p, kind, side) {
  const parts = [kind === 'enum' ? 'one of ' + p.enum.join(', ') : kind];
  const min = bound(p, 'minimum');
  const xmin = bound(p, 'exclusiveMinimum');
  const max = bound(p, 'maximum');
  const xmax = bound(p, 'exclusiveMaximum');
  if (xmin !== undefined) parts.push('> ' + xmin);
  if (min !== undefined) parts.push('≥ ' + min);
  if (xmax !== undefined) parts.push('< ' + xmax);
  if (max !== undefined) parts.push('≤ ' + max);
  if (p.minLength !== undefined) parts.push('at least ' + p.minLength + ' characters');
  if (p.maxLength !== undefined) parts.push('at most ' + p.maxLength + ' characters');
  if (p['x-hitl-direction'] === 'decrease') parts.push('may only go down');
  if (p['x-hitl-direction'] === 'tighten') {
    parts.push(side === 'BUY' ? 'may only go down (tighter on a BUY)' : side === 'SELL' ? 'may only go up (tighter on a SELL)' : 'may only tighten');
  }
  return parts.join(' · ');
}

/** What the form already sees wrong with a value (format, bounds, direction); null when it looks fine. */
export function advise(p, kind, raw, current, side) {
  if (kind === 'number' || kind === 'integer') {
    const n = normDecimal(raw);
    if (n === null) return 'must be a number';
    if (kind === 'integer' && n.includes('.')) return 'must be a whole number';
    const v = Number(n);
    const min = bound(p, 'minimum');
    const xmin = bound(p, 'exclusiveMinimum');
    const max = bound(p, 'maximum');
    const xmax = bound(p, 'exclusiveMaximum');
    if (xmin !== undefined && !(v > Number(xmin))) return 'must be above ' + xmin;
    if (min !== undefined && v < Number(min)) return 'must be at least ' + min;
    if (xmax !== undefined && !(v < Number(xmax))) return 'must be below ' + xmax;
    if (max !== undefined && v > Number(max)) return 'must be at most ' + max;
    const from = normDecimal(current);
    const dir = p['x-hitl-direction'];
    if (from !== null && dir) {
      const down = dir === 'decrease' || side === 'BUY';
      if (down && v > Number(from)) return 'may only go down from ' + from;
      if (!down && dir === 'tighten' && side === 'SELL' && v < Number(from)) return 'may only go up from ' + from;
    }
    return null;
  }
  if (kind === 'string') {
    if (p.minLength !== undefined && raw.length < p.minLength) return 'must have at least ' + p.minLength + ' characters';
    if (p.maxLength !== undefined && raw.length > p.maxLength) return 'must have at most ' + p.maxLength + ' characters';
    if (p.pattern) {
      try {
        if (!new RegExp(p.pattern, 'u').test(raw)) return 'does not have the expected form';
      } catch (e) {
        return null;
      }
    }
  }
  return null;
}

/** The value an edit sends: decimals as strings (never a float), booleans as booleans, text as typed. */
function valueOf(kind, raw) {
  if (kind === 'boolean') return raw;
  if (kind === 'number' || kind === 'integer') return normDecimal(raw) === null ? raw : normDecimal(raw);
  return raw;
}

function same(kind, current, value) {
  if (current === undefined || current === null) return false;
  if (kind === 'number' || kind === 'integer') {
    const a = normDecimal(current);
    const b = normDecimal(value);
    return a !== null && a === b;
  }
  if (kind === 'boolean') return current === value || String(current) === String(value);
  return String(current) === String(value);
}

function show(v) {
  return v === undefined || v === null || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The change of a number in words, for the diff: "−60 (−60%)". Display only. */
function delta(from, to) {
  const a = Number(normDecimal(from));
  const b = Number(normDecimal(to));
  if (!isFinite(a) || !isFinite(b) || normDecimal(from) === null || normDecimal(to) === null) return '';
  const d = b - a;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  const abs = Math.abs(d);
  const text = Number.isInteger(abs) ? String(abs) : String(Number(abs.toPrecision(12)));
  return sign + text + (a !== 0 ? ' (' + sign + Number(Math.abs(d / a * 100).toFixed(2)) + '%)' : '');
}

/**
 * The form for one request. {schema} is the `request.edits` schema of the schemas reply. Returns the form's
 * node, `edits()` (the changed keys and their new values), `showRefusal(problem)` and `reset()`.
 */
export function editForm(schema, context, side, onChange) {
  const props = Object.entries((schema && schema.properties) || {});
  const limit = schema && schema['x-hitl-max-diff-chars'];
  const fields = [];
  const list = el('div', { class: 'edit-fields' });
  const diffBody = el('tbody', { id: 'edit-diff-rows' });
  const diffBox = el('div', { id: 'edit-diff', class: 'diff', hidden: true },
    el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, ['Key', 'Now', 'Approved as', 'Change'].map(h => el('th', {}, h)))), diffBody));
  const size = el('p', { class: 'muted', id: 'edit-size' });
  const general = el('p', { class: 'error', id: 'edit-error', role: 'alert', hidden: true });

  for (const [key, p] of props) {
    const current = context[key];
    const kind = kindOf(p, current);
    let input;
    if (kind === 'boolean') {
      input = el('input', { type: 'checkbox', checked: current === true || current === 'true' });
    } else if (kind === 'enum') {
      input = el('select', {}, p.enum.map(v => el('option', { value: String(v) }, String(v))));
      input.value = current === undefined ? '' : String(current);
    } else {
      input = el('input', { type: 'text', inputmode: kind === 'string' ? null : 'decimal', autocomplete: 'off',
        maxlength: kind === 'string' && p.maxLength ? p.maxLength : null });
      input.value = current === undefined || current === null ? '' : String(current);
    }
    input.id = 'edit-' + key;
    input.name = key;
    input.dataset.key = key;
    const hint = el('span', { class: 'hint' }, describeRules(p, kind, side) + (p.description ? ' — ' + p.description : ''));
    const error = el('span', { class: 'error', id: 'edit-error-' + key, role: 'alert', hidden: true });
    const field = el('label', { class: 'field edit' }, key + ' (now ' + show(current) + ')', input, hint, error);
    const f = { key, kind, p, input, error, field, current, serverError: null };
    fields.push(f);
    input.addEventListener(kind === 'boolean' || kind === 'enum' ? 'change' : 'input', () => {
      f.serverError = null;
      update();
    });
    list.appendChild(field);
  }

  function raw(f) {
    return f.kind === 'boolean' ? f.input.checked : f.input.value.trim();
  }

  function changed() {
    return fields.filter(f => !same(f.kind, f.current, valueOf(f.kind, raw(f))) && !(f.kind !== 'boolean' && raw(f) === '' && (f.current === undefined || f.current === null)));
  }

  function chars(list) {
    return list.reduce((n, f) => {
      const v = valueOf(f.kind, raw(f));
      return n + (typeof v === 'boolean' ? String(v).length : JSON.stringify(String(v)).length);
    }, 0);
  }

  function update() {
    const diff = changed();
    clear(diffBody);
    for (const f of fields) {
      const advice = f.serverError || (diff.includes(f) ? advise(f.p, f.kind, String(raw(f)), f.current, side) : null);
      f.error.textContent = advice || '';
      f.error.hidden = !advice;
      f.field.classList.toggle('changed', diff.includes(f));
      f.field.classList.toggle('invalid', !!advice);
    }
    for (const f of diff) {
      const to = valueOf(f.kind, raw(f));
      diffBody.appendChild(el('tr', { dataset: { key: f.key } },
        el('td', { class: 'mono' }, f.key),
        el('td', { class: 'num from' }, show(f.current)),
        el('td', { class: 'num to' }, show(to)),
        el('td', { class: 'num' }, f.kind === 'number' || f.kind === 'integer' ? delta(f.current, to) : '')));
    }
    diffBox.hidden = diff.length === 0;
    const n = chars(diff);
    size.textContent = diff.length === 0 ? 'No change yet: edit a value to see the difference.'
      : diff.length + ' change' + (diff.length > 1 ? 's' : '') + (limit ? ', ' + n + ' of the ' + limit + ' characters of change the policy allows' : '');
    size.classList.toggle('error', !!limit && n > limit);
    general.hidden = true;
    if (onChange) onChange(diff.length);
  }

  const node = el('div', { id: 'edit-form' },
    props.length ? list : el('p', { class: 'muted' }, 'The policy of this request allows no changes.'),
    diffBox, size, general);
  update();

  return {
    node,
    available: props.length > 0,
    count: () => changed().length,
    /** The changed keys and their new values, as the approve call takes them. */
    edits() {
      const out = {};
      for (const f of changed()) out[f.key] = valueOf(f.kind, raw(f));
      return out;
    },
    /** The diff as rows for the confirmation: [key, from, to]. */
    rows: () => changed().map(f => [f.key, show(f.current), show(valueOf(f.kind, raw(f)))]),
    /** A refusal of the gateway under the fields it names; the rest above the buttons. */
    showRefusal(problem, message) {
      const errors = (problem && problem.errors) || {};
      let placed = false;
      const rest = [];
      for (const [k, v] of Object.entries(errors)) {
        const f = fields.find(x => 'edits.' + x.key === k);
        if (f) {
          f.serverError = v;
          placed = true;
        } else {
          rest.push((k === 'edits' ? '' : k + ' ') + v);
        }
      }
      update();
      general.textContent = rest.length ? rest.join('; ') + ' — ' + message : message;
      general.hidden = false;
    },
  };
}

export function diffList(rows) {
  return fill(el('table', { class: 'grid', id: 'confirm-diff' }, el('thead', {}, el('tr', {}, ['Key', 'Now', 'Approved as'].map(h => el('th', {}, h))))),
    el('tbody', {}, rows.map(([k, a, b]) => el('tr', {}, el('td', { class: 'mono' }, k), el('td', { class: 'num' }, a), el('td', { class: 'num' }, b)))));
}
