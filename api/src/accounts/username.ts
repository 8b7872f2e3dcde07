/**
 * Usernames (Peerio's rule, issue 4): 1–16 word characters [A-Za-z0-9_],
 * unique without regard to case. The canonical form is lowercase: it names
 * the account stream and is the scrypt salt of the identity key (DESIGN.md §2),
 * so clients must derive with the lowercase name too.
 *
 * The event contract (`usernameSchema` in @peerlock/schema) holds the same
 * rule for the canonical form; checking it here keeps the two from drifting.
 */
import { usernameSchema } from '@peerlock/schema';
import { badInput } from '../errors.js';

const USERNAME = /^\w{1,16}$/;

export function canonicalUsername(input: unknown, field = 'username'): string {
  if (typeof input !== 'string' || !USERNAME.test(input)) throw badInput(field);
  const canonical = input.toLowerCase();
  if (!usernameSchema.safeParse(canonical).success) throw badInput(field);
  return canonical;
}
