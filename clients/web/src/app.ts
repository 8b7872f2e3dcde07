/**
 * The shell: hash routes (#/inbox, #/c/<id>, #/compose, #/contacts,
 * #/contacts/<user>, #/files, #/links, #/settings; a link's own page, /l/<id>, is main.ts's), the navigation with live badges, and the
 * switch between the logged-out and logged-in screens. Focus moves to each
 * new screen's heading so keyboard and screen-reader users follow along.
 */
import type { PeerlockNotification } from '@peerlock/sdk';
import { h, replaceChildren } from './dom.js';
import { closeSession, resumeKeptSession, type Session } from './session.js';
import type { Screen, ViewContext } from './view-context.js';
import { authScreen } from './views/auth-view.js';
import { inboxScreen } from './views/inbox-view.js';
import { conversationScreen } from './views/conversation-view.js';
import { composeScreen } from './views/compose-view.js';
import { contactsScreen } from './views/contacts-view.js';
import { safetyNumberScreen } from './views/safety-number-view.js';
import { settingsScreen } from './views/settings-view.js';
import { filesScreen } from './views/files-view.js';
import { linksScreen } from './views/links-view.js';
import { ownKeyBanner } from './own-key-banner.js';

const ROUTES: readonly [RegExp, Screen][] = [
  [/^#\/inbox$/, inboxScreen],
  [/^#\/c\/([A-Za-z0-9_-]+)$/, conversationScreen],
  [/^#\/compose(?:\?to=([A-Za-z0-9_]+))?$/, composeScreen],
  [/^#\/contacts$/, contactsScreen],
  [/^#\/contacts\/([A-Za-z0-9_]+)$/, safetyNumberScreen],
  [/^#\/files$/, filesScreen],
  [/^#\/links(?:\?file=([A-Za-z0-9_-]+))?$/, linksScreen],
  [/^#\/settings$/, settingsScreen],
];

export class App {
  private session: Session | null = null;
  private leaveScreen: (() => void) | null = null;
  private readonly main = h('main', { id: 'main', tabindex: -1 });
  private readonly unreadBadge = h('span', { class: 'badge', hidden: true, 'aria-label': 'unread' });
  private readonly requestBadge = h('span', { class: 'badge', hidden: true, 'aria-label': 'requests' });
  private readonly liveDot = h('span', { class: 'live', role: 'status', 'data-live': 'off' }, 'offline');
  private notice: string | undefined;

  constructor(private readonly root: HTMLElement) {
    window.addEventListener('hashchange', () => this.route());
  }

  /** Opens the session kept on this device, if any ("Keep me signed in"), then shows the page. */
  start(): void {
    void resumeKeptSession().then(
      (session) => (session ? this.loggedIn(session) : this.route()),
      () => this.route(),
    );
  }

  private route(): void {
    this.leaveScreen?.();
    this.leaveScreen = null;
    const hash = window.location.hash;
    if (!this.session) {
      const mode = hash === '#/signup' ? 'signup' : 'login';
      const notice = this.notice;
      this.notice = undefined;
      replaceChildren(this.root, authScreen(mode, (session) => this.loggedIn(session), notice));
      this.root.querySelector<HTMLElement>('h1')?.focus();
      return;
    }
    if (!this.root.contains(this.main)) replaceChildren(this.root, this.shell(this.session));
    const match = ROUTES.map(([re, screen]) => [re.exec(hash), screen] as const).find(([m]) => m);
    if (!match) return void window.location.replace('#/inbox');
    const [m, screen] = match;
    let left = false;
    const listeners: (() => void)[] = [];
    const cleanups: (() => void)[] = [];
    const session = this.session;
    const ctx: ViewContext = {
      session,
      navigate: (to) => void (window.location.hash = to),
      onNotification: (l) => void listeners.push(session.live.listen(l)),
      onLeave: (cleanup) => void cleanups.push(cleanup),
      left: () => left,
      loggedOut: (notice) => this.logout(notice),
      refreshBadges: () => void this.refreshBadges(),
    };
    this.leaveScreen = () => {
      left = true;
      for (const off of listeners) off();
      for (const cleanup of cleanups) cleanup();
    };
    replaceChildren(this.main, screen(ctx, m!.slice(1).filter((s): s is string => s !== undefined)));
    for (const link of this.root.querySelectorAll<HTMLAnchorElement>('nav a')) {
      if (hash.startsWith(link.getAttribute('href') ?? '#none')) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    (this.main.querySelector<HTMLElement>('h1') ?? this.main).focus();
  }

  private shell(session: Session): HTMLElement[] {
    const me = session.client.username;
    const showState = (connected: boolean) => {
      this.liveDot.dataset.live = connected ? 'on' : 'off';
      this.liveDot.textContent = connected ? 'live' : 'connecting…';
    };
    showState(session.live.connected);
    session.live.onState(showState);
    session.live.listen((n: PeerlockNotification) => {
      if (n.kind !== 'FILE_SHARED') void this.refreshBadges();
    });
    void this.refreshBadges();
    return [
      h('a', { href: '#main', class: 'skip-link' }, 'Skip to content'),
      h(
        'header',
        { class: 'top' },
        h('span', { class: 'brand' }, 'Peerlock'),
        h(
          'nav',
          { 'aria-label': 'Main' },
          h('a', { href: '#/inbox' }, 'Inbox ', this.unreadBadge),
          // "New" on a phone (styles.css), still named in full for screen readers.
          h('a', { href: '#/compose', 'aria-label': 'New message' }, 'New', h('span', { class: 'long' }, ' message')),
          h('a', { href: '#/contacts' }, 'Contacts ', this.requestBadge),
          h('a', { href: '#/files' }, 'Files'),
          h('a', { href: '#/links' }, 'Links'),
          h('a', { href: '#/settings' }, 'Settings'),
        ),
        h('span', { class: 'whoami' }, this.liveDot, ' ', h('strong', { 'data-testid': 'me' }, me)),
        h('button', { type: 'button', onclick: () => this.logout() }, 'Log out'),
      ),
      ...(session.ownKeyAlarm ? [ownKeyBanner(session.ownKeyAlarm)] : []),
      this.main,
    ];
  }

  private async refreshBadges(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      const [conversations, contacts] = await Promise.all([session.client.messaging.conversations(), session.client.contacts()]);
      const unread = conversations.reduce((n, c) => n + c.unreadCount, 0);
      this.unreadBadge.hidden = unread === 0;
      this.unreadBadge.textContent = String(unread);
      this.unreadBadge.setAttribute('aria-label', `${unread} unread`);
      this.requestBadge.hidden = contacts.incoming.length === 0;
      this.requestBadge.textContent = String(contacts.incoming.length);
      this.requestBadge.setAttribute('aria-label', `${contacts.incoming.length} contact requests`);
    } catch {
      // Badges are a convenience; the screens report errors themselves.
    }
  }

  private loggedIn(session: Session): void {
    this.session = session;
    session.live.onSessionEnded = () => {
      if (this.session === session) this.logout('This session was ended (logged out from another device, or the key changed). Log in again.');
    };
    if (window.location.hash === '#/inbox') this.route();
    else window.location.hash = '#/inbox';
  }

  private logout(notice?: string): void {
    this.leaveScreen?.();
    this.leaveScreen = null;
    if (this.session) closeSession(this.session);
    this.session = null;
    this.notice = notice;
    if (window.location.hash === '#/login') this.route();
    else window.location.hash = '#/login';
  }
}

