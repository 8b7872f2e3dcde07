/**
 * After a write, the writer's next read must see it, even though read models
 * are filled asynchronously by the live runners. `upTo(position)` returns
 * once every given projection has folded the log up to `position`. The live
 * runners get there by themselves (and batch many writers' events into one
 * transaction under load); a catch-up is run only if they have not, all of
 * them, within `patienceMs`, e.g. while a runner is backing off after an error.
 */
import type { ProjectionRunner } from '@peerlock/projections';

export class ReadYourWrites {
  private catchingUp: Promise<void> | null = null;

  constructor(
    private readonly runners: readonly ProjectionRunner<unknown>[],
    private readonly patienceMs = 2000,
  ) {}

  async upTo(position: bigint): Promise<void> {
    // Usually every runner is there already (one batch folds many writers' events): then no timer, no promise.
    const behind = this.runners.filter((runner) => !runner.hasReached(position));
    if (behind.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const impatient = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.patienceMs)));
    const outcome = await Promise.race([Promise.all(behind.map((runner) => runner.reached(position))), impatient]);
    clearTimeout(timer);
    if (outcome !== 'late') return;
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
