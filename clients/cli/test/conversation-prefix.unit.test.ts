/**
 * Conversation ids by unique prefix (openConversation in
 * src/commands/messages.ts), against a stand-in client: what is not in the
 * inbox is "no conversation matches", whether the CLI can tell from the
 * listing or only the server's refusal says so.
 */
import { describe, expect, it } from 'vitest';
import { PeerlockApiError, type ConversationSummary, type PeerlockClient } from '@peerlock/sdk';
import { CliRefusal, UsageError } from '../src/cli-error.js';
import { openConversation } from '../src/commands/messages.js';

const summary = (id: string): ConversationSummary => ({ id, participants: ['alice', 'bob'], lastMessageAt: '2026-12-03T10:00:00Z', messageCount: 1, unreadCount: 0 });

function client(ids: readonly string[], read: (id: string) => unknown = (id) => ({ id })): PeerlockClient {
  return { messaging: { conversations: async () => ids.map(summary), read: async (id: string) => read(id) } } as unknown as PeerlockClient;
}

const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliRefusal);
  return (error as CliRefusal).refusal;
};

describe('openConversation', () => {
  it('reads the one conversation a prefix matches', async () => {
    await expect(openConversation(client(['7Kq2mWabc', '8Zz']), '7Kq')).resolves.toEqual({ id: '7Kq2mWabc' });
  });

  it('a prefix nothing in a complete listing matches is refused without asking the server', async () => {
    const asked: string[] = [];
    const refusal = await refusalOf(openConversation(client(['7Kq2mWabc'], (id) => asked.push(id)), 'zzzz'));
    expect(refusal).toEqual({ kind: 'no-conversation', prefix: 'zzzz' });
    expect(asked).toEqual([]);
  });

  it('beyond the listed page the id is tried as typed; FORBIDDEN, NOT_FOUND and a BAD_INPUT id are all "no conversation matches"', async () => {
    const full = Array.from({ length: 100 }, (_, i) => `c${i}`);
    for (const error of [new PeerlockApiError('FORBIDDEN', 403), new PeerlockApiError('NOT_FOUND', 404), new PeerlockApiError('BAD_INPUT', 400, { field: 'conversationId' })]) {
      const refusal = await refusalOf(
        openConversation(
          client(full, () => {
            throw error;
          }),
          'zzzz',
        ),
      );
      expect(refusal).toEqual({ kind: 'no-conversation', prefix: 'zzzz' });
    }
    // Other refusals are not hidden behind "no conversation".
    await expect(
      openConversation(
        client(full, () => {
          throw new PeerlockApiError('RATE_LIMITED', 429);
        }),
        'zzzz',
      ),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('an ambiguous prefix is a usage error listing the candidates', async () => {
    const error = await openConversation(client(['7Kq2mWabc', '7Kq9xyz']), '7Kq').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('7Kq matches 2 conversations (7Kq2mWabc…, 7Kq9xyz…): type more of the id');
  });
});
