/**
 * BLAKE2s-256 on a worker thread, so that hashing a large file's chunk
 * stream (the slowest step of miniLock: OpenSSL's BLAKE2s runs at about 40%
 * of libsodium's secretbox speed) overlaps with the secretbox work on the
 * main thread. One worker per process, started on first use, serves many
 * concurrent hash sessions; it keeps the process alive only while a session
 * is open. Updates are copied into slots of a SharedArrayBuffer owned by
 * the session (so neither thread allocates per chunk, which keeps memory
 * flat); small or overflowing updates travel by structured clone instead.
 * Either way the caller may hand the same bytes on to others. A caller may
 * also borrow a slot and read its data straight into it (borrow /
 * updateBorrowed): the decryptor does, so a downloaded chunk is copied once,
 * from the network into the slot, and both threads read it from there.
 */
import { Worker } from 'node:worker_threads';
import type { ParallelHasher } from './types.js';

/** The worker's code (plain JavaScript: see its header for why it lives outside src/). */
const WORKER_URL = new URL('../../workers/blake2s-worker.mjs', import.meta.url);

interface WorkerMessage {
  id: number;
  op: 'ack' | 'digest';
  n?: number;
  slot?: number;
  digest?: Uint8Array;
}

/** Three slots of a chunk and a bit: with the callers' drain(2 chunks) there is always one free. */
const SLOT_BYTES = 1024 * 1024 + 64;
const SLOTS = 3;

let worker: Worker | null = null;
let nextId = 1;
const sessions = new Map<number, Session>();

function failAll(error: Error): void {
  for (const s of sessions.values()) s.fail(error);
  sessions.clear();
  worker = null;
}

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_URL, { name: 'peerlock-blake2s', resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
  w.on('message', (m: WorkerMessage) => sessions.get(m.id)?.receive(m));
  w.on('error', (error) => failAll(error));
  w.on('exit', () => failAll(new Error('blake2s worker exited')));
  w.unref();
  worker = w;
  return w;
}

class Session implements ParallelHasher {
  private readonly id = nextId++;
  private readonly worker = ensureWorker();
  private pendingBytes = 0;
  private waiters: { max: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private digestWaiter: { resolve: (d: Uint8Array) => void; reject: (e: Error) => void } | null = null;
  private error: Error | null = null;
  private closed = false;
  private readonly slots = new SharedArrayBuffer(SLOT_BYTES * SLOTS);
  private readonly freeSlots = Array.from({ length: SLOTS }, (_, i) => i);

  constructor() {
    if (sessions.size === 0) this.worker.ref();
    sessions.set(this.id, this);
    this.worker.postMessage({ id: this.id, op: 'open', slots: this.slots });
  }

  update(data: Uint8Array): void {
    if (this.closed) throw new Error('blake2s: update after digest');
    if (this.error) throw this.error;
    this.pendingBytes += data.length;
    const slot = data.length >= 4096 && data.length <= SLOT_BYTES ? this.freeSlots.pop() : undefined;
    if (slot === undefined) {
      // Structured clone copies the whole underlying buffer: send only the bytes in view.
      const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      this.worker.postMessage({ id: this.id, op: 'update', data: own });
      return;
    }
    new Uint8Array(this.slots, slot * SLOT_BYTES, data.length).set(data);
    this.worker.postMessage({ id: this.id, op: 'update', slot, offset: slot * SLOT_BYTES, length: data.length });
  }

  borrow(bytes: number): Uint8Array | null {
    if (this.closed || this.error || bytes > SLOT_BYTES) return null;
    const slot = this.freeSlots.pop();
    return slot === undefined ? null : new Uint8Array(this.slots, slot * SLOT_BYTES, bytes);
  }

  updateBorrowed(view: Uint8Array): void {
    if (this.closed) throw new Error('blake2s: update after digest');
    if (this.error) throw this.error;
    if (view.buffer !== this.slots || view.byteOffset % SLOT_BYTES !== 0) throw new Error('blake2s: not a borrowed slot');
    this.pendingBytes += view.length;
    this.worker.postMessage({ id: this.id, op: 'update', slot: view.byteOffset / SLOT_BYTES, offset: view.byteOffset, length: view.length });
  }

  drain(maxPendingBytes: number): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.pendingBytes <= maxPendingBytes) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ max: maxPendingBytes, resolve, reject }));
  }

  digest(): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('blake2s: digest called twice'));
    if (this.error) return Promise.reject(this.error);
    this.closed = true;
    return new Promise((resolve, reject) => {
      this.digestWaiter = { resolve, reject };
      this.worker.postMessage({ id: this.id, op: 'digest' });
    });
  }

  dispose(): void {
    if (!sessions.has(this.id)) return;
    this.closed = true;
    if (!this.error) this.worker.postMessage({ id: this.id, op: 'drop' });
    this.close();
  }

  receive(m: WorkerMessage): void {
    if (m.op === 'ack') {
      this.pendingBytes -= m.n ?? 0;
      if (m.slot !== undefined) this.freeSlots.push(m.slot);
      const ready = this.waiters.filter((w) => this.pendingBytes <= w.max);
      this.waiters = this.waiters.filter((w) => this.pendingBytes > w.max);
      for (const w of ready) w.resolve();
    } else {
      this.close();
      this.digestWaiter?.resolve(new Uint8Array(m.digest!));
    }
  }

  fail(error: Error): void {
    this.error = error;
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
    this.digestWaiter?.reject(error);
    this.digestWaiter = null;
  }

  private close(): void {
    sessions.delete(this.id);
    if (sessions.size === 0) this.worker.unref();
  }
}

export function createParallelBlake2s256(): ParallelHasher {
  return new Session();
}
