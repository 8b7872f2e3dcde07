/**
 * Sign up and log in. Keys are derived in a worker with a progress bar; the
 * passphrase is generated (7 EFF words) and the user must type it back to
 * show it was saved. Both forms look the username up before deriving
 * (unknown for a login, taken for a signup); the login asks for a
 * two-factor code up front and keeps the derived keys if one is missing.
 */
import { DecryptionError, PeerlockApiError, WrongPassphraseError, canonicalUsername, checkPassphraseStrength, generatePassphrase, type KeyPair } from '@peerlock/sdk';
import { deriveIdentityInWorker } from '../derive-keys.js';
import { describeError } from '../describe-error.js';
import { field, h, replaceChildren, statusLine } from '../dom.js';
import { progressBar } from '../progress-bar.js';
import { keepSession } from '../kept-session.js';
import { checkingOwnKey, newClient, openSession, type Session } from '../session.js';
import { accountStatus } from '../user-directory.js';

export function authScreen(mode: 'login' | 'signup', onSession: (session: Session) => void, notice?: string): HTMLElement {
  const body = mode === 'signup' ? signupForm(onSession) : loginForm(onSession);
  return h(
    'div',
    { class: 'auth' },
    h('h1', { tabindex: -1 }, mode === 'signup' ? 'Create your Peerlock account' : 'Log in to Peerlock'),
    h('p', { class: 'lead' }, 'End-to-end encrypted messages and files. Your keys are derived from your passphrase in this page; the server never sees them.'),
    notice ? h('p', { class: 'status info', role: 'status' }, notice) : null,
    body,
    h('p', { class: 'switch' }, mode === 'signup' ? h('a', { href: '#/login' }, 'I already have an account') : h('a', { href: '#/signup' }, 'Create an account')),
  );
}

/**
 * Everything is asked up front: username, passphrase and, for accounts with
 * two-factor on, a code. The username is looked up first (a public lookup,
 * user-directory.ts), so a typo is told at once rather than after the key
 * derivation; the derived keys are kept while username and passphrase stay
 * the same, so a missing or wrong code costs no second derivation.
 */
function loginForm(onSession: (session: Session) => void): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, pattern: '\\w{1,16}', autocapitalize: 'off', spellcheck: 'false' });
  const passphrase = h('input', { name: 'passphrase', type: 'password', autocomplete: 'current-password', required: true });
  const code = h('input', { name: 'totp', autocomplete: 'one-time-code', pattern: '[0-9A-Za-z-]{6,20}', autocapitalize: 'off', spellcheck: 'false' });
  const progress = progressBar('Deriving your keys…');
  const status = statusLine();
  const keep = h('input', { type: 'checkbox', name: 'keep' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  let derived: { username: string; passphrase: string; identity: KeyPair } | null = null;

  const form = h(
    'form',
    { class: 'card' },
    field('Username', username),
    field('Passphrase', passphrase),
    field('Two-factor code (if you turned it on)', code, 'From your authenticator app, or one of your backup codes. Leave it empty if two-factor is off.'),
    h('label', { class: 'checkbox' }, keep, ' Keep me signed in on this device (30 days; only on a computer that is yours alone)'),
    progress.el,
    status.el,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.clear();
      submit.disabled = true;
      const totpCode = code.value.trim() || undefined;
      let user = '';
      try {
        user = canonicalUsername(username.value.trim());
        const { client, twoFactor } = newClient(keep.checked);
        if (!derived || derived.username !== user || derived.passphrase !== passphrase.value) {
          derived = null;
          const account = await accountStatus(client, user);
          if (account !== 'active') {
            status.error(account === 'deleted' ? `The account ${user} was deleted.` : `There is no account called ${user} here. Check the spelling, or create an account.`);
            username.focus();
            return;
          }
          derived = { username: user, passphrase: passphrase.value, identity: await deriveIdentityInWorker(user, passphrase.value, (f) => progress.set(f, 'Deriving your keys…')) };
        }
        const identity = derived.identity;
        const alarm = await checkingOwnKey(() => client.login({ username: user, identity, ...(totpCode ? { totpCode } : {}) }));
        // A code typed for an account without two-factor is ignored by the server; ask the account which it is.
        twoFactor.enabled = totpCode !== undefined && (await client.account()).twoFactorEnabled;
        derived = null;
        passphrase.value = '';
        code.value = '';
        if (keep.checked) await keepSession(client.exportSession());
        onSession(openSession(client, twoFactor, alarm));
      } catch (error) {
        progress.hide();
        if (error instanceof PeerlockApiError && error.code === 'TWO_FACTOR_REQUIRED') {
          code.required = true;
          status.info(`Two-factor is on for ${user}: enter a code from your authenticator app (your keys are ready, this will be quick).`);
          code.focus();
        } else if (error instanceof PeerlockApiError && error.code === 'TWO_FACTOR_INVALID') {
          status.error(describeError(error));
          code.focus();
        } else if (error instanceof WrongPassphraseError) {
          // Told before anything was spent: the code typed still works with the right passphrase.
          derived = null;
          status.error(`Wrong passphrase for ${user}.`);
          passphrase.focus();
        } else if (error instanceof DecryptionError) {
          // The lookup said this key is the account's, and the login tokens did not open with it: the server's lookup lied.
          derived = null;
          status.error(`Wrong passphrase for ${user}.${totpCode ? ' The two-factor code was used up: wait for the next one.' : ''}`);
          passphrase.focus();
        } else {
          status.error(describeError(error));
        }
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return form;
}

function signupForm(onSession: (session: Session) => void): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, pattern: '\\w{1,16}', autocapitalize: 'off', spellcheck: 'false' });
  const displayName = h('input', { name: 'displayName', autocomplete: 'name', maxlength: 64 });
  const generated = h('output', { class: 'passphrase', 'data-testid': 'generated-passphrase', 'aria-live': 'polite' });
  const another = h('button', { type: 'button' }, 'Generate another');
  const saved = h('input', { type: 'checkbox', name: 'saved' });
  const retype = h('input', { name: 'confirmPassphrase', type: 'password', autocomplete: 'new-password' });
  const progress = progressBar('Deriving your keys…');
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create account');
  const regenerate = () => {
    // The username salts the key, and the strength check refuses a passphrase that contains it.
    generated.value = generatePassphrase(undefined, username.value.trim().toLowerCase() || undefined).passphrase;
    retype.value = '';
    saved.checked = false;
  };
  another.addEventListener('click', regenerate);
  // A generated word that happens to contain the username typed afterwards ("bobsled" for bob) is replaced
  // while the user is still typing it, before they write the passphrase down.
  username.addEventListener('input', () => {
    const name = username.value.trim().toLowerCase();
    if (name.length > 0 && !checkPassphraseStrength(generated.value, name).ok) regenerate();
  });
  regenerate();

  const form = h(
    'form',
    { class: 'card' },
    field('Username', username, '1–16 letters, digits or _. It cannot be changed.'),
    field('Display name (optional)', displayName),
    h(
      'fieldset',
      { class: 'passphrase-box' },
      h('legend', {}, 'Your passphrase'),
      h('p', {}, 'This is your only key. Write it down and keep it safe: nobody, not even the server, can recover it.'),
      generated,
      another,
      h('label', { class: 'check' }, saved, ' I have written this passphrase down'),
      field('Type the passphrase again', retype),
    ),
    progress.el,
    status.el,
    submit,
  );
  const container = h('div', {}, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.clear();
      const passphrase = generated.value;
      if (!saved.checked) return status.error('Confirm that you have written the passphrase down.');
      if (retype.value.trim().replace(/\s+/g, ' ') !== passphrase) return status.error('The passphrase you typed does not match. Check what you wrote down.');
      submit.disabled = true;
      try {
        const user = canonicalUsername(username.value.trim());
        const { client, twoFactor } = newClient();
        // Taken (or retired by a deletion): said before the key derivation, not after it.
        if ((await accountStatus(client, user)) !== 'unknown') {
          status.error('That username is taken.');
          submit.disabled = false;
          return username.focus();
        }
        const identity = await deriveIdentityInWorker(user, passphrase, (f) => progress.set(f, 'Deriving your keys…'));
        progress.set(1, 'Creating your account…');
        const name = displayName.value.trim();
        const { recoveryCode } = await client.signup({ username: user, passphrase, identity, ...(name ? { displayName: name } : {}) });
        replaceChildren(container, recoveryNotice(recoveryCode, () => onSession(openSession(client, twoFactor))));
        container.querySelector<HTMLElement>('h2')?.focus();
      } catch (error) {
        progress.hide();
        status.error(describeError(error));
        submit.disabled = false;
      }
    })();
  });
  return container;
}

export function recoveryNotice(recoveryCode: string, onContinue: () => void): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'recovery-title' },
    h('h2', { id: 'recovery-title', tabindex: -1 }, 'Your recovery code'),
    h('p', {}, 'Shown once. With it you can move your account to a new passphrase if you lose this one. Keep it apart from your passphrase.'),
    h('p', { class: 'code', 'data-testid': 'recovery-code' }, recoveryCode),
    h('button', { type: 'button', class: 'primary', onclick: onContinue }, 'I saved it, continue'),
  );
}
