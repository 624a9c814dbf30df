// Small DOM helpers: elements built with textContent only (API data is never parsed as HTML), the banner,
// the confirmation dialog and formatting.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value') node.value = v;
    else if (k === 'checked') node.checked = !!v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === '') continue;
    if (Array.isArray(c)) append(node, c);
    else node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Appends children, skipping null and false and flattening arrays (Element.append would print them). */
export function fill(node, ...children) {
  append(node, children);
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function showError(err) {
  banner(err && err.message ? err.message : String(err), false);
}

export function showInfo(message) {
  banner(message, true);
}

export function clearBanner() {
  document.getElementById('banner').hidden = true;
}

function banner(message, info) {
  const b = document.getElementById('banner');
  document.getElementById('banner-text').textContent = message;
  b.classList.toggle('info', info);
  b.hidden = false;
}

/**
 * Asks before acting. Resolves to {reason, comment} when confirmed, null when cancelled. With
 * reason 'required' the dialog does not close until a reason is given.
 */
export function confirmDialog({ title, body, confirmLabel, tone, reason, comment }) {
  return new Promise(resolve => {
    const reasonBox = reason ? el('textarea', { name: 'reason', maxlength: 2000, placeholder: reason === 'required' ? 'Required' : 'Optional' }) : null;
    const commentBox = comment ? el('textarea', { name: 'comment', maxlength: 2000, placeholder: 'Optional' }) : null;
    const problem = el('p', { class: 'error', role: 'alert', hidden: true });
    const ok = el('button', { class: 'btn ' + (tone || 'primary'), type: 'submit', value: 'ok', dataset: { confirm: '' } }, confirmLabel || 'Confirm');
    const cancel = el('button', { class: 'btn', type: 'button' }, 'Cancel');
    const dialog = el('dialog', { 'aria-label': title },
      el('form', { method: 'dialog' },
        el('h2', {}, title),
        body,
        reasonBox && el('label', { class: 'field' }, 'Reason' + (reason === 'required' ? ' (required)' : ''), reasonBox),
        commentBox && el('label', { class: 'field' }, 'Comment', commentBox),
        problem,
        el('div', { class: 'actions' }, ok, cancel)));
    let result = null;
    dialog.querySelector('form').addEventListener('submit', e => {
      const r = reasonBox ? reasonBox.value.trim() : undefined;
      if (reason === 'required' && !r) {
        e.preventDefault();
        problem.textContent = 'A reason is required.';
        problem.hidden = false;
        reasonBox.focus();
        return;
      }
      result = { reason: r || undefined, comment: commentBox ? commentBox.value.trim() || undefined : undefined };
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    (reasonBox || ok).focus();
  });
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function fmtCountdown(ms) {
  if (ms <= 0) return 'due';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? h + 'h ' + String(m).padStart(2, '0') + 'm' : m + ':' + sec;
}

export function riskBadge(level) {
  return level ? el('span', { class: 'risk ' + level }, level) : el('span', { class: 'muted' }, '—');
}

export function statusBadge(status) {
  return el('span', { class: 'status ' + status }, status);
}

/** A trade's side, quantity and price from its context, for the columns every screen shows. */
export function trade(a) {
  const c = a.context || {};
  return { ticker: c.ticker || '', side: c.side || c.action || '', quantity: c.quantity || '', price: c.price || '' };
}
