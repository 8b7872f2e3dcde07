/** signup, login, logout, whoami, passphrase, rekey, account delete. */
import { checkPassphraseStrength, generatePassphrase, PeerlockClient } from '@peerlock/sdk';
import { CliRefusal, MissingArgumentError, UsageError } from '../cli-error.js';
import { formatLocalTime } from '../local-time.js';
import { printable } from '../output.js';
import { flag, str, type Command } from '../command.js';
import { ask, hiddenPrompt, readPassphrase } from '../secret-input.js';

const need = (value: string | undefined, what: string): string => {
  if (!value) throw new MissingArgumentError(what);
  return value;
};

/** What the recovery code is for, said where it is shown (signup; rekey shows a new one). */
const RECOVERY_CODE_EXPLAINED = [
  'What it is for: giving this account a new key (a new passphrase) when you can no longer prove the old one,',
  'for instance a lost passphrase: peerlock rekey --recovery-code CODE. Two-factor, if on, still asks for a code',
  '(lost your device? a backup code stands in). Keep it offline (on paper), and apart from your passphrase:',
  'whoever holds both can take the account over.',
];

/** A new passphrase typed at a prompt is asked twice: a typo here would lock the account's new key away. */
async function promptTwice(): Promise<string> {
  const first = await hiddenPrompt('New passphrase: ');
  const again = await hiddenPrompt('New passphrase again: ');
  if (first !== again) throw new UsageError('the two new passphrases differ: nothing was changed');
  return first;
}

export const accountCommands: Command[] = [
  {
    name: 'passphrase',
    usage: 'peerlock passphrase [--words N]',
    summary: 'Generate a strong passphrase (diceware, ≥ 77 bits)',
    options: { words: { type: 'string' } },
    optionHelp: { words: 'how many words (6 to 64; default 7, about 90 bits)' },
    async run(ctx, args) {
      const words = Number(str(args, 'words') ?? 7);
      if (!Number.isInteger(words)) throw new UsageError('--words: expected a whole number of words, 6 to 64');
      const generated = generatePassphrase(words);
      ctx.out.result({ passphrase: generated.passphrase, entropyBits: generated.entropyBits }, () => ctx.out.line(generated.passphrase));
    },
  },
  {
    name: 'signup',
    usage: 'peerlock signup <username> [--name NAME] [--email EMAIL]',
    summary: 'Create an account (passphrase from --passphrase-file, PEERLOCK_PASSPHRASE, or generated and shown once)',
    options: { name: { type: 'string' }, email: { type: 'string' } },
    optionHelp: {
      name: 'a display name shown with your username (the server keeps it encrypted at rest and erases it if you delete the account)',
      email: 'an email address, optional (kept like the name; never part of your key, which is derived with your username)',
    },
    async run(ctx, args) {
      const username = need(args.positionals[0], 'username');
      let passphrase = ctx.flags.passphraseFile || process.env.PEERLOCK_PASSPHRASE ? await readPassphrase({ file: ctx.flags.passphraseFile, prompt: '' }) : undefined;
      let generated = false;
      if (!passphrase) {
        passphrase = generatePassphrase(7, username.toLowerCase()).passphrase;
        generated = true;
      }
      const strength = checkPassphraseStrength(passphrase, username.toLowerCase());
      if (!strength.ok) throw new UsageError(`passphrase too weak (${strength.reasons.join(', ')}): try \`peerlock passphrase\``);
      const client = await ctx.fresh();
      const name = str(args, 'name');
      const email = str(args, 'email');
      const result = await client.signup({ username, passphrase, ...(name ? { displayName: name } : {}), ...(email ? { email } : {}) });
      ctx.out.result({ username: result.username, miniLockId: client.miniLockId, recoveryCode: result.recoveryCode, ...(generated ? { passphrase } : {}) }, () => {
        ctx.out.line(`${ctx.out.paint.green('✔')} signed up as ${ctx.out.paint.bold(result.username)} and logged in`);
        if (generated) ctx.out.line(`passphrase (write it down; it is your only key): ${ctx.out.paint.bold(passphrase!)}`);
        ctx.out.line(`recovery code (shown once): ${ctx.out.paint.bold(result.recoveryCode)}`);
        for (const line of RECOVERY_CODE_EXPLAINED) ctx.out.line(ctx.out.paint.dim(`  ${line}`));
      });
    },
  },
  {
    name: 'login',
    usage: 'peerlock login [<username>] [--code CODE]',
    summary: 'Log in (derives your key from the passphrase; --code for two-factor; --code alone renews this session\'s tokens)',
    options: { code: { type: 'string' } },
    optionHelp: { code: 'a code from your authenticator app (or one of your backup codes), when two-factor is on; without a username, it renews the tokens of the session on this machine (no passphrase)' },
    async run(ctx, args) {
      const named = args.positionals[0];
      const code = str(args, 'code');
      const cached = ctx.cachedUsername();
      if (named === undefined && code !== undefined && cached !== null) {
        // The session's keys are here; only its tokens ran out.
        const client = await ctx.client();
        await client.renewTokens(code);
        ctx.out.result({ username: client.username, miniLockId: client.miniLockId, renewed: true }, () => ctx.out.line(`${ctx.out.paint.green('✔')} logged in as ${ctx.out.paint.bold(client.username)} (new tokens for this session)`));
        return;
      }
      const username = need(named ?? cached ?? undefined, 'username');
      const passphrase = await readPassphrase({ file: ctx.flags.passphraseFile, prompt: 'Passphrase: ' });
      const client = await ctx.fresh();
      // An unknown account is told before the derivation; a wrong passphrase before a code is spent (client.login).
      await client.registeredKey(username);
      const identity = await ctx.out.during('deriving your key from the passphrase', () => PeerlockClient.deriveIdentity(username, passphrase));
      await client.login({ username, identity, ...(code ? { totpCode: code } : {}) });
      ctx.lastPosition = null;
      ctx.out.result({ username: client.username, miniLockId: client.miniLockId }, () => ctx.out.line(`${ctx.out.paint.green('✔')} logged in as ${ctx.out.paint.bold(client.username)}`));
    },
  },
  {
    name: 'logout',
    usage: 'peerlock logout',
    summary: "End this machine's session on the server (its tokens and live watches) and forget it here",
    async run(ctx) {
      let told = false;
      try {
        const client = ctx.cachedUsername() !== null ? await ctx.client() : null;
        if (client) {
          await client.endSession();
          told = true;
        }
      } catch {
        // Logged out here whatever the server said; the session then ends with its lifetime.
      }
      ctx.forget();
      ctx.out.result({ loggedOut: true, serverSessionEnded: told }, () => ctx.out.line(told ? 'logged out (this session is ended on the server too)' : 'logged out here (the server could not be told: the session ends with its lifetime)'));
    },
  },
  {
    name: 'sessions',
    usage: 'peerlock sessions',
    summary: 'Your device sessions: label, created, last used, expiry; * marks this one',
    async run(ctx) {
      const client = await ctx.client();
      const sessions = await client.sessions();
      ctx.out.result(sessions, () => {
        for (const s of sessions) {
          ctx.out.line(`${s.current ? '*' : ' '} ${s.id}  ${ctx.out.paint.bold(printable(s.label))}  created ${formatLocalTime(s.createdAt)}, last used ${formatLocalTime(s.lastUsedAt)}, ends ${formatLocalTime(s.expiresAt)}`);
        }
      });
    },
  },
  {
    name: 'sessions revoke',
    usage: 'peerlock sessions revoke <id>',
    summary: "End another device's session at once: its tokens, its refreshes and its live watches",
    async run(ctx, args) {
      const id = need(args.positionals[0], 'session id');
      const client = await ctx.client();
      if (!(await client.revokeSession(id))) throw new CliRefusal({ kind: 'no-session', id });
      ctx.out.result({ revoked: id }, () => ctx.out.line(`${ctx.out.paint.green('✔')} session ${id} ended`));
    },
  },
  {
    name: 'whoami',
    usage: 'peerlock whoami',
    summary: 'Show the account you are logged in as',
    async run(ctx) {
      const client = await ctx.client();
      const me = await client.account();
      ctx.out.result({ ...me, server: client.url }, () => {
        ctx.out.line(`${ctx.out.paint.bold(me.username)}${me.displayName ? ` (${me.displayName})` : ''} on ${client.url}`);
        ctx.out.line(`miniLock ID: ${me.miniLockId}`);
        ctx.out.line(`two-factor: ${me.twoFactorEnabled ? 'on' : 'off'}`);
      });
    },
  },
  {
    name: 'rekey',
    usage: 'peerlock rekey [--new-passphrase-file FILE] [--code CODE] [--login-code CODE] [--recovery-code CODE]',
    summary: 'Change your passphrase (a new key; contacts must accept it; old messages need the old passphrase)',
    options: { 'new-passphrase-file': { type: 'string' }, code: { type: 'string' }, 'login-code': { type: 'string' }, 'recovery-code': { type: 'string' } },
    optionHelp: {
      'new-passphrase-file': 'read the new passphrase from a file (or PEERLOCK_NEW_PASSPHRASE; else a hidden prompt)',
      code: 'with two-factor on: a code from your authenticator (or a backup code) to allow the change',
      'login-code': 'with two-factor on: a second, later code (or another backup code) to log in with the new key right after',
      'recovery-code': 'the recovery code from signup or your last rekey: proves the account is yours instead of your current key (a new code is shown)',
    },
    async run(ctx, args) {
      const client = await ctx.client();
      const file = str(args, 'new-passphrase-file');
      const newPassphrase = file || process.env.PEERLOCK_NEW_PASSPHRASE ? await readPassphrase({ file, envName: 'PEERLOCK_NEW_PASSPHRASE', prompt: '' }) : await promptTwice();
      const code = str(args, 'code');
      const loginCode = str(args, 'login-code');
      const recoveryCode = str(args, 'recovery-code');
      const result = await client.rotateKeys({ newPassphrase, ...(code ? { totpCode: code } : {}), ...(loginCode ? { loginTotpCode: loginCode } : {}), ...(recoveryCode ? { recoveryCode } : {}) });
      ctx.out.result({ miniLockId: client.miniLockId, recoveryCode: result.recoveryCode }, () => {
        ctx.out.line(`${ctx.out.paint.green('✔')} new key ${client.miniLockId}`);
        ctx.out.line(ctx.out.paint.yellow('Messages from before stay readable only with the old passphrase. Your contacts must accept the new key.'));
        if (result.recoveryCode) {
          ctx.out.line(`new recovery code (shown once; the old one no longer works): ${ctx.out.paint.bold(result.recoveryCode)}`);
          for (const line of RECOVERY_CODE_EXPLAINED) ctx.out.line(ctx.out.paint.dim(`  ${line}`));
        }
      });
    },
  },
  {
    name: 'account delete',
    usage: 'peerlock account delete --yes [--code CODE]',
    summary: 'Delete your account for good (the username is retired forever)',
    options: { yes: { type: 'boolean' }, code: { type: 'string' } },
    optionHelp: {
      yes: 'do not ask for the username as confirmation (scripts)',
      code: 'with two-factor on: a code from your authenticator (or a backup code)',
    },
    async run(ctx, args) {
      const client = await ctx.client();
      if (!flag(args, 'yes')) {
        const answer = await ask(`Delete ${client.username} for good? Type the username to confirm: `);
        if (answer.toLowerCase() !== client.username) throw new UsageError('not confirmed: nothing was deleted');
      }
      await client.deleteAccount(str(args, 'code'));
      ctx.forget();
      ctx.out.result({ deleted: true }, () => ctx.out.line('account deleted'));
    },
  },
];
