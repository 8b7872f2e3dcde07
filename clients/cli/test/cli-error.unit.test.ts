/**
 * Codes, exit statuses and what the user is told to do (src/cli-error.ts),
 * for the refusals a new user meets first.
 */
import { describe, expect, it } from 'vitest';
import { ContactKeyError, FileTransferError, MessageActionError, InconsistentTreeHeadError, KeyNotInLogError, PeerlockApiError, TreeHeadRollbackError, TreeHeadSignatureError, WeakPassphraseError } from '@peerlock/sdk';
import { CliRefusal, describeError, EXIT, MissingArgumentError, UsageError } from '../src/cli-error.js';

describe('describeError', () => {
  it('a changed key of a verified contact: compare the new number first, then accept-key --verified (the command that works)', () => {
    const d = describeError(new ContactKeyError('alice', 'verified-key-changed'));
    expect([d.code, d.exit]).toEqual(['KEY_CHANGED', EXIT.keyChanged]);
    expect(d.details).toEqual({ username: 'alice', verified: true });
    expect(d.message).toContain('`peerlock contacts verify alice`');
    expect(d.message).toContain('`peerlock contacts accept-key alice --verified`');
    expect(d.message.indexOf('verify alice')).toBeLessThan(d.message.indexOf('accept-key'));
  });

  it('a changed key of an unverified contact: compare, then accept-key without --verified', () => {
    const d = describeError(new ContactKeyError('carol', 'key-changed'));
    expect([d.code, d.exit]).toEqual(['KEY_CHANGED', EXIT.keyChanged]);
    expect(d.message).toContain('`peerlock contacts verify carol`');
    expect(d.message).toContain('`peerlock contacts accept-key carol`');
    expect(d.message).not.toContain('--verified');
  });

  it("accept-key's own refusal (a verified contact, no --verified) says what to compare and that nothing was accepted", () => {
    const d = describeError(new CliRefusal({ kind: 'accept-needs-verified', username: 'alice' }));
    expect([d.code, d.exit]).toEqual(['KEY_CHANGED', EXIT.keyChanged]);
    expect(d.message).toContain('`peerlock contacts verify alice`');
    expect(d.message).toContain('`peerlock contacts accept-key alice --verified`');
    expect(d.message).toMatch(/Nothing was accepted$/);
    expect(d.message).not.toContain('nothing was sent');
  });

  it('a refused unsend or edit: the rule in one sentence, exit 1, the reason typed for scripts', () => {
    const refusal = (action: 'unsend' | 'edit', reason: 'window-closed' | 'not-yours' | 'deleted' | 'not-found') => describeError(new CliRefusal({ kind: 'message-action', action, reason, conversation: '7Kq2mWabcd', message: 'Xy12' }));
    const late = refusal('unsend', 'window-closed');
    expect([late.code, late.exit]).toEqual(['MESSAGE_ACTION', EXIT.failure]);
    expect(late.message).toMatch(/^You can unsend a message only within 3 hours of sending it\. Nothing was changed/);
    expect(late.details).toEqual({ reason: 'window-closed', action: 'unsend', conversation: '7Kq2mWabcd', messageId: 'Xy12' });
    expect(refusal('edit', 'window-closed').message).toMatch(/^You can edit a message only within 24 hours of sending it/);
    expect(refusal('unsend', 'not-yours').message).toMatch(/^That message is not yours: you can unsend only your own messages/);
    expect(refusal('edit', 'deleted').message).toBe('That message was already deleted: there is nothing left to edit');
    expect(refusal('unsend', 'not-found').message).toContain('`peerlock read 7Kq2mWabcd` shows each message\'s id');
    // The SDK's own refusal, should a command not turn it into the CLI's: typed the same way.
    const sdk = describeError(new MessageActionError('m1', 'bad-timer'));
    expect([sdk.code, sdk.exit, sdk.details]).toEqual(['MESSAGE_ACTION', EXIT.usage, { reason: 'bad-timer', messageId: 'm1' }]);
  });

  it("the server's storage away (UNAVAILABLE, 503) is transient like a network fault: exit 5, with the wait the server asked for", () => {
    const d = describeError(new PeerlockApiError('UNAVAILABLE', 503, { retryAfterSeconds: 2 }));
    expect(d).toEqual({
      code: 'UNAVAILABLE',
      message: "the server's storage is unavailable for a moment (a database restart?); nothing was lost, try again in 2 s",
      exit: EXIT.network,
      details: { retryAfterSeconds: 2 },
    });
    expect(describeError(new PeerlockApiError('UNAVAILABLE', 503)).exit).toBe(EXIT.network);
    const upload = describeError(new FileTransferError('UNAVAILABLE', 503));
    expect([upload.code, upload.exit]).toEqual(['UNAVAILABLE', EXIT.network]);
    expect(upload.message).toMatch(/^file transfer failed: the server's storage is unavailable/);
    expect(describeError(new FileTransferError('UNAVAILABLE', 503, undefined, 30))).toEqual({
      code: 'UNAVAILABLE',
      message: "file transfer failed: the server's storage is unavailable for a moment (a database restart?); nothing was lost, try again in 30 s",
      exit: EXIT.network,
      details: { retryAfterSeconds: 30 },
    });
  });

  it('no such user is not a key problem: its own code, exit 1', () => {
    const d = describeError(new ContactKeyError('nobody', 'no-such-user'));
    expect(d).toEqual({ code: 'NO_SUCH_USER', message: 'there is no user called nobody (check the spelling)', exit: EXIT.failure, details: { username: 'nobody' } });
  });

  it('no conversation matches: NOT_FOUND, exit 1, naming what was typed', () => {
    const d = describeError(new CliRefusal({ kind: 'no-conversation', prefix: 'zzzz' }));
    expect([d.code, d.exit, d.details]).toEqual(['NOT_FOUND', EXIT.failure, { conversation: 'zzzz' }]);
    expect(d.message).toMatch(/^no conversation matches zzzz/);
  });

  it('safety numbers that differ: what it means and what to do, exit 3', () => {
    const d = describeError(new CliRefusal({ kind: 'safety-number-mismatch', username: 'bob', newKey: false }));
    expect([d.code, d.exit]).toEqual(['SAFETY_NUMBER_MISMATCH', EXIT.keyChanged]);
    for (const said of ['in the middle', 'not the bob you think', 'Do not send bob anything sensitive', 'in person or on a call', '`peerlock contacts remove bob`', 'another way']) expect(d.message).toContain(said);
  });

  it('a key or head the key log does not prove is a security refusal: exit 3, with the reason for scripts', () => {
    const stale = describeError(new KeyNotInLogError('ivan', 'not-newest'));
    expect(stale).toMatchObject({ code: 'KEY_NOT_IN_LOG', exit: EXIT.keyChanged, details: { username: 'ivan', reason: 'not-newest' } });
    expect(stale.message).toContain('not their newest');
    expect(describeError(new KeyNotInLogError('ivan', 'bad-vrf-proof')).message).toContain('(bad-vrf-proof)');
    expect(describeError(new TreeHeadRollbackError(9, 4))).toMatchObject({ code: 'TREE_HEAD_ROLLBACK', exit: EXIT.keyChanged, details: { trustedSize: 9, shownSize: 4 } });
    expect(describeError(new InconsistentTreeHeadError('fork', 9, 9))).toMatchObject({ code: 'INCONSISTENT_TREE_HEAD', exit: EXIT.keyChanged, details: { reason: 'fork' } });
    expect(describeError(new TreeHeadSignatureError())).toMatchObject({ code: 'TREE_HEAD_SIGNATURE_INVALID', exit: EXIT.keyChanged });
  });

  it('usage problems exit 2; a weak passphrase says why', () => {
    expect(describeError(new UsageError('x')).exit).toBe(EXIT.usage);
    expect(describeError(new MissingArgumentError('username'))).toMatchObject({ code: 'USAGE', message: 'missing username', exit: EXIT.usage });
    expect(describeError(new WeakPassphraseError(['too-short', 'low-entropy']))).toMatchObject({ code: 'WEAK_PASSPHRASE', exit: EXIT.usage, message: expect.stringContaining('too-short, low-entropy') });
  });

  it('server refusals keep their code; authentication ones exit 4', () => {
    expect(describeError(new PeerlockApiError('TWO_FACTOR_REQUIRED', 401))).toMatchObject({ code: 'TWO_FACTOR_REQUIRED', exit: EXIT.auth });
    expect(describeError(new PeerlockApiError('RATE_LIMITED', 429))).toMatchObject({ code: 'RATE_LIMITED', exit: EXIT.failure });
  });
});
