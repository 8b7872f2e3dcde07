import { describe, expect, it } from 'vitest';
import { MemoryMarkStore, NO_MARKS, parseDeviceMarks, raiseMarks } from '../../src/client/device-marks.js';

const head = (treeSize: number) => ({ version: 3, treeSize, timestamp: '1700000000000', rootHash: 'AAAA', signature: 'BBBB' });

describe('device marks', () => {
  it('only ever go up, each on its own', () => {
    const a = raiseMarks(NO_MARKS, { pinSetVersion: 5, treeHead: head(10) });
    expect(a).toEqual({ pinSetVersion: 5, fileIndexVersion: 0, treeHead: head(10) });
    const b = raiseMarks(a, { pinSetVersion: 3, fileIndexVersion: 2, treeHead: head(9) });
    expect(b).toEqual({ pinSetVersion: 5, fileIndexVersion: 2, treeHead: head(10) });
    expect(raiseMarks(b, { treeHead: head(11) }).treeHead).toEqual(head(11));
  });

  it('parse what was stored, and treat anything odd as no marks rather than crash', () => {
    expect(parseDeviceMarks({ pinSetVersion: 1, fileIndexVersion: 2, treeHead: head(3) })).toEqual({ pinSetVersion: 1, fileIndexVersion: 2, treeHead: head(3) });
    for (const bad of [null, 'x', { pinSetVersion: -1, fileIndexVersion: 0 }, { pinSetVersion: 1.5, fileIndexVersion: 0 }, { pinSetVersion: 1 }, { pinSetVersion: 1, fileIndexVersion: 0, treeHead: { treeSize: 'a' } }]) {
      expect(parseDeviceMarks(bad)).toBeUndefined();
    }
  });

  it('drop a head of an earlier log (no version, or 2: another tree), keeping the other marks', () => {
    const { version: _, ...legacy } = head(30);
    expect(parseDeviceMarks({ pinSetVersion: 1, fileIndexVersion: 2, treeHead: legacy })).toEqual({ pinSetVersion: 1, fileIndexVersion: 2 });
    expect(parseDeviceMarks({ pinSetVersion: 1, fileIndexVersion: 2, treeHead: { ...head(30), version: 2 } })).toEqual({ pinSetVersion: 1, fileIndexVersion: 2 });
  });

  it('are kept per server and user', () => {
    const store = new MemoryMarkStore();
    store.save('http://a/graphql', 'alice', { pinSetVersion: 4, fileIndexVersion: 1 });
    expect(store.load('http://a/graphql', 'alice')).toEqual({ pinSetVersion: 4, fileIndexVersion: 1 });
    expect(store.load('http://b/graphql', 'alice')).toBeUndefined();
    expect(store.load('http://a/graphql', 'bob')).toBeUndefined();
  });
});
