/**
 * WAL checkpoints off the request path.
 *
 * In WAL mode SQLite copies the log back into the database file (and, with
 * synchronous=NORMAL, pays its fsyncs) in a checkpoint, which by default runs
 * inside whichever commit pushed the WAL past its threshold. better-sqlite3
 * is synchronous, so that commit stalls the event loop, and every request
 * with it, for as long as the copy takes: under the messaging benchmark's
 * load that was the p99. Here a worker thread with its own connections runs
 * PASSIVE checkpoints every `intervalMs`: they never wait for, nor block,
 * the writers and readers of the main thread, and they keep the WAL short
 * enough that the commits' own automatic checkpoints (still there as a
 * safety net, e.g. if the worker dies) have nothing left to do.
 *
 * On request (`truncate`, after a purge of message ciphertext) it runs a
 * TRUNCATE checkpoint on one file instead: everything copied back and the
 * WAL cut to zero bytes, so the pages as they were before the purge are no
 * longer in it. That one waits for the readers of older snapshots (they are
 * short, synchronous statements on the main thread) and holds off writers
 * while it copies; a WAL the passive rounds keep short makes that brief. A
 * busy attempt is repeated every round until it succeeds.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const dbs = workerData.paths.map((path) => {
  const db = new Database(path);
  db.pragma('busy_timeout = 1000');
  return db;
});
// Per file index: the truncate requests waiting for a TRUNCATE checkpoint that succeeds.
const pending = new Map();
function truncated(index) {
  try {
    return dbs[index].pragma('wal_checkpoint(TRUNCATE)')[0].busy === 0;
  } catch (error) {
    return false;
  }
}
function truncatePending() {
  for (const [index, ids] of [...pending]) {
    if (!truncated(index)) continue;
    pending.delete(index);
    for (const id of ids) parentPort.postMessage({ truncated: id, done: true });
  }
}
function checkpoint() {
  truncatePending();
  for (const db of dbs) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // Busy or locked: the next round tries again; the commits' own checkpoints remain as a fallback.
    }
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message && typeof message === 'object' && 'truncate' in message) {
    const ids = pending.get(message.truncate) ?? [];
    ids.push(message.id);
    pending.set(message.truncate, ids);
    truncatePending();
    return;
  }
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  for (const ids of pending.values()) for (const id of ids) parentPort.postMessage({ truncated: id, done: false });
  pending.clear();
  for (const db of dbs) db.close();
  parentPort.postMessage('stopped');
});
`;

/** How long a purge waits for its WAL to be truncated before it goes on (the worker keeps trying). */
const TRUNCATE_PATIENCE_MS = 5000;

export class SqliteCheckpointer {
  private readonly worker: Worker;
  private readonly paths: readonly string[];
  private readonly waiting = new Map<number, (done: boolean) => void>();
  private nextId = 0;

  constructor(paths: readonly string[], intervalMs = 200, logError: (...args: unknown[]) => void = console.error) {
    this.paths = [...paths];
    // The worker loads the very driver the stores use.
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { paths: this.paths, intervalMs, driver } });
    this.worker.on('error', (error) => logError('sqlite checkpointer', error));
    this.worker.on('message', (message: unknown) => {
      if (typeof message !== 'object' || message === null || !('truncated' in message)) return;
      const { truncated, done } = message as { truncated: number; done: boolean };
      this.waiting.get(truncated)?.(done);
    });
    // A dead worker truncates nothing more: its waiters are told so rather than left waiting.
    this.worker.on('exit', () => {
      for (const settle of [...this.waiting.values()]) settle(false);
    });
    // It must never keep a process alive on its own.
    this.worker.unref();
  }

  /**
   * A TRUNCATE checkpoint of `path` (one of the files given at construction):
   * true once the WAL is copied back and cut to zero bytes; false if that did
   * not happen within a few seconds (the worker keeps trying) or the worker stopped.
   */
  truncate(path: string): Promise<boolean> {
    const index = this.paths.indexOf(path);
    if (index < 0) return Promise.reject(new Error(`not a checkpointed file: ${path}`));
    const id = this.nextId++;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), TRUNCATE_PATIENCE_MS);
      timer.unref();
      const settle = (done: boolean) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(done);
      };
      this.waiting.set(id, settle);
      this.worker.postMessage({ truncate: index, id });
    });
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      const done = () => resolve();
      // Not on a truncate's answer, which may come first.
      this.worker.on('message', (message: unknown) => {
        if (message === 'stopped') done();
      });
      this.worker.once('exit', done);
      this.worker.once('error', done);
    });
    this.worker.postMessage('stop');
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await this.worker.terminate();
  }
}
