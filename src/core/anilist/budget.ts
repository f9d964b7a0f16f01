/**
 * Client-side request budget: at most `limit` requests in any sliding window of
 * `windowMs` (AniList: stay under 30 a minute). A 429 from the server can also
 * block the budget until its Retry-After has passed, so every caller waits, not
 * only the one that was refused.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real sleep that rejects with the signal's reason when aborted. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class RequestBudget {
  private readonly stamps: number[] = [];
  private blockedUntil = 0;
  /** Takers queue up one behind the other so the window is never overshot. */
  private tail: Promise<void> = Promise.resolve();

  /** `limit` 0 or Infinity = unlimited. */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {
    if (!(limit >= 0)) throw new RangeError(`request budget must be >= 0, got ${limit}`);
  }

  get unlimited(): boolean {
    return this.limit === 0 || this.limit === Infinity;
  }

  /** Requests counted in the current window (for tests and logs). */
  get used(): number {
    this.prune(this.now());
    return this.stamps.length;
  }

  /** Waits until a request may be sent, then counts it. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.waitForSlot(signal));
    this.tail = turn.catch(() => {});
    return turn;
  }

  /** No request leaves before `until` (epoch ms), e.g. after a 429. */
  blockUntil(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.now();
      if (t < this.blockedUntil) {
        await this.sleep(this.blockedUntil - t, signal);
        continue;
      }
      if (this.unlimited) return;
      this.prune(t);
      if (this.stamps.length < this.limit) {
        this.stamps.push(t);
        return;
      }
      await this.sleep(this.stamps[0]! + this.windowMs - t, signal);
    }
  }

  private prune(t: number): void {
    while (this.stamps.length > 0 && this.stamps[0]! <= t - this.windowMs) this.stamps.shift();
  }
}
