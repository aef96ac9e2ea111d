// Live updates. One shared EventSource on /api/events; views subscribe with a callback that
// receives { kind: 'spans' | 'logs' | 'poll', traceIds: string[] | null }. traceIds null means
// "something may have changed" (polling fallback) and views should simply refetch.
//
// When SSE is unavailable (server without /api/events, a proxy that buffers, the collector
// restarting) we poll instead, and keep retrying SSE in the background so we return to push.

const POLL_MS = 2000;
const SSE_RETRY_MS = 15000;

const listeners = new Set();
const stateListeners = new Set();
let source = null;
let pollTimer = null;
let retryTimer = null;
let paused = false;
let everOpen = false;
let state = 'connecting'; // connecting | live | polling | paused

function setState(next) {
  if (state === next) return;
  state = next;
  for (const fn of stateListeners) fn(state);
}

function emit(kind, traceIds) {
  if (paused) return;
  for (const fn of [...listeners]) {
    try {
      fn({ kind, traceIds });
    } catch (err) {
      console.error('live listener failed', err);
    }
  }
}

function parseIds(ev) {
  try {
    const ids = JSON.parse(ev.data)?.traceIds;
    return Array.isArray(ids) ? ids.map(String) : null;
  } catch {
    return null;
  }
}

function startPolling() {
  if (pollTimer || paused) return;
  setState('polling');
  pollTimer = setInterval(() => emit('poll', null), POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (typeof EventSource === 'undefined') {
    startPolling();
    return;
  }
  const es = new EventSource('/api/events');
  source = es;
  es.addEventListener('open', () => {
    stopPolling();
    setState('live');
    // After a reconnect (or resume), anything ingested while disconnected would otherwise be
    // missed. The first connection needs no catch-up: views fetch on mount anyway.
    if (everOpen) emit('poll', null);
    everOpen = true;
  });
  es.addEventListener('spans', (ev) => emit('spans', parseIds(ev)));
  es.addEventListener('logs', (ev) => emit('logs', parseIds(ev)));
  es.addEventListener('error', () => {
    if (source !== es) return;
    // CONNECTING: the browser retries on its own; poll meanwhile. CLOSED: the server refused
    // (404, wrong content type): poll and try SSE again later ourselves.
    startPolling();
    if (es.readyState === EventSource.CLOSED) {
      source = null;
      retryTimer = setTimeout(connect, SSE_RETRY_MS);
    }
  });
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

export function isPaused() {
  return paused;
}

/** Pausing keeps the page still while reading; resuming refetches once. */
export function setPaused(value) {
  paused = value;
  if (paused) {
    stopPolling();
    source?.close();
    source = null;
    clearTimeout(retryTimer);
    setState('paused');
  } else {
    setState('connecting');
    connect();
  }
}

export function start() {
  if (!source && !pollTimer && !paused) connect();
}
