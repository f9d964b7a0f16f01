/**
 * The game clock. Everything time-based (dailies, expeditions, keys, bounty
 * boards, raids) reads `now()` from here and passes it to SQL as a parameter,
 * so the playground and tests can move time forward.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** System time plus an offset that only grows (playground `POST /api/clock`, tests). */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: () => number = Date.now) {}
  now(): Date {
    return new Date(this.base() + this.offsetMs);
  }
  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += seconds * 1000;
    return this.now();
  }
}

/** A clock frozen at a given instant that tests move by hand. */
export class FixedClock implements Clock {
  private t: number;
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
  advance(seconds: number): Date {
    this.t += seconds * 1000;
    return this.now();
  }
}

/** 'YYYY-MM-DD' of the UTC day containing `d`. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The next 00:00 UTC after `d`. */
export function nextUtcMidnight(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/** The start of the UTC hour containing `d`. */
export function topOfHour(d: Date): Date {
  const t = new Date(d);
  t.setUTCMinutes(0, 0, 0);
  return t;
}

/** "3h 12m", "45s" — short durations for replies. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}
