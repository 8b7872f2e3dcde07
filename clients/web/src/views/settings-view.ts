/**
 * Settings: display name, two-factor (QR of the otpauth URI, confirmed
 * with a code, backup codes shown once), device sessions (listed, any
 * other one revocable), key rotation (a new generated passphrase, derived
 * in the worker), export and import (archive-section.ts) and account deletion.
 */
import { generatePassphrase, type Account } from '@peerlock/sdk';
import { recoveryNotice } from './auth-view.js';
import { archiveSection } from '../archive-section.js';
import { keepSession, keptSession } from '../kept-session.js';
import { deriveIdentityInWorker } from '../derive-keys.js';
import { describeError } from '../describe-error.js';
import { field, formatTime, h, replaceChildren, statusLine } from '../dom.js';
import { progressBar } from '../progress-bar.js';
import { qrCanvas } from '../qr-code.js';
import type { ViewContext } from '../view-context.js';
import { loadWitnessSettings, parseWitnessSettings, saveWitnessSettings } from '../witness-settings.js';

const codeInput = (name: string) => h('input', { name, inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9A-Za-z-]{6,20}', required: true });

export function settingsScreen(ctx: ViewContext): HTMLElement {
  const { client } = ctx.session;
  const sections = h('div', {}, h('p', {}, 'Loading…'));
  const load = async () => {
    try {
      const account = await client.account();
      if (ctx.left()) return;
      ctx.session.twoFactor.enabled = account.twoFactorEnabled;
      replaceChildren(
        sections,
        profileSection(ctx, account),
        twoFactorSection(ctx, account, load),
        sessionsSection(ctx),
        witnessSection(),
        archiveSection(ctx),
        rotationSection(ctx, account),
        deletionSection(ctx, account),
      );
    } catch (error) {
      replaceChildren(sections, h('p', { class: 'status error', role: 'alert' }, describeError(error)));
    }
  };
  void load();
  return h('section', { 'aria-labelledby': 'settings-title' }, h('h1', { id: 'settings-title', tabindex: -1 }, 'Settings'), h('p', {}, `Signed in as ${client.username}.`), sections);
}

/** Where you are logged in: each device session, this one marked; ending another ends its tokens and live updates at once. */
function sessionsSection(ctx: ViewContext): HTMLElement {
  const { client } = ctx.session;
  const list = h('ul', { class: 'sessions', 'aria-label': 'Device sessions' });
  const status = statusLine();
  const show = async () => {
    try {
      const sessions = await client.sessions();
      if (ctx.left()) return;
      replaceChildren(
        list,
        sessions.map((s) => {
          const revoke = h('button', { type: 'button' }, 'Log out that device');
          revoke.addEventListener('click', () => {
            revoke.disabled = true;
            void client.revokeSession(s.id).then(
              () => {
                status.info(`${s.label} is logged out.`);
                return show();
              },
              (error: unknown) => {
                revoke.disabled = false;
                status.error(describeError(error));
              },
            );
          });
          return h(
            'li',
            { 'data-session': s.id, 'data-current': s.current ? 'yes' : 'no' },
            h('strong', {}, s.label),
            s.current ? ' (this browser)' : '',
            h('br'),
            `Signed in ${formatTime(Date.parse(s.createdAt))}; last active ${formatTime(Date.parse(s.lastUsedAt))}; ends ${formatTime(Date.parse(s.expiresAt))}. `,
            s.current ? null : revoke,
          );
        }),
      );
    } catch (error) {
      status.error(describeError(error));
    }
  };
  void show();
  return h('section', { class: 'card', 'aria-labelledby': 'sessions-title' }, h('h2', { id: 'sessions-title' }, 'Where you are logged in'), list, status.el);
}

/** The key-log witnesses this browser requires (DESIGN §6, T13): verifier keys and k, applied from the next login. */
function witnessSection(): HTMLElement {
  const current = loadWitnessSettings();
  const keys = h('textarea', { name: 'witnesses', rows: 3, spellcheck: 'false' });
  keys.value = current.witnesses.join('\n');
  const threshold = h('input', { name: 'witnessThreshold', type: 'number', min: 0, step: 1, value: String(current.witnessThreshold) });
  const status = statusLine();
  const form = h(
    'form',
    {},
    field('Witness verifier keys', keys, 'One per line, as `peerlock-witness vkey` prints them (from people you trust to run one).'),
    field('Co-signatures required', threshold, 'A key-log head counts only when this many of them co-signed it. 0: none.'),
    h('button', { type: 'submit' }, 'Save witnesses'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      saveWitnessSettings(parseWitnessSettings(keys.value, Number(threshold.value)));
      status.info('Saved: they apply from your next login.');
    } catch (error) {
      status.error(error instanceof RangeError ? `Not saved: ${error.message}.` : describeError(error));
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'witnesses-title' },
    h('h2', { id: 'witnesses-title' }, 'Key-log witnesses'),
    h('p', {}, 'Independent witnesses co-sign the server\'s key log after checking it only ever grows, so the server cannot show you a different log than everyone else. See docs/key-transparency.md.'),
    form,
    status.el,
  );
}

function profileSection(ctx: ViewContext, account: Account): HTMLElement {
  const name = h('input', { name: 'displayName', maxlength: 64, value: account.displayName ?? '' });
  const status = statusLine();
  const form = h('form', { class: 'inline-form' }, field('Display name', name, 'Stored encrypted on the server; erased if you delete your account.'), h('button', { type: 'submit' }, 'Save'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void ctx.session.client.updateProfile({ displayName: name.value.trim() }).then(
      () => status.info('Saved.'),
      (error: unknown) => status.error(describeError(error)),
    );
  });
  return h('section', { class: 'card', 'aria-labelledby': 'profile-title' }, h('h2', { id: 'profile-title' }, 'Profile'), form, status.el);
}

function twoFactorSection(ctx: ViewContext, account: Account, reload: () => Promise<void>): HTMLElement {
  const { client } = ctx.session;
  const status = statusLine();
  const body = h('div');
  const section = h('section', { class: 'card', 'aria-labelledby': 'tfa-title' }, h('h2', { id: 'tfa-title' }, 'Two-factor authentication'), body, status.el);
  if (account.twoFactorEnabled) {
    const code = codeInput('disableCode');
    const form = h('form', { class: 'inline-form' }, field('Code to turn it off', code), h('button', { type: 'submit' }, 'Turn off two-factor'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void client.disableTwoFactor(code.value.trim()).then(() => {
        ctx.session.twoFactor.enabled = false;
        return reload();
      }, (error: unknown) => status.error(describeError(error)));
    });
    replaceChildren(body, h('p', { 'data-testid': 'tfa-state' }, '✔ Two-factor is on: logging in needs a code from your authenticator app.'), form);
    return section;
  }
  const start = h('button', { type: 'button', class: 'primary' }, 'Set up two-factor');
  start.addEventListener('click', () => {
    void (async () => {
      try {
        const setup = await client.setupTwoFactor();
        const code = codeInput('confirmCode');
        const form = h('form', { class: 'inline-form' }, field('Code shown by the app', code), h('button', { type: 'submit', class: 'primary' }, 'Turn on two-factor'));
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          void (async () => {
            try {
              const backupCodes = await client.confirmTwoFactor(setup.sealedSetup, code.value.trim());
              ctx.session.twoFactor.enabled = true;
              replaceChildren(
                body,
                h('p', { 'data-testid': 'tfa-state' }, '✔ Two-factor is on.'),
                h('p', {}, 'Your backup codes, each usable once if you lose your phone. Shown only now: keep them safe.'),
                h('ul', { class: 'backup-codes', 'data-testid': 'backup-codes' }, backupCodes.map((c) => h('li', {}, h('code', {}, c)))),
                h('button', { type: 'button', onclick: () => void reload() }, 'Done'),
              );
            } catch (error) {
              status.error(describeError(error));
            }
          })();
        });
        replaceChildren(
          body,
          h('p', {}, 'Scan this QR code with your authenticator app, or type the secret by hand, then enter the code it shows.'),
          qrCanvas(setup.otpauthUri, 'QR code for your authenticator app'),
          h('p', {}, 'Secret: ', h('code', { 'data-testid': 'tfa-secret' }, setup.secret)),
          form,
        );
        code.focus();
      } catch (error) {
        status.error(describeError(error));
      }
    })();
  });
  replaceChildren(body, h('p', { 'data-testid': 'tfa-state' }, 'Two-factor is off.'), start);
  return section;
}

function rotationSection(ctx: ViewContext, account: Account): HTMLElement {
  const { client } = ctx.session;
  const status = statusLine();
  const progress = progressBar('Deriving your new keys…');
  const generated = h('output', { class: 'passphrase', 'data-testid': 'new-passphrase' });
  const saved = h('input', { type: 'checkbox', name: 'savedNew' });
  const retype = h('input', { name: 'confirmNewPassphrase', type: 'password', autocomplete: 'new-password' });
  const code = account.twoFactorEnabled ? codeInput('rotateCode') : null;
  const loginCode = account.twoFactorEnabled ? codeInput('rotateLoginCode') : null;
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Change my key');
  generated.value = generatePassphrase(undefined, client.username).passphrase;
  const form = h(
    'form',
    {},
    h('p', {}, 'A new passphrase gives you a new key. Your contacts will be told your key changed and must compare the new safety number. Messages from before stay readable only with the OLD passphrase.'),
    h('p', {}, 'New passphrase: ', generated),
    h('label', { class: 'check' }, saved, ' I have written the new passphrase down'),
    field('Type the new passphrase again', retype),
    code ? field('Two-factor code', code) : null,
    loginCode ? field('A second code (the next one, or a backup code)', loginCode, 'Logging in with the new key needs its own code.') : null,
    progress.el,
    submit,
  );
  const section = h('section', { class: 'card', 'aria-labelledby': 'rotate-title' }, h('h2', { id: 'rotate-title' }, 'Change passphrase (key rotation)'), form, status.el);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.clear();
      const passphrase = generated.value;
      if (!saved.checked) return status.error('Confirm that you have written the new passphrase down.');
      if (retype.value.trim().replace(/\s+/g, ' ') !== passphrase) return status.error('The passphrase you typed does not match.');
      submit.disabled = true;
      try {
        const identity = await deriveIdentityInWorker(client.username, passphrase, (f) => progress.set(f, 'Deriving your new keys…'));
        const { recoveryCode } = await client.rotateKeys({
          identity,
          ...(code ? { totpCode: code.value.trim() } : {}),
          ...(loginCode ? { loginTotpCode: loginCode.value.trim() } : {}),
        });
        ctx.session.live.start(client);
        // Kept on this device: keep the new key and session instead (the old session ended with the key change).
        if (await keptSession()) await keepSession(client.exportSession());
        replaceChildren(form, h('p', { class: 'status info', role: 'status' }, 'Your key changed. Use the new passphrase from now on.'), recoveryCode ? recoveryNotice(recoveryCode, () => ctx.navigate('#/inbox')) : null);
      } catch (error) {
        progress.hide();
        status.error(describeError(error));
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return section;
}

function deletionSection(ctx: ViewContext, account: Account): HTMLElement {
  const { client } = ctx.session;
  const status = statusLine();
  const confirm = h('input', { name: 'confirmUsername', required: true, autocomplete: 'off' });
  const code = account.twoFactorEnabled ? codeInput('deleteCode') : null;
  const form = h(
    'form',
    {},
    h('p', {}, 'Deleting retires your username forever and erases your name and email. It cannot be undone.'),
    field(`Type ${client.username} to confirm`, confirm),
    code ? field('Two-factor code', code) : null,
    h('button', { type: 'submit', class: 'danger' }, 'Delete my account forever'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (confirm.value.trim().toLowerCase() !== client.username) return status.error('Type your username exactly to confirm.');
    // The deletion ends this session too: stop listening first, so the page says "deleted", not "ended elsewhere".
    ctx.session.live.stop();
    void client.deleteAccount(code?.value.trim()).then(
      () => ctx.loggedOut('Your account was deleted.'),
      (error: unknown) => {
        ctx.session.live.start(client);
        status.error(describeError(error));
      },
    );
  });
  return h('section', { class: 'card danger-zone', 'aria-labelledby': 'delete-title' }, h('h2', { id: 'delete-title' }, 'Delete account'), form, status.el);
}
