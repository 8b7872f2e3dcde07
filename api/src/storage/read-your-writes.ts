/**
 * After a write, the writer's next read must see it, even though read models
 * are filled asynchronously by the live runners. `upTo(position)` returns
 * once every given projection has folded the log up to `position`; concurrent
 * callers share one catch-up instead of each running their own.
 */
import type { ProjectionRunner } from '@peerlock/projections';

export class ReadYourWrites {
  private reached = 0n;
  private running: Promise<void> | null = null;

  constructor(private readonly runners: readonly ProjectionRunner<unknown>[]) {}

  async upTo(position: bigint): Promise<void> {
    while (this.reached < position) {
      this.running ??= this.catchUpAll().finally(() => {
        this.running = null;
      });
      await this.running;
    }
  }

  private async catchUpAll(): Promise<void> {
    let lowest: bigint | undefined;
    for (const runner of this.runners) {
      const checkpoint = await runner.catchUp();
      if (lowest === undefined || checkpoint < lowest) lowest = checkpoint;
    }
    if (lowest !== undefined && lowest > this.reached) this.reached = lowest;
  }
}
