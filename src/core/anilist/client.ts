/**
 * AniList GraphQL client (SPEC §1, §17): the top characters by favourites, one
 * character by id, and a search by name. Answers are validated with zod, so a
 * malformed answer is a clear `AniListError` ('malformed'), never bad rows.
 *
 * Every HTTP request first takes a slot from the request budget (default 30 a
 * minute), then runs with a timeout. Network errors, timeouts and 5xx are
 * retried with exponential backoff; a 429 waits the server's Retry-After
 * seconds (blocking the whole budget) and tries again.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { z } from 'zod';
import { RequestBudget, realSleep, type Sleep } from './budget.js';

export const ANILIST_DEFAULT_URL = 'https://graphql.anilist.co';
/** AniList's page size cap, and the catalog sync's page size. */
export const ANILIST_PER_PAGE = 50;

export interface AniListCharacter {
  id: number;
  name: string;
  imageUrl: string | null;
  favourites: number;
}

export interface AniListCharacterPage {
  page: number;
  hasNextPage: boolean;
  characters: AniListCharacter[];
}

export type AniListErrorKind =
  | 'timeout' // no answer within timeoutMs (after retries)
  | 'network' // connection refused/reset (after retries)
  | 'http' // a non-retryable HTTP status, or 5xx after retries
  | 'rate-limited' // still 429 after maxRateLimitWaits waits
  | 'graphql' // the server answered with GraphQL errors
  | 'malformed' // the answer is not the shape we asked for
  | 'aborted'; // the caller's AbortSignal fired

export class AniListError extends Error {
  constructor(
    readonly kind: AniListErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`AniList ${kind}: ${message}`, options);
    this.name = 'AniListError';
  }
}

export interface AniListClientOptions {
  /** GraphQL endpoint (config ANILIST_URL). */
  url?: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Retries after a network error, timeout or 5xx. Default 4. */
  maxRetries?: number;
  /** 429 answers honoured per call before giving up. Default 5. */
  maxRateLimitWaits?: number;
  /** A Retry-After longer than this is not waited for. Default 600 s. */
  maxRetryAfterSeconds?: number;
  /** First backoff delay, doubled each retry. Default 1 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Client-side budget. Default 30; 0 or Infinity = unlimited. */
  requestsPerMinute?: number;
  sleep?: Sleep;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
  /** How many 429 waits this call accepts (default: the client's). An interactive lookup takes none. */
  maxRateLimitWaits?: number;
  /** Give up when the shared request budget has no room within this long (a lookup while a sync runs). */
  budgetWaitMs?: number;
}

// --- response schemas ------------------------------------------------------

const INT32_MAX = 2_147_483_647;

const characterSchema = z.object({
  id: z.number().int().positive().max(INT32_MAX),
  name: z.object({ full: z.string().nullish(), native: z.string().nullish() }),
  image: z.object({ large: z.string().nullish() }).nullish(),
  favourites: z.number().int().nonnegative().max(INT32_MAX).nullish(),
});

const pageSchema = z.object({
  Page: z.object({
    pageInfo: z.object({ currentPage: z.number().int().nullish(), hasNextPage: z.boolean().nullish() }),
    characters: z.array(characterSchema),
  }),
});

const searchSchema = z.object({
  Page: z.object({ characters: z.array(characterSchema) }),
});

const byIdSchema = z.object({ Character: characterSchema.nullable() });

function toCharacter(c: z.infer<typeof characterSchema>): AniListCharacter {
  const name = c.name.full?.trim() || c.name.native?.trim() || `Character ${c.id}`;
  return { id: c.id, name, imageUrl: c.image?.large ?? null, favourites: c.favourites ?? 0 };
}

const CHARACTER_FIELDS = 'id name { full native } image { large } favourites';

const TOP_QUERY = `query TopCharacters($page: Int!, $perPage: Int!) {
  Page(page: $page, perPage: $perPage) {
    pageInfo { currentPage hasNextPage }
    characters(sort: FAVOURITES_DESC) { ${CHARACTER_FIELDS} }
  }
}`;

const BY_ID_QUERY = `query CharacterById($id: Int!) {
  Character(id: $id) { ${CHARACTER_FIELDS} }
}`;

const SEARCH_QUERY = `query SearchCharacters($search: String!, $perPage: Int!) {
  Page(page: 1, perPage: $perPage) {
    characters(search: $search, sort: [SEARCH_MATCH, FAVOURITES_DESC]) { ${CHARACTER_FIELDS} }
  }
}`;

/** Thrown by our fetch wrapper so a failed connection is told apart from a bad body. */
class FetchFailure extends Error {
  constructor(cause: unknown) {
    super('fetch failed', { cause });
  }
}

export class AniListClient {
  readonly url: string;
  readonly budget: RequestBudget;
  private readonly gql: GraphQLClient;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRateLimitWaits: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(opts: AniListClientOptions = {}) {
    this.url = opts.url ?? ANILIST_DEFAULT_URL;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxRetries = opts.maxRetries ?? 4;
    this.maxRateLimitWaits = opts.maxRateLimitWaits ?? 5;
    this.maxRetryAfterSeconds = opts.maxRetryAfterSeconds ?? 600;
    this.backoffBaseMs = opts.backoffBaseMs ?? 1000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 30_000;
    this.sleep = opts.sleep ?? realSleep;
    this.now = opts.now ?? Date.now;
    this.budget = new RequestBudget(opts.requestsPerMinute ?? 30, 60_000, this.now, this.sleep);
    const baseFetch = opts.fetch ?? globalThis.fetch;
    const wrappedFetch: typeof fetch = async (input, init) => {
      try {
        return await baseFetch(input, init);
      } catch (err) {
        throw new FetchFailure(err);
      }
    };
    this.gql = new GraphQLClient(this.url, { fetch: wrappedFetch, headers: { accept: 'application/json' } });
  }

  /** One page of the characters with the most favourites (page 1 = ranks 1–50). */
  async topCharacters(page: number, perPage = ANILIST_PER_PAGE, call: CallOptions = {}): Promise<AniListCharacterPage> {
    const data = await this.request(TOP_QUERY, { page, perPage }, pageSchema, call);
    return {
      page: data.Page.pageInfo.currentPage ?? page,
      hasNextPage: data.Page.pageInfo.hasNextPage ?? false,
      characters: data.Page.characters.map(toCharacter),
    };
  }

  /** A character by AniList id, or null when AniList has none. */
  async characterById(id: number, call: CallOptions = {}): Promise<AniListCharacter | null> {
    try {
      const data = await this.request(BY_ID_QUERY, { id }, byIdSchema, call);
      return data.Character ? toCharacter(data.Character) : null;
    } catch (err) {
      if (err instanceof AniListError && err.status === 404) return null;
      throw err;
    }
  }

  /** Characters whose name matches `search`, best match first. */
  async searchCharacters(search: string, perPage = 10, call: CallOptions = {}): Promise<AniListCharacter[]> {
    if (search.trim() === '') return [];
    try {
      const data = await this.request(SEARCH_QUERY, { search, perPage }, searchSchema, call);
      return data.Page.characters.map(toCharacter);
    } catch (err) {
      if (err instanceof AniListError && err.status === 404) return [];
      throw err;
    }
  }

  /** True when AniList answers one small request within `timeoutMs` (no retries). */
  async reachable(timeoutMs = 2500, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.topCharacters(1, 1, { timeoutMs, maxRetries: 0, ...(signal ? { signal } : {}) });
      return true;
    } catch {
      return false;
    }
  }

  private async request<S extends z.ZodType>(document: string, variables: Record<string, unknown>, schema: S, call: CallOptions): Promise<z.infer<S>> {
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    const maxRetries = call.maxRetries ?? this.maxRetries;
    const operation = /query (\w+)/.exec(document)?.[1] ?? 'query';
    let retries = 0;
    let rateLimitWaits = 0;
    for (;;) {
      const waitSignal =
        call.budgetWaitMs === undefined ? call.signal : AbortSignal.any([AbortSignal.timeout(call.budgetWaitMs), ...(call.signal ? [call.signal] : [])]);
      await this.budget.take(waitSignal).catch((err: unknown) => {
        if (call.signal?.aborted || call.budgetWaitMs === undefined) throw new AniListError('aborted', `${operation} cancelled`, undefined, { cause: err });
        throw new AniListError('rate-limited', `${operation}: the AniList request budget is in use (a catalog sync?)`, undefined, { cause: err });
      });
      const outcome = await this.attempt(document, variables, timeoutMs, call.signal);
      if (outcome.ok) {
        const parsed = schema.safeParse(outcome.data);
        if (!parsed.success) {
          throw new AniListError('malformed', `${operation} answer has an unexpected shape:\n${z.prettifyError(parsed.error)}`);
        }
        return parsed.data;
      }
      const err = outcome.error;
      if (err.kind === 'rate-limited') {
        const seconds = outcome.retryAfterSeconds;
        if (rateLimitWaits >= (call.maxRateLimitWaits ?? this.maxRateLimitWaits) || seconds > this.maxRetryAfterSeconds) throw err;
        rateLimitWaits++;
        // The budget does the waiting, so concurrent calls hold off too.
        this.budget.blockUntil(this.now() + seconds * 1000);
        continue;
      }
      const retryable = err.kind === 'timeout' || err.kind === 'network' || (err.kind === 'http' && (err.status ?? 0) >= 500);
      if (!retryable || retries >= maxRetries) throw err;
      const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** retries);
      retries++;
      await this.sleepOrAbort(delay, call.signal, operation);
    }
  }

  private async sleepOrAbort(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (err) {
      throw new AniListError('aborted', `${operation} cancelled`, undefined, { cause: err });
    }
  }

  /** One HTTP request, classified. Never throws except for the caller's abort. */
  private async attempt(
    document: string,
    variables: Record<string, unknown>,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; data: unknown } | { ok: false; error: AniListError; retryAfterSeconds: number }> {
    const operation = /query (\w+)/.exec(document)?.[1] ?? 'query';
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    const fail = (error: AniListError, retryAfterSeconds = 0) => ({ ok: false as const, error, retryAfterSeconds });
    try {
      const data: unknown = await this.gql.request({ document, variables, signal: combined });
      return { ok: true, data };
    } catch (err) {
      if (signal?.aborted) throw new AniListError('aborted', `${operation} cancelled`, undefined, { cause: err });
      if (timeout.signal.aborted) {
        return fail(new AniListError('timeout', `${operation} got no answer within ${timeoutMs} ms`, undefined, { cause: err }));
      }
      if (err instanceof FetchFailure) {
        const cause = err.cause instanceof Error ? (err.cause.cause instanceof Error ? err.cause.cause.message : err.cause.message) : String(err.cause);
        return fail(new AniListError('network', `${operation} could not reach ${this.url} (${cause})`, undefined, { cause: err.cause }));
      }
      if (err instanceof ClientError) {
        const status = err.response.status;
        if (status === 429) {
          const seconds = parseRetryAfter(err.response.headers?.get?.('retry-after') ?? null, this.now());
          return fail(new AniListError('rate-limited', `${operation} refused with 429 (Retry-After ${seconds} s)`, 429, { cause: err }), seconds);
        }
        const gqlMessage = err.response.errors?.[0]?.message;
        if (status >= 200 && status < 300) {
          return fail(new AniListError('graphql', `${operation} failed: ${gqlMessage ?? 'unknown GraphQL error'}`, status, { cause: err }));
        }
        return fail(new AniListError('http', `${operation} answered HTTP ${status}${gqlMessage ? ` (${gqlMessage})` : ''}`, status, { cause: err }));
      }
      // graphql-request could not parse the body (not JSON, not a GraphQL result).
      const detail = err instanceof Error ? err.message : String(err);
      return fail(new AniListError('malformed', `${operation} answer is not a GraphQL result: ${detail.slice(0, 200)}`, undefined, { cause: err }));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Retry-After is seconds or an HTTP date; missing or unreadable → 60 s (AniList's window). */
export function parseRetryAfter(value: string | null, nowMs: number): number {
  if (value === null || value.trim() === '') return 60;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return 60;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
