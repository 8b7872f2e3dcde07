/** signup, login, logout, whoami, passphrase, rekey, account delete. */
import { checkPassphraseStrength, generatePassphrase } from '@peerlock/sdk';
import { UsageError } from '../cli-error.js';
import { flag, str, type Command } from '../command.js';
import { ask, readPassphrase } from '../secret-input.js';

const need = (value: string | undefined, what: string): string => {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
};

export const accountCommands: Command[] = [
  {
    name: 'passphrase',
    usage: 'peerlock passphrase [--words N]',
    summary: 'Generate a strong passphrase (diceware, ≥ 77 bits)',
    options: { words: { type: 'string' } },
    async run(ctx, args) {
      const words = Number(str(args, 'words') ?? 7);
      const generated = generatePassphrase(words);
      ctx.out.result({ passphrase: generated.passphrase, entropyBits: generated.entropyBits }, () => ctx.out.line(generated.passphrase));
    },
  },
  {
    name: 'signup',
    usage: 'peerlock signup <username> [--name NAME] [--email EMAIL]',
    summary: 'Create an account (passphrase from --passphrase-file, PEERLOCK_PASSPHRASE, or generated and shown once)',
    options: { name: { type: 'string' }, email: { type: 'string' } },
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
        ctx.out.line(`recovery code (store it offline, shown once): ${ctx.out.paint.bold(result.recoveryCode)}`);
      });
    },
  },
  {
    name: 'login',
    usage: 'peerlock login <username> [--code CODE]',
    summary: 'Log in (derives your key from the passphrase; --code for two-factor)',
    options: { code: { type: 'string' } },
    async run(ctx, args) {
      const username = need(args.positionals[0], 'username');
      const passphrase = await readPassphrase({ file: ctx.flags.passphraseFile, prompt: 'Passphrase: ' });
      const client = await ctx.fresh();
      const code = str(args, 'code');
      await client.login({ username, passphrase, ...(code ? { totpCode: code } : {}) });
      ctx.lastPosition = null;
      ctx.out.result({ username: client.username, miniLockId: client.miniLockId }, () => ctx.out.line(`${ctx.out.paint.green('✔')} logged in as ${ctx.out.paint.bold(client.username)}`));
    },
  },
  {
    name: 'logout',
    usage: 'peerlock logout',
    summary: 'Forget the session on this machine',
    async run(ctx) {
      ctx.forget();
      ctx.out.result({ loggedOut: true }, () => ctx.out.line('logged out'));
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
    async run(ctx, args) {
      const client = await ctx.client();
      const file = str(args, 'new-passphrase-file');
      const newPassphrase = file || process.env.PEERLOCK_NEW_PASSPHRASE ? await readPassphrase({ file, envName: 'PEERLOCK_NEW_PASSPHRASE', prompt: '' }) : await readPassphrase({ envName: 'PEERLOCK_NEW_PASSPHRASE', prompt: 'New passphrase: ' });
      const code = str(args, 'code');
      const loginCode = str(args, 'login-code');
      const recoveryCode = str(args, 'recovery-code');
      const result = await client.rotateKeys({ newPassphrase, ...(code ? { totpCode: code } : {}), ...(loginCode ? { loginTotpCode: loginCode } : {}), ...(recoveryCode ? { recoveryCode } : {}) });
      ctx.out.result({ miniLockId: client.miniLockId, recoveryCode: result.recoveryCode }, () => {
        ctx.out.line(`${ctx.out.paint.green('✔')} new key ${client.miniLockId}`);
        ctx.out.line(ctx.out.paint.yellow('Messages from before stay readable only with the old passphrase. Your contacts must accept the new key.'));
        if (result.recoveryCode) ctx.out.line(`new recovery code (shown once): ${result.recoveryCode}`);
      });
    },
  },
  {
    name: 'account delete',
    usage: 'peerlock account delete --yes [--code CODE]',
    summary: 'Delete your account for good (the username is retired forever)',
    options: { yes: { type: 'boolean' }, code: { type: 'string' } },
    async run(ctx, args) {
      const client = await ctx.client();
      if (!flag(args, 'yes')) {
        const answer = await ask(`Delete ${client.username} for good? Type the username to confirm: `);
        if (answer.toLowerCase() !== client.username) throw new UsageError('not confirmed');
      }
      await client.deleteAccount(str(args, 'code'));
      ctx.forget();
      ctx.out.result({ deleted: true }, () => ctx.out.line('account deleted'));
    },
  },
];
