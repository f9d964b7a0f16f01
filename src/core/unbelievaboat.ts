/**
 * A small client for UnbelievaBoat's economy API (SPEC §16): read a member's
 * balance and change their bank. Every request has a timeout; failures come
 * back as an UnbelievaBoatError with a kind the caller turns into a message.
 *
 *   GET   {base}/guilds/{guild}/users/{user}          → { user_id, cash, bank, total }
 *   PATCH {base}/guilds/{guild}/users/{user}  {bank}   → the new balance
 *   header  Authorization: <token>
 */
import { z } from 'zod';

export type UnbelievaBoatErrorKind = 'unauthorized' | 'http' | 'timeout' | 'network' | 'bad_response';

export class UnbelievaBoatError extends Error {
  constructor(
    readonly kind: UnbelievaBoatErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnbelievaBoatError';
  }
}

export interface UbBalance {
  userId: string;
  cash: number;
  bank: number;
  total: number;
}

const balanceSchema = z.object({
  user_id: z.union([z.string(), z.number()]).transform(String).optional(),
  cash: z.union([z.number(), z.string()]).transform(Number),
  bank: z.union([z.number(), z.string()]).transform(Number),
  total: z.union([z.number(), z.string()]).transform(Number).optional(),
});

export interface UnbelievaBoatOptions {
  url: string;
  token: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class UnbelievaBoatClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly opts: UnbelievaBoatOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  /** Null when no token is configured (the feature is off). */
  static fromConfig(cfg: { url: string; token?: string; timeoutMs: number }): UnbelievaBoatClient | null {
    return cfg.token ? new UnbelievaBoatClient({ url: cfg.url, token: cfg.token, timeoutMs: cfg.timeoutMs }) : null;
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  getBalance(guildId: string, userId: string): Promise<UbBalance> {
    return this.request('GET', guildId, userId);
  }

  /** Adds `delta` (negative takes) to the member's bank. UnbelievaBoat itself lets a bank go negative. */
  changeBank(guildId: string, userId: string, delta: number): Promise<UbBalance> {
    return this.request('PATCH', guildId, userId, { bank: delta });
  }

  private async request(method: 'GET' | 'PATCH', guildId: string, userId: string, body?: Record<string, number>): Promise<UbBalance> {
    const url = `${this.base}/guilds/${encodeURIComponent(guildId)}/users/${encodeURIComponent(userId)}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: { Authorization: this.opts.token, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new UnbelievaBoatError('timeout', `${method} timed out after ${this.opts.timeoutMs} ms`, undefined, { cause: err });
      throw new UnbelievaBoatError('network', `${method} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      throw new UnbelievaBoatError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', `${method} body failed`, res.status, {
        cause: err,
      });
    }
    if (res.status === 401 || res.status === 403) throw new UnbelievaBoatError('unauthorized', `${method} answered HTTP ${res.status}`, res.status);
    if (!res.ok) throw new UnbelievaBoatError('http', `${method} answered HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UnbelievaBoatError('bad_response', `${method} answered invalid JSON`, res.status, { cause: err });
    }
    const parsed = balanceSchema.safeParse(json);
    if (!parsed.success || !Number.isFinite(parsed.data.bank) || !Number.isFinite(parsed.data.cash)) {
      throw new UnbelievaBoatError('bad_response', `${method} answered an unexpected body`, res.status);
    }
    const d = parsed.data;
    return { userId: d.user_id ?? userId, cash: d.cash, bank: d.bank, total: d.total ?? d.cash + d.bank };
  }
}
