/**
 * Read, compute, write (ARCHITECTURE.md, "Scaling out": transactions hold no
 * computation). A fight reads what it needs, computes the pure, seeded battle
 * outside any transaction, then writes in one short statement or transaction
 * whose SQL conditions re-check what the read assumed (the team that fought,
 * the raid's phase, the expedition being claimed). When a re-check fails the
 * write changes nothing (a transaction rolls back by throwing StaleRead) and
 * the whole read-compute-write runs again from a fresh read.
 */

/** How many times a read-compute-write is tried before its staleness is an error. */
export const FRESH_READ_TRIES = 4;

/** The write found the read out of date; nothing was written. */
export class StaleRead extends Error {
  constructor(what: string) {
    super(`${what}: the write found the read out of date`);
    this.name = 'StaleRead';
  }
}

/** Runs `attempt` until it completes without StaleRead (at most FRESH_READ_TRIES times; then the StaleRead propagates). */
export async function withFreshRead<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof StaleRead) || tries >= FRESH_READ_TRIES) throw err;
    }
  }
}
