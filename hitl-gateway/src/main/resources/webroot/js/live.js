// The live event stream. EventSource cannot send headers, so each connection uses a short-lived stream
// token in its URL; when a connection is refused (the token expired) a fresh one is minted and the
// stream resumes after the last event id seen, so nothing is missed.

import { api } from './api.js';

const EVENTS = ['created', 'decided', 'expired', 'cancelled', 'vote', 'escalated', 'reminder',
  'acknowledged', 'self_approval', 'guardian.locked', 'guardian.unlocked', 'integrity.alert', 'message'];

class Live {
  constructor() {
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.source = null;
    this.lastId = null;
    this.retryMs = 1000;
    this.timer = null;
    this.running = false;
    this.status = 'offline';
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.lastId = null;
    this.setStatus('offline');
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn) {
    this.statusListeners.add(fn);
    fn(this.status);
    return () => this.statusListeners.delete(fn);
  }

  setStatus(s) {
    this.status = s;
    this.statusListeners.forEach(fn => fn(s));
  }

  async connect() {
    if (!this.running) return;
    this.setStatus('connecting');
    let minted;
    try {
      minted = await api('POST', '/api/v1/stream/token');
    } catch (e) {
      this.setStatus('offline');
      this.listeners.forEach(fn => fn({ event: 'stream.error', error: e }));
      if (e.status !== 401 && e.status !== 403) this.retry();
      return;
    }
    if (!this.running) return;
    let url = '/api/v1/stream?access_token=' + encodeURIComponent(minted.token);
    if (this.lastId) url += '&last_event_id=' + encodeURIComponent(this.lastId);
    const source = new EventSource(url);
    this.source = source;
    const resumed = !!this.lastId;
    source.onopen = () => {
      this.retryMs = 1000;
      this.setStatus('on');
      // without a last event id nothing is replayed: views reload what they show to cover the gap
      this.listeners.forEach(fn => fn({ event: 'stream.open', resumed }));
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        // refused (expired stream token) or gone: mint a new token and resume after lastId
        this.source = null;
        this.retry();
      } else {
        this.setStatus('connecting');
      }
    };
    for (const name of EVENTS) {
      source.addEventListener(name, e => this.dispatch(e));
    }
  }

  retry() {
    this.setStatus('offline');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30000);
  }

  dispatch(e) {
    if (e.lastEventId) this.lastId = e.lastEventId;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    this.listeners.forEach(fn => fn(data));
  }
}

export const live = new Live();
