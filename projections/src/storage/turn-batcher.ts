/**
 * Group commit / grouped reads for the stores: the calls made during one
 * turn of the event loop are collected and run as one group right after it
 * (`setImmediate`), so under load one round trip or one transaction serves
 * many requests; a call alone waits one turn more.
 *
 * `run` answers each request of the group in order, as settled results, so a
 * group can fail one request without failing the others; if `run` itself
 * throws, every request of the group fails with that error.
 */
export type TurnBatch<Request, Result> = (request: Request) => Promise<Result>;

export function turnBatcher<Request, Result>(
  run: (group: readonly Request[]) => Promise<readonly PromiseSettledResult<Result>[]> | readonly PromiseSettledResult<Result>[],
): TurnBatch<Request, Result> {
  let pending: { request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  const flush = async () => {
    const group = pending;
    pending = [];
    try {
      const settled = await run(group.map((p) => p.request));
      group.forEach((p, i) => {
        const s = settled[i];
        if (s?.status === 'fulfilled') p.resolve(s.value);
        else p.reject(s ? s.reason : new Error('turnBatcher: no result for a request'));
      });
    } catch (error) {
      for (const p of group) p.reject(error);
    }
  };
  return (request) =>
    new Promise<Result>((resolve, reject) => {
      pending.push({ request, resolve, reject });
      if (pending.length === 1) setImmediate(() => void flush());
    });
}

export const fulfilled = <T>(value: T): PromiseFulfilledResult<T> => ({ status: 'fulfilled', value });
export const rejected = (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason });
