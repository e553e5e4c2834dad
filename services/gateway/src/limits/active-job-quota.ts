import type { Principal } from '@oca/contracts';
import { ApiError } from '../errors';

/**
 * Bounds a user's queued + running jobs. A soft bound: concurrent submissions may pass it by a
 * few, which is fine for its purpose (one client cannot fill the queue for everyone).
 */
export class ActiveJobQuota {
  constructor(
    private readonly countActive: (userId: string) => Promise<number>,
    readonly max: number,
  ) {}

  /** Throws 429 when the caller may not queue `adding` more jobs. */
  async check(principal: Principal, adding = 1): Promise<void> {
    const active = await this.countActive(principal.userId);
    if (active + adding > this.max) {
      throw new ApiError(
        'rate_limited',
        `You have ${active} queued or running jobs; at most ${this.max} are allowed. Wait for some to finish or cancel them.`,
        { limit: 'active_jobs', max: this.max, active },
        { 'retry-after': '10' },
      );
    }
  }
}
