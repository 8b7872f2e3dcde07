/**
 * Asks for a two-factor code in a modal dialog: the SDK calls this when its
 * token pool must be refilled while two-factor is on.
 */
import { field, h } from './dom.js';

export function askForCode(reason: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const input = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, pattern: '[0-9A-Za-z-]{6,20}' });
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'code-prompt-title' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'code-prompt-title' }, 'Two-factor code'),
      h('p', {}, reason),
      field('Code from your authenticator app (or a backup code)', input),
      h('div', { class: 'actions' }, h('button', { type: 'submit', value: 'ok', class: 'primary' }, 'Continue'), h('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel')),
    );
    dialog.append(form);
    dialog.addEventListener('close', () => {
      const code = dialog.returnValue === 'ok' ? input.value.trim() : undefined;
      dialog.remove();
      resolve(code || undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
