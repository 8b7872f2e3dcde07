/**
 * After a write, the writer's next read must see it, even though read models
 * are filled asynchronously by the live runners. `upTo(position)` returns
 * once every given projection has folded the log up to `position`. The live
 * runners get there by themselves (and batch many writers' events into one
 * transaction under load); a catch-up is run only if they have not within
 * `patienceMs`, e.g. while a runner is backing off after an error.
 */
import type { ProjectionRunner } from '@peerlock/projections';

export class ReadYourWrites {
  private catchingUp: Promise<void> | null = null;

  constructor(
    private readonly runners: readonly ProjectionRunner<unknown>[],
    private readonly patienceMs = 2000,
  ) {}

  async upTo(position: bigint): Promise<void> {
    for (const runner of this.runners) {
      let timer: NodeJS.Timeout | undefined;
      const impatient = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.patienceMs)));
      const outcome = await Promise.race([runner.reached(position), impatient]);
      clearTimeout(timer);
      if (outcome === 'late') {
        this.catchingUp ??= Promise.all(this.runners.map((r) => r.catchUp())).then(
          () => {
            this.catchingUp = null;
          },
          (error: unknown) => {
            this.catchingUp = null;
            throw error;
          },
        );
        await this.catchingUp;
      }
    }
  }
}
