import { z } from 'zod';
import { defineEvent, type EventDefinition } from './event-definition.js';
import { usernameSchema } from '../accounts/account-fields.js';

/**
 * A sealed document: a user's own state that the SDK seals to the user's key
 * (the pin set, DESIGN §6; the file index, DESIGN §5) and the server keeps
 * as an opaque blob with a version. `version` is the stream revision + 1, so
 * a store with an expected version is a compare-and-set on the stream.
 * One stream per user and kind; every kind has the same event shape.
 */
export interface SealedDocumentStoredData {
  readonly username: string;
  readonly version: number;
  /** Standard base64 of the sealed bytes. */
  readonly blob: string;
}

/** The "stored" event of one kind of sealed document, holding at most `maxBytes` of ciphertext. */
export function defineSealedDocumentStored<const Type extends string>(type: Type, maxBytes: number): EventDefinition<Type, SealedDocumentStoredData> {
  return defineEvent(
    type,
    z.strictObject({
      username: usernameSchema,
      version: z.number().int().min(1),
      blob: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).min(4).max(Math.ceil(maxBytes / 3) * 4),
    }),
  );
}
