/**
 * Opens the three stores for the configured backend:
 *   sqlite    events, read models, aggregate snapshots: <dataDir>/peerlock.db; auth state: <dataDir>/peerlock-auth.db;
 *             message ciphertext: <dataDir>/peerlock-messages.db
 *   postgres  all of them in one PostgreSQL schema, shared by every node
 *   kurrentdb events in KurrentDB; read models and auth state in PostgreSQL
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { PostgresReadModelStore, SqliteReadModelStore, type ReadModelStore } from '@peerlock/projections';
import type { AppConfig } from '../config.js';
import { SqliteEventStore } from '../eventstore/sqlite-event-store.js';
import { PostgresEventStore } from '../eventstore/postgres-event-store.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { AuthStore } from './auth-store.js';
import { SqliteAuthStore } from './sqlite-auth-store.js';
import { PostgresAuthStore } from './postgres-auth-store.js';
import type { CiphertextStore } from './ciphertext-store.js';
import { SqliteCiphertextStore } from './sqlite-ciphertext-store.js';
import { PostgresCiphertextStore } from './postgres-ciphertext-store.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { Logger } from '../logger.js';
import type { SnapshotStore } from './snapshot-store.js';
import { SqliteSnapshotStore } from './sqlite-snapshot-store.js';
import { PostgresSnapshotStore } from './postgres-snapshot-store.js';
import { createPostgresPool } from './postgres-pool.js';

export interface Stores {
  readonly events: EventStore;
  readonly readModels: ReadModelStore;
  readonly auth: AuthStore;
  readonly ciphertexts: CiphertextStore;
  readonly snapshots: SnapshotStore;
  close(): Promise<void>;
}

/** `log`: where the stores' lines go (the server's one logger); the console when not given. */
export async function openStores(config: AppConfig, log: Pick<Logger, 'warn' | 'error'> = console): Promise<Stores> {
  switch (config.store) {
    case 'sqlite': {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      const path = join(config.dataDir, 'peerlock.db');
      const events = new SqliteEventStore({ path });
      const readModels = SqliteReadModelStore.open(path);
      const auth = new SqliteAuthStore(join(config.dataDir, 'peerlock-auth.db'));
      const messagesPath = join(config.dataDir, 'peerlock-messages.db');
      // A purge's WAL truncation runs on the checkpoint worker, off the event loop (it exists by the time anything is purged).
      const ciphertexts = new SqliteCiphertextStore(messagesPath, { truncateWal: () => checkpointer.truncate(messagesPath) });
      const snapshots = new SqliteSnapshotStore(path);
      // Opened after the stores: they create the files and switch them to WAL mode.
      const checkpointer = new SqliteCheckpointer([path, join(config.dataDir, 'peerlock-auth.db'), messagesPath], undefined, log.error);
      return {
        events,
        readModels,
        auth,
        ciphertexts,
        snapshots,
        async close() {
          await checkpointer.stop();
          await snapshots.close();
          await ciphertexts.close();
          await auth.close();
          await events.close();
          readModels.close();
        },
      };
    }
    case 'postgres':
    case 'kurrentdb': {
      const connectionString = config.databaseUrl!;
      const schema = config.databaseSchema;
      // Opened one after the other; if one cannot be (the database went away meanwhile), those already open are closed.
      const opened: { close(): Promise<void> }[] = [];
      try {
        const events: EventStore =
          config.store === 'kurrentdb'
            ? // The KurrentDB client (~35 MB with its gRPC stack) loads only when that store is chosen.
              new (await import('../eventstore/kurrentdb-event-store.js')).KurrentDbEventStore({ connectionString: config.kurrentdbUrl! })
            : await PostgresEventStore.open({ connectionString, schema, log: log.warn });
        opened.push(events);
        // Read models and message ciphertext share one pool; like every pool here it survives a database restart.
        const pool = createPostgresPool({ connectionString, name: 'peerlock-read-models', max: 10, log: log.warn });
        opened.push({ close: () => pool.end() });
        const readModels = new PostgresReadModelStore(pool, { schema });
        const auth = await PostgresAuthStore.open(connectionString, schema, log.warn);
        opened.push(auth);
        const ciphertexts = await PostgresCiphertextStore.open(pool, schema);
        const snapshots = await PostgresSnapshotStore.open(pool, schema);
        return {
          events,
          readModels,
          auth,
          ciphertexts,
          snapshots,
          async close() {
            await auth.close();
            await events.close();
            await pool.end();
          },
        };
      } catch (error) {
        for (const store of opened.reverse()) await store.close().catch(() => undefined);
        throw error;
      }
    }
    default: {
      const unreachable: never = config.store;
      throw new Error(`unknown store ${String(unreachable)}`);
    }
  }
}
