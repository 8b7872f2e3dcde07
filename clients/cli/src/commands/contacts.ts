/** contacts add | accept | decline | remove | list | verify | accept-key. */
import QRCode from 'qrcode';
import { ContactKeyError, decodeMiniLockId, safetyNumber } from '@peerlock/sdk';
import { UsageError } from '../cli-error.js';
import { flag, type Command, type ParsedArgs } from '../command.js';
import type { Context } from '../context.js';
import { ask } from '../secret-input.js';

const who = (args: ParsedArgs): string => {
  const u = args.positionals[0];
  if (!u) throw new UsageError('missing username');
  return u.toLowerCase();
};

function keyChangeBanner(ctx: Context, username: string): void {
  const { paint } = ctx.out;
  process.stderr.write(`${paint.red(paint.bold(`!!! ${username}'s KEY HAS CHANGED !!!`))}\n`);
  process.stderr.write(`${paint.red(`Sending to ${username} is blocked. They may have a new passphrase, or someone is intercepting.`)}\n`);
  process.stderr.write(`${paint.red(`Compare safety numbers with them (peerlock contacts verify ${username}), then: peerlock contacts accept-key ${username}`)}\n`);
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
    ctx.out.result(list, () => ctx.out.line(`${ctx.out.paint.green('✔')} ${name === 'add' ? (list.contacts.includes(user) ? `${user} is now a contact` : `request sent to ${user}`) : `${name}: ${user}`}`));
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
      for (const r of rows) if (r.keyChanged && !ctx.out.json) keyChangeBanner(ctx, r.username);
    },
  },
  {
    name: 'contacts verify',
    usage: 'peerlock contacts verify <username> [--yes]',
    summary: 'Show the safety number (digits and QR) to compare; --yes marks the contact verified',
    options: { yes: { type: 'boolean' } },
    async run(ctx, args) {
      const client = await ctx.client();
      const user = who(args);
      const number = await client.safetyNumber(user);
      let verified = number.verified;
      if (!ctx.out.json) {
        ctx.out.line(`safety number with ${ctx.out.paint.bold(user)}:`);
        ctx.out.line(`  ${number.digits.split(' ').slice(0, 6).join(' ')}`);
        ctx.out.line(`  ${number.digits.split(' ').slice(6).join(' ')}`);
        ctx.out.line(await QRCode.toString(number.qrPayload, { type: 'terminal', small: true }));
      }
      if (number.pendingKeyChange) keyChangeBanner(ctx, user);
      let mark = flag(args, 'yes');
      if (!mark && !ctx.out.json && process.stdin.isTTY && !verified) mark = /^y(es)?$/i.test(await ask(`Does ${user} see the same number? [y/N] `));
      if (mark && !verified) verified = (await client.markVerified(user)).verified;
      ctx.out.result({ username: user, digits: number.digits, qrPayload: number.qrPayload, verified }, () => ctx.out.line(verified ? ctx.out.paint.green(`✔ ${user} is verified`) : 'not marked verified'));
    },
  },
  {
    name: 'contacts accept-key',
    usage: 'peerlock contacts accept-key <username> [--verified]',
    summary: "Accept a contact's new key (for a verified contact, --verified after comparing the new safety number)",
    options: { verified: { type: 'boolean' } },
    async run(ctx, args) {
      const client = await ctx.client();
      const user = who(args);
      const { pin } = await client.observe(user);
      if (pin.pendingMiniLockId === undefined) throw new UsageError(`${user}'s key has not changed`);
      const fresh = safetyNumber({ username: client.username, publicKey: decodeMiniLockId(client.miniLockId) }, { username: user, publicKey: decodeMiniLockId(pin.pendingMiniLockId) });
      if (pin.verified && !flag(args, 'verified')) {
        if (!ctx.out.json) ctx.out.line(`new safety number with ${user}: ${fresh.digits}`);
        throw new ContactKeyError(user, 'verified-key-changed');
      }
      const accepted = await client.acceptKey(user, { verifiedNewKey: flag(args, 'verified') });
      ctx.out.result({ username: user, miniLockId: accepted.miniLockId, verified: accepted.verified, digits: fresh.digits }, () => {
        ctx.out.line(`${ctx.out.paint.green('✔')} accepted ${user}'s new key ${accepted.miniLockId}`);
        ctx.out.line(`new safety number: ${fresh.digits}`);
      });
    },
  },
];
