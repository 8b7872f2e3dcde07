import { describe, expect, it } from 'vitest';
import { fulfilled, rejected, turnBatcher } from '../src/storage/turn-batcher.js';

describe('turnBatcher', () => {
  it('runs the calls of one event-loop turn as one group, in order, and later calls as the next group', async () => {
    const groups: number[][] = [];
    const double = turnBatcher(async (group: readonly number[]) => {
      groups.push([...group]);
      return group.map((n) => fulfilled(n * 2));
    });
    const first = await Promise.all([double(1), double(2), double(3)]);
    const second = await double(4);
    expect(first).toEqual([2, 4, 6]);
    expect(second).toBe(8);
    expect(groups).toEqual([[1, 2, 3], [4]]);
  });

  it('fails one request of a group without failing the others, and all of them when the group fails', async () => {
    const odd = turnBatcher((group: readonly number[]) => group.map((n) => (n % 2 ? fulfilled(n) : rejected(new Error(`even ${n}`)))));
    expect((await Promise.allSettled([odd(1), odd(2), odd(3)])).map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const broken = turnBatcher(async (): Promise<PromiseSettledResult<number>[]> => {
      throw new Error('database down');
    });
    const results = await Promise.allSettled([broken(1), broken(2)]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['database down', 'database down']);
  });
});
