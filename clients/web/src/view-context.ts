import type { NotificationListener } from './live-updates.js';
import type { Session } from './session.js';

/** What a screen gets from the shell. */
export interface ViewContext {
  readonly session: Session;
  readonly navigate: (hash: string) => void;
  /** A listener removed when the screen is left. */
  readonly onNotification: (listener: NotificationListener) => void;
  /** Run when the screen is left (timers stopped, what it held let go). */
  readonly onLeave: (cleanup: () => void) => void;
  /** True once the user has moved to another screen (async work then stops touching the page). */
  readonly left: () => boolean;
  /** The account is gone (deleted) or the keys changed hands: back to the login screen. */
  readonly loggedOut: (notice?: string) => void;
  /** Recount the unread and request badges in the navigation. */
  readonly refreshBadges: () => void;
}

export type Screen = (ctx: ViewContext, params: readonly string[]) => HTMLElement;
