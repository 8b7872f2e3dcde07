/** 2fa enable | confirm | disable | status: TOTP with a QR code in the terminal. */
import QRCode from 'qrcode';
import { MissingArgumentError, UsageError } from '../cli-error.js';
import { str, type Command } from '../command.js';
import type { Context } from '../context.js';
import { formatLocalTime } from '../local-time.js';
import { ask } from '../secret-input.js';

async function confirm(ctx: Context, code: string): Promise<void> {
  const client = await ctx.client();
  if (!ctx.pendingTwoFactor) throw new UsageError('no two-factor setup in progress: run `peerlock 2fa enable`');
  const backupCodes = await client.confirmTwoFactor(ctx.pendingTwoFactor, code);
  ctx.pendingTwoFactor = undefined;
  ctx.out.result({ enabled: true, backupCodes }, () => {
    ctx.out.line(`${ctx.out.paint.green('✔')} two-factor authentication is on`);
    ctx.out.line('backup codes (each works once; store them offline, shown once):');
    for (const c of backupCodes) ctx.out.line(`  ${c}`);
  });
}

export const twoFactorCommands: Command[] = [
  {
    name: '2fa enable',
    usage: 'peerlock 2fa enable [--code CODE]',
    summary: 'Turn on two-factor: scan the QR code, then confirm with a code (here or with `2fa confirm`)',
    options: { code: { type: 'string' } },
    optionHelp: { code: 'the code your authenticator shows once you scanned the QR code (otherwise asked for, or `2fa confirm` later)' },
    async run(ctx, args) {
      const client = await ctx.client();
      const setup = await client.setupTwoFactor();
      ctx.pendingTwoFactor = setup.sealedSetup;
      const code = str(args, 'code');
      if (ctx.out.json && !code) {
        ctx.out.result({ otpauthUri: setup.otpauthUri, secret: setup.secret, expiresAt: setup.expiresAt, confirmWith: 'peerlock 2fa confirm <code>' }, () => undefined);
        return;
      }
      if (!ctx.out.json) {
        ctx.out.line(await QRCode.toString(setup.otpauthUri, { type: 'terminal', small: true }));
        ctx.out.line(`or enter this secret in your authenticator: ${ctx.out.paint.bold(setup.secret)}`);
      }
      if (code) return confirm(ctx, code);
      if (!process.stdin.isTTY) {
        ctx.out.line(`then run: peerlock 2fa confirm <code>  (before ${formatLocalTime(setup.expiresAt)})`);
        return;
      }
      return confirm(ctx, await ask('Code from your authenticator: '));
    },
  },
  {
    name: '2fa confirm',
    usage: 'peerlock 2fa confirm <code>',
    summary: 'Finish `2fa enable` with a code from your authenticator',
    async run(ctx, args) {
      const code = args.positionals[0];
      if (!code) throw new MissingArgumentError('code');
      await confirm(ctx, code);
    },
  },
  {
    name: '2fa disable',
    usage: 'peerlock 2fa disable [--code CODE]',
    summary: 'Turn off two-factor (needs a fresh code)',
    options: { code: { type: 'string' } },
    optionHelp: { code: 'a code from your authenticator (or a backup code); asked for when left out' },
    async run(ctx, args) {
      const client = await ctx.client();
      const code = str(args, 'code') ?? (await ask('Two-factor code: '));
      await client.disableTwoFactor(code);
      ctx.out.result({ enabled: false }, () => ctx.out.line('two-factor authentication is off'));
    },
  },
  {
    name: '2fa status',
    usage: 'peerlock 2fa status',
    summary: 'Is two-factor on?',
    async run(ctx) {
      const client = await ctx.client();
      const { twoFactorEnabled } = await client.account();
      ctx.out.result({ enabled: twoFactorEnabled }, () => ctx.out.line(`two-factor: ${twoFactorEnabled ? 'on' : 'off'}`));
    },
  },
];
