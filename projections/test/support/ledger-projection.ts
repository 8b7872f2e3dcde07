import { defineEvent } from '@peerlock/schema';
import { z } from 'zod';
import { defineDocumentProjection } from '../../src/index.js';

/**
 * A projection whose rows reveal any lost or repeated event: every deposit adds
 * to a running total and appends its position, so applying one twice (or
 * never) shows in the document.
 */
export const Deposited = defineEvent('Deposited', z.strictObject({ account: z.string(), amount: z.number().int() }));
export const AccountClosed = defineEvent('AccountClosed', z.strictObject({ account: z.string() }));

export interface Ledger {
  readonly balance: number;
  readonly positions: readonly string[];
}

export const ledgerProjection = (options: { name?: string; version?: number; failOn?: number } = {}) =>
  defineDocumentProjection({
    name: options.name ?? 'ledger',
    version: options.version ?? 1,
    handles: [Deposited, AccountClosed],
    documentId: (event) => event.data.account,
    evolve(ledger: Ledger | undefined, event): Ledger | null {
      if (event.type === 'AccountClosed') return null;
      // Simulates a bug that only some event triggers, to prove a failed batch leaves no trace.
      if (options.failOn !== undefined && event.data.amount === options.failOn) throw new Error('fold failed');
      return { balance: (ledger?.balance ?? 0) + event.data.amount, positions: [...(ledger?.positions ?? []), event.globalPosition.toString()] };
    },
  });
