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
function checkpoint() {
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
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  for (const db of dbs) db.close();
  parentPort.postMessage('stopped');
});
`;

export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(paths: readonly string[], intervalMs = 200, logError: (...args: unknown[]) => void = console.error) {
    // The worker loads the very driver the stores use.
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { paths: [...paths], intervalMs, driver } });
    this.worker.on('error', (error) => logError('sqlite checkpointer', error));
    // It must never keep a process alive on its own.
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once('message', done);
      this.worker.once('exit', done);
      this.worker.once('error', done);
    });
    this.worker.postMessage('stop');
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await this.worker.terminate();
  }
}
