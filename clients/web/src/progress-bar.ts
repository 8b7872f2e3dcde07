/** A labelled <progress> (no inline styles: the CSP allows none). */
import { h } from './dom.js';

export interface ProgressBar {
  readonly el: HTMLElement;
  set(fraction: number, text?: string): void;
  hide(): void;
}

export function progressBar(label: string): ProgressBar {
  const bar = h('progress', { max: 100, value: 0 });
  const text = h('span', { class: 'progress-text' }, label);
  const el = h('div', { class: 'progress', hidden: true }, text, bar);
  const id = `p-${Math.random().toString(36).slice(2, 10)}`;
  text.id = id;
  bar.setAttribute('aria-labelledby', id);
  return {
    el,
    set(fraction, message) {
      el.hidden = false;
      const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      bar.value = percent;
      text.textContent = `${message ?? label} ${percent}%`;
    },
    hide() {
      el.hidden = true;
    },
  };
}
