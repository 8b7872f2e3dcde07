/** contacts add | accept | decline | remove | list | verify | accept-key. */
import QRCode from 'qrcode';
import { decodeMiniLockId, safetyNumber, type KeyPin, type PeerlockClient, type SafetyNumber } from '@peerlock/sdk';
import { CliRefusal, keyChangeAdvice, MissingArgumentError, UsageError } from '../cli-error.js';
import { flag, type Command, type ParsedArgs } from '../command.js';
import type { Context } from '../context.js';
import { writeStderr } from '../output.js';
import { ask } from '../secret-input.js';

const who = (args: ParsedArgs): string => {
  const u = args.positionals[0];
  if (!u) throw new MissingArgumentError('username');
  return u.toLowerCase();
};

/** On stderr, so it shows even when stdout goes to a file or a pipe. `advice`: what to do, where the default (compare, then accept-key) does not fit. */
function keyChangeBanner(ctx: Context, username: string, verified: boolean, advice = keyChangeAdvice(username, verified)): void {
  const { paint } = ctx.out;
  writeStderr(`${paint.red(paint.bold(`!!! ${username}'s KEY HAS CHANGED !!!`))}\n`);
  writeStderr(`${paint.red(`Sending to ${username} is blocked. They may have a new passphrase, or someone is intercepting.`)}\n`);
  writeStderr(`${paint.red(advice)}\n`);
}

/** The safety number a contact's pending new key would give (what to compare before accepting it). */
function pendingSafetyNumber(me: { username: string; miniLockId: string }, user: string, pendingMiniLockId: string): SafetyNumber {
  return safetyNumber({ username: me.username, publicKey: decodeMiniLockId(me.miniLockId) }, { username: user, publicKey: decodeMiniLockId(pendingMiniLockId) });
}

async function showSafetyNumber(ctx: Context, heading: string, number: SafetyNumber): Promise<void> {
  const groups = number.digits.split(' ');
  ctx.out.line(heading);
  ctx.out.line(`  ${groups.slice(0, 6).join(' ')}`);
  ctx.out.line(`  ${groups.slice(6).join(' ')}`);
  ctx.out.line(await QRCode.toString(number.qrPayload, { type: 'terminal', small: true }));
}

/**
 * Accepts the pending key whose safety number was shown. The SDK accepts
 * whatever key is pending when it asks the directory again, so should the
 * server show yet another key in between, the pin would hold a key nobody
 * compared: then it is marked unverified and the user is told to compare again.
 */
async function acceptComparedKey(client: PeerlockClient, user: string, compared: string, verified: boolean): Promise<KeyPin> {
  const accepted = await client.acceptKey(user, { verifiedNewKey: verified });
  if (accepted.miniLockId === compared) return accepted;
  if (accepted.verified) await client.markVerified(user, false);
  throw new CliRefusal({ kind: 'key-changed-again', username: user });
}

/** y: the same number; n: a different one; anything else (Enter): not decided now. */
async function askSame(user: string): Promise<'same' | 'different' | 'undecided'> {
  const answer = await ask(`Does ${user} see the same number? [y = same, n = different, Enter = decide later] `);
  return /^y(es)?$/i.test(answer) ? 'same' : /^no?$/i.test(answer) && answer !== '' ? 'different' : 'undecided';
}

const simple = (name: 'add' | 'accept' | 'decline' | 'remove', summary: string): Command => ({
  name: `contacts ${name}`,
  usage: `peerlock contacts ${name} <username>`,
  summary,
  async run(ctx, args) {
    const client = await ctx.client();
    const user = who(args);
    const list =
      name === 'add' ? await client.requestContact(user) : name === 'accept' ? await client.acceptContact(user) : name === 'decline' ? await client.declineContact(user) : await client.removeContact(user);
    const said = {
      add: list.contacts.includes(user) ? `${user} is now a contact` : `request sent to ${user}; they appear in \`peerlock contacts list\` once they accept`,
      accept: `${user} is now a contact`,
      decline: `declined ${user}'s request`,
      remove: `removed ${user} from your contacts`,
    }[name];
    ctx.out.result(list, () => ctx.out.line(`${ctx.out.paint.green('✔')} ${said}`));
  },
});

export const contactCommands: Command[] = [
  simple('add', 'Ask a user to become a contact (pins their key)'),
  simple('accept', 'Accept a contact request (pins their key)'),
  simple('decline', 'Decline a contact request'),
  simple('remove', 'Remove a contact'),
  {
    name: 'contacts list',
    usage: 'peerlock contacts list',
    summary: 'Contacts, requests, and the state of their keys',
    async run(ctx) {
      const client = await ctx.client();
      const list = await client.contacts();
      const pins = await client.pins();
      const rows = list.contacts.map((u) => {
        const pin = pins.pins[u];
        return { username: u, verified: pin?.verified ?? false, keyChanged: pin?.pendingMiniLockId !== undefined };
      });
      ctx.out.result({ ...list, keys: rows }, () => {
        const { paint } = ctx.out;
        if (rows.length === 0) ctx.out.line(paint.dim('no contacts yet'));
        for (const r of rows) ctx.out.line(`${r.username}${r.verified ? paint.green(' ✔ verified') : ''}${r.keyChanged ? paint.red(paint.bold(' KEY CHANGED')) : ''}`);
        if (list.incoming.length) ctx.out.line(`waiting for you: ${list.incoming.join(', ')}`);
        if (list.outgoing.length) ctx.out.line(`you asked: ${list.outgoing.join(', ')}`);
      });
      for (const r of rows) if (r.keyChanged && !ctx.out.json) keyChangeBanner(ctx, r.username, r.verified);
    },
  },
  {
    name: 'contacts verify',
    usage: 'peerlock contacts verify <username> [--yes]',
    summary: "Show the safety number (digits and QR) to compare in person or on a call; y (or --yes) marks the contact verified, n says what a mismatch means. After a key change: the NEW key's number, and y accepts that key",
    options: { yes: { type: 'boolean' } },
    optionHelp: { yes: 'you compared the number and it is the same: mark verified (after a key change: accept the new key, verified) without asking' },
    async run(ctx, args) {
      const client = await ctx.client();
      const user = who(args);
      const shown = await client.safetyNumber(user);
      const pending = shown.pendingKeyChange ? (await client.pin(user))?.pendingMiniLockId : undefined;
      // A changed key: the number to compare is the one the NEW key gives; the pinned (old) one says nothing about it.
      const number = pending ? pendingSafetyNumber(client, user, pending) : shown;
      if (!ctx.out.json) await showSafetyNumber(ctx, pending ? `${user}'s key has changed; the safety number with the NEW key:` : `safety number with ${ctx.out.paint.bold(user)}:`, number);
      if (pending && !flag(args, 'yes')) keyChangeBanner(ctx, user, shown.verified, `Compare the number above with ${user} in person or on a call. Only if it is the same, accept the new key: answer y, or run \`peerlock contacts verify ${user} --yes\`.`);
      const alreadyVerified = shown.verified && !pending;
      let answer: 'same' | 'different' | 'undecided' = flag(args, 'yes') ? 'same' : 'undecided';
      if (answer === 'undecided' && !alreadyVerified && !ctx.out.json && process.stdin.isTTY) answer = await askSame(user);
      if (answer === 'different') throw new CliRefusal({ kind: 'safety-number-mismatch', username: user, newKey: pending !== undefined });
      let verified = alreadyVerified;
      let acceptedKey: string | undefined;
      if (answer === 'same' && pending) {
        // The user compared the new key's number: accepting it as verified is what accept-key --verified does.
        const accepted = await acceptComparedKey(client, user, pending, true);
        acceptedKey = accepted.miniLockId;
        verified = accepted.verified;
      } else if (answer === 'same' && !verified) verified = (await client.markVerified(user)).verified;
      ctx.out.result({ username: user, digits: number.digits, qrPayload: number.qrPayload, verified, ...(pending ? { keyChanged: true, accepted: acceptedKey !== undefined } : {}) }, () => {
        if (acceptedKey) ctx.out.line(ctx.out.paint.green(`✔ accepted ${user}'s new key ${acceptedKey}; ${user} is verified`));
        else if (verified) ctx.out.line(ctx.out.paint.green(`✔ ${user} is verified`));
        else if (pending) ctx.out.line(`new key not accepted: once ${user} confirms the same number, run \`peerlock contacts verify ${user} --yes\``);
        else ctx.out.line(`not marked verified: once you have compared the number with ${user}, run \`peerlock contacts verify ${user}\` again and answer y (or add --yes)`);
      });
    },
  },
  {
    name: 'contacts accept-key',
    usage: 'peerlock contacts accept-key <username> [--verified]',
    summary: "Accept a contact's new key (for a verified contact, --verified after comparing the new safety number)",
    options: { verified: { type: 'boolean' } },
    optionHelp: { verified: 'you compared the NEW safety number with them and it is the same: the contact stays verified (required for a verified contact)' },
    async run(ctx, args) {
      const client = await ctx.client();
      const user = who(args);
      const { pin } = await client.observe(user);
      if (pin.pendingMiniLockId === undefined) throw new UsageError(`${user}'s key has not changed: there is no new key to accept`);
      const fresh = pendingSafetyNumber(client, user, pin.pendingMiniLockId);
      if (pin.verified && !flag(args, 'verified')) {
        if (!ctx.out.json) ctx.out.line(`new safety number with ${user}: ${fresh.digits}`);
        throw new CliRefusal({ kind: 'accept-needs-verified', username: user });
      }
      const accepted = await acceptComparedKey(client, user, pin.pendingMiniLockId, flag(args, 'verified'));
      ctx.out.result({ username: user, miniLockId: accepted.miniLockId, verified: accepted.verified, digits: fresh.digits }, () => {
        ctx.out.line(`${ctx.out.paint.green('✔')} accepted ${user}'s new key ${accepted.miniLockId}`);
        ctx.out.line(`new safety number: ${fresh.digits}`);
      });
    },
  },
];
