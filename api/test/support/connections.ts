import { afterAll } from 'vitest';

/**
 * For a contract suite inside a `describe`: `connect()` opens another
 * connection to the store under test (as another server node would), and
 * after the suite every connection is closed, then `cleanup` runs.
 */
export function connections<Store extends { close(): Promise<void> | void }>(open: () => Promise<Store>, cleanup: () => Promise<void>): () => Promise<Store> {
  const opened: Store[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
    await cleanup();
  });
  return async () => {
    const store = await open();
    opened.push(store);
    return store;
  };
}
