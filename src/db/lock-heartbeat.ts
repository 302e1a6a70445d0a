import { Worker } from 'node:worker_threads';

/**
 * The heartbeat runs in a worker thread: PGlite runs on the main thread and can block it for
 * seconds (a cold start's initdb, a long statement). A heartbeat stalled by that would let another
 * process take over a lock that is still in use.
 */
const SOURCE = `
const { parentPort, workerData: { file, id, interval, stale } } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
let lastBeat = Date.now();
const timer = setInterval(() => {
  let owner = null;
  try { owner = JSON.parse(fs.readFileSync(path.join(file, 'owner.json'), 'utf8')).id; } catch {}
  if (owner !== id) {
    clearInterval(timer);
    return parentPort.postMessage(owner === null ? 'it was removed' : 'another process took it over');
  }
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
    lastBeat = Date.now();
  } catch (err) {
    if (Date.now() - lastBeat > stale) { clearInterval(timer); parentPort.postMessage('heartbeat failing: ' + err.message); }
  }
}, interval);
`;

export interface Heartbeat {
  stop(): void;
}

/** Touches the lock every `intervalMs`; `onLost` hears (on the main thread) why it stopped. */
export function startHeartbeat(
  lock: { file: string; id: string; intervalMs: number; staleMs: number },
  onLost: (why: string) => void,
): Heartbeat {
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { file: lock.file, id: lock.id, interval: lock.intervalMs, stale: lock.staleMs },
  });
  worker.unref();
  worker.on('message', (why: string) => onLost(why));
  return { stop: () => void worker.terminate() };
}
