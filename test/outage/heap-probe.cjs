/**
 * Preloaded into the example app's `next start` process by the outage test (`node --expose-gc
 * --require <this file>`; `next start` serves from that same process): every
 * HEAP_PROBE_INTERVAL_MILLIS (default 2000) it runs a full garbage collection and writes
 * `[heap] <epoch ms> <heapUsed bytes>` to stderr, so the test reads the live heap, not RSS.
 * The app itself is unchanged. CommonJS so that `--require` loads it as is on every Node line.
 */
'use strict';
const interval = Number(process.env.HEAP_PROBE_INTERVAL_MILLIS) || 2000;
if (typeof globalThis.gc !== 'function') {
  process.stderr.write('[heap] unavailable: start node with --expose-gc\n');
} else {
  const sample = () => {
    globalThis.gc(); // full, synchronous mark-compact: what is left is what something still references
    process.stderr.write(`[heap] ${Date.now()} ${process.memoryUsage().heapUsed}\n`);
  };
  setInterval(sample, interval).unref();
  sample();
}
