import { builder } from '../builder.js';
import type { BoxedSecret } from '../../auth/server-keys.js';

export const SealedBoxRef = builder.objectRef<BoxedSecret>('SealedBox').implement({
  description: 'A NaCl box (X25519-XSalsa20-Poly1305) from the signed server key to one of your keys.',
  fields: (t) => ({
    nonce: t.string({ description: 'base64, 24 bytes', resolve: (b) => Buffer.from(b.nonce).toString('base64') }),
    ciphertext: t.string({ description: 'base64, 48 bytes (16-byte tag ‖ 32-byte plaintext)', resolve: (b) => Buffer.from(b.ciphertext).toString('base64') }),
  }),
});
