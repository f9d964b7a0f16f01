/**
 * At most `size` holders at once, the rest waiting in arrival order. For work
 * that must not all run at the same moment, such as drawing images: each
 * render is a long synchronous stretch on the event loop plus a few MB of
 * pixels, so a crowd of them at once would hold every other command's small
 * steps behind them and add up in memory.
 */
export class Gate {
  private inside = 0;
  /** Who waits, and since when (performance.now()), in arrival order. */
  private readonly waiting: Array<{ enter: () => void; since: number }> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a gate holds at least 1 (got ${size})`);
  }

  /** Runs `fn` once there is room; the room is given back when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside >= this.size) await new Promise<void>((enter) => this.waiting.push({ enter, since: performance.now() }));
    else this.inside++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next.enter(); // the room passes straight on
      else this.inside--;
    }
  }

  /** Holders now and waiters in line. */
  stats(): { inside: number; waiting: number } {
    return { inside: this.inside, waiting: this.waiting.length };
  }

  /** How long the first in line has waited, in ms (0 when nobody waits). */
  oldestWaitMs(): number {
    const first = this.waiting[0];
    return first ? performance.now() - first.since : 0;
  }
}
