// The live stream (GET /api/v1/stream, a WebSocket): events `post`, `delete` and
// `notification`, each with an `event_id`; a reconnect passes the last one as `last_event_id`
// so nothing is missed, and a `gap` notice (the server no longer has those events) asks for a
// reload of the pages. Reconnects back off with a random spread (reconnect.js).
import { getToken } from './api.js';
import { FIRST_DELAY_MS, delayAfterClose, doubled, jittered } from './reconnect.js';

const handlers = new Set();
let socket = null;
let lastEventId = '';
let retryDelay = FIRST_DELAY_MS;
let retryTimer = 0;
let wanted = false;
let statusValue = 'closed';
const statusListeners = new Set();

function setStatus(value) {
  statusValue = value;
  for (const listener of statusListeners) listener(value);
}

export function liveStatus() {
  return statusValue;
}

export function onLiveStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

// `handler(event)` for every event; answers an unsubscribe function.
export function onLive(handler) {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

function emit(event) {
  for (const handler of handlers) {
    try {
      handler(event);
    } catch (error) {
      console.error(error);
    }
  }
}

function connect() {
  const token = getToken();
  if (!wanted || !token) return;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams({ access_token: token });
  if (lastEventId) params.set('last_event_id', lastEventId);
  const ws = new WebSocket(`${scheme}//${location.host}/api/v1/stream?${params}`);
  socket = ws;
  let opened = false;
  setStatus('connecting');
  ws.onopen = () => {
    opened = true;
    setStatus('open');
  };
  ws.onmessage = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event.event_id) lastEventId = event.event_id;
    if (event.type === 'gap') lastEventId = '';
    emit(event);
  };
  ws.onclose = (event) => {
    if (socket !== ws) return;
    socket = null;
    setStatus('closed');
    if (!wanted) return;
    retryDelay = delayAfterClose(retryDelay, opened, event.code);
    retryTimer = setTimeout(connect, jittered(retryDelay));
    retryDelay = doubled(retryDelay);
    emit({ type: 'reconnecting' });
  };
}

export function startLive() {
  if (wanted) return;
  wanted = true;
  connect();
}

export function stopLive() {
  wanted = false;
  lastEventId = '';
  clearTimeout(retryTimer);
  if (socket) {
    const ws = socket;
    socket = null;
    ws.close(1000);
  }
  setStatus('closed');
}
