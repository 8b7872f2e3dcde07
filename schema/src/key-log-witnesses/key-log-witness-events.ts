import { z } from 'zod';
import { defineEvent } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';

/**
 * A witness's co-signature of a key-log checkpoint (DESIGN §6, T13), accepted
 * by the server only after it verified the cosignature/v1 over the checkpoint
 * of exactly this size and root. One stream per witness key, so a witness's
 * co-signed sizes only grow. `witness` is the verifier key
 * (name+keyid+base64(0x04 ‖ Ed25519 key)); `signature` is what follows the
 * name on the note's signature line: base64(key ID ‖ u64be(time) ‖ signature).
 */
export const keyLogWitnessStreamName = (witnessPublicKeyHex: string): string => `key-log-witness-${witnessPublicKeyHex}`;

const base64 = (bytes: number) => z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).length(Math.ceil(bytes / 3) * 4);

export const KeyLogCosigned = defineEvent(
  'KeyLogCosigned',
  z.strictObject({
    witness: z.string().min(1).max(512),
    treeSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    rootHash: base64(32),
    signature: base64(4 + 8 + 64),
  }),
);

export const keyLogWitnessEvents = createEventRegistry([KeyLogCosigned] as const);
