/**
 * The BLAKE2s-256 hash thread of src/platform/node-parallel-hash.ts (which
 * says why it exists). Plain JavaScript beside src/, so that the same file
 * runs whether the SDK is loaded from its TypeScript sources (tests) or
 * from dist/: both sit two levels below this folder.
 *
 * Messages in:  { op: 'open', id, slots }   a session; slots is its SharedArrayBuffer
 *               { op: 'update', id, data }  bytes sent by structured clone, or
 *               { op: 'update', id, slot, offset, length }  bytes in a slot
 *               { op: 'digest', id } | { op: 'drop', id }
 * Messages out: { op: 'ack', id, n, slot }  n bytes hashed; the slot is free again
 *               { op: 'digest', id, digest }
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const sessions = new Map();

parentPort.on('message', (m) => {
  switch (m.op) {
    case 'open':
      sessions.set(m.id, { hash: createHash('blake2s256'), slots: m.slots });
      return;
    case 'update': {
      const s = sessions.get(m.id);
      // A dropped session's late updates: nothing to hash, nobody waiting for the ack.
      if (!s) return;
      if (m.data) s.hash.update(m.data);
      else s.hash.update(new Uint8Array(s.slots, m.offset, m.length));
      parentPort.postMessage({ id: m.id, op: 'ack', n: m.data ? m.data.length : m.length, slot: m.slot });
      return;
    }
    case 'digest': {
      const s = sessions.get(m.id);
      sessions.delete(m.id);
      const d = s.hash.digest();
      parentPort.postMessage({ id: m.id, op: 'digest', digest: new Uint8Array(d.buffer, d.byteOffset, d.length) });
      return;
    }
    case 'drop':
      sessions.delete(m.id);
      return;
  }
});
