/**
 * The link sweep (docs/links.md): one loop per node destroys the files of
 * destroyFileWithLink links that ended (LinkCommands.sweep). Every node
 * sweeps; a second sweep of the same link is a no-op (the file is gone, the
 * decider records it once). Due times are the app's clock; the loop runs
 * every SWEEP_EVERY_MS (a file is kept at most that much past its time, and
 * nobody can open it meanwhile: the link refuses first). Tests call sweepNow.
 */
import type { LinkCommands } from './link-commands.js';

const SWEEP_EVERY_MS = 30_000;

export class LinkSweep {
  private timer: NodeJS.Timeout | null = null;
  /** Sweeps run one after the other: the loop's and sweepNow's. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly links: Pick<LinkCommands, 'sweep'>,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweepNow().catch(this.onError), SWEEP_EVERY_MS);
    this.timer.unref();
    void this.sweepNow().catch(this.onError);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue;
  }

  /** One sweep now at the app clock's time, after any under way; resolves with the links whose files it destroyed. */
  sweepNow(): Promise<number> {
    const sweep = this.queue.then(() => this.links.sweep(this.now()));
    this.queue = sweep.catch(() => undefined);
    return sweep;
  }
}
