import { builder } from '../builder.js';
import type { BoxedSecret } from '../../auth/server-keys.js';

export const SealedBoxRef = builder.objectRef<BoxedSecret>('SealedBox').implement({
  description: 'A NaCl box (X25519-XSalsa20-Poly1305) from the signed server key to one of your keys.',
  fields: (t) => ({
    nonce: t.expose('nonce', { type: 'Base64', description: '24 bytes' }),
    ciphertext: t.expose('ciphertext', { type: 'Base64', description: '48 bytes (16-byte tag ‖ 32-byte plaintext)' }),
  }),
});
