import { describe, it } from 'vitest';
import { accountProfileProjection } from '../src/index.js';
import { projectionSpec } from '../src/testing/index.js';

const sealed = (n: string) => ({ alg: 'xsalsa20poly1305' as const, keyId: '00000000-0000-4000-8000-000000000001', nonce: 'A'.repeat(32), ciphertext: n.repeat(40) });
const registered = {
  type: 'AccountRegistered' as const,
  data: { username: 'alice', miniLockId: '23GmSqwEJ6USZ3gP3JzLnxu4VCBi9MXewK1FE9Fq8nQLnL', authPublicKey: 'A'.repeat(43) + '=', encryptedProfile: sealed('B') },
};

describe('account profiles read model', () => {
  it('holds the latest encrypted profile', () => {
    projectionSpec(accountProfileProjection)
      .given([registered])
      .when([{ type: 'ProfileUpdated', data: { username: 'alice', encryptedProfile: sealed('C') } }])
      .then({ alice: { username: 'alice', encryptedProfile: sealed('C') } });
  });

  it('erases the profile on deletion and ignores later updates', () => {
    projectionSpec(accountProfileProjection)
      .given([registered, { type: 'AccountDeleted', data: { username: 'alice' } }])
      .when([{ type: 'ProfileUpdated', data: { username: 'alice', encryptedProfile: sealed('C') } }])
      .then({ alice: { username: 'alice', encryptedProfile: null, erasedKeyId: '00000000-0000-4000-8000-000000000001' } });
  });
});
