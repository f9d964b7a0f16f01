import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RequestBudget } from '../../../src/core/anilist/budget.js';
import { AniListClient, type AniListClientOptions, AniListError, parseRetryAfter } from '../../../src/core/anilist/client.js';
import { FakeAniList, generateFakeCharacters } from '../../fakes/anilist.js';

/** A fake clock: sleeping advances it instantly and records the wait. */
function fakeClock(start = 1_700_000_000_000) {
  const clock = {
    t: start,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

let fake: FakeAniList;
beforeAll(async () => {
  fake = await FakeAniList.start({ total: 300 });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.rateLimitNext(0);
  fake.hangNext(0);
  fake.malformNext(0);
  fake.failNext(0);
  fake.requests.length = 0;
});

function client(clock = fakeClock(), opts: AniListClientOptions = {}) {
  return new AniListClient({ url: fake.url, sleep: clock.sleep, now: clock.now, requestsPerMinute: 0, timeoutMs: 2000, ...opts });
}

describe('AniList client against the fake server', () => {
  it('reads a page of the top characters by favourites', async () => {
    const page = await client().topCharacters(2);
    expect(page.page).toBe(2);
    expect(page.hasNextPage).toBe(true);
    expect(page.characters).toHaveLength(50);
    const expected = generateFakeCharacters(300)[50]!;
    expect(page.characters[0]).toEqual({ id: expected.id, name: expected.name, imageUrl: expected.image, favourites: expected.favourites });
    expect(fake.requests[0]).toEqual({ operationName: 'TopCharacters', variables: { page: 2, perPage: 50 } });
  });

  it('finds one character by id, and answers null for an unknown id (AniList 404)', async () => {
    const c = client();
    const known = generateFakeCharacters(300)[9]!;
    expect(await c.characterById(known.id)).toMatchObject({ id: known.id, name: known.name });
    expect(await c.characterById(1)).toBeNull();
  });

  it('searches characters by name', async () => {
    const hits = await client().searchCharacters('character 12', 5);
    expect(hits.map((h) => h.name)).toEqual(['Fake Character 12', 'Fake Character 120', 'Fake Character 121', 'Fake Character 122', 'Fake Character 123']);
    expect(await client().searchCharacters('   ')).toEqual([]);
  });

  it('honours 429 by waiting Retry-After seconds (injected sleep), then succeeds', async () => {
    const clock = fakeClock();
    fake.rateLimitNext(2, '7');
    const page = await client(clock).topCharacters(1);
    expect(page.characters).toHaveLength(50);
    expect(clock.sleeps).toEqual([7000, 7000]);
    expect(fake.requestCount).toBe(3);
  });

  it('a 429 without Retry-After waits AniList’s one-minute window', async () => {
    const clock = fakeClock();
    fake.rateLimitNext(1, null);
    await client(clock).topCharacters(1);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('a 429 blocks the whole budget, so the next call waits too', async () => {
    const clock = fakeClock();
    const c = client(clock);
    c.budget.blockUntil(clock.t + 5000);
    await c.topCharacters(1);
    expect(clock.sleeps).toEqual([5000]);
  });

  it('gives up with a rate-limited error after maxRateLimitWaits 429s', async () => {
    fake.rateLimitNext(10, '1');
    const err = await client(fakeClock(), { maxRateLimitWaits: 2 })
      .topCharacters(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AniListError);
    expect((err as AniListError).kind).toBe('rate-limited');
    expect(fake.requestCount).toBe(3);
  });

  it('times out a hanging request and retries it with backoff', async () => {
    const clock = fakeClock();
    fake.hangNext(1);
    const started = Date.now();
    const page = await client(clock, { timeoutMs: 150, backoffBaseMs: 1000 }).topCharacters(1);
    expect(page.characters).toHaveLength(50);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(clock.sleeps).toEqual([1000]);
    expect(fake.requestCount).toBe(2);
  });

  it('fails with a timeout error once retries are spent', async () => {
    const clock = fakeClock();
    fake.hangNext(5);
    const err = await client(clock, { timeoutMs: 100, maxRetries: 2, backoffBaseMs: 500 })
      .topCharacters(1)
      .catch((e: unknown) => e);
    expect((err as AniListError).kind).toBe('timeout');
    expect((err as Error).message).toMatch(/TopCharacters got no answer within 100 ms/);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(fake.requestCount).toBe(3);
  });

  it('retries 5xx with exponential backoff', async () => {
    const clock = fakeClock();
    fake.failNext(3, 503);
    await client(clock, { backoffBaseMs: 1000 }).topCharacters(1);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('does not retry a 400', async () => {
    fake.failNext(1, 400);
    const err = await client()
      .topCharacters(1)
      .catch((e: unknown) => e);
    expect((err as AniListError).kind).toBe('http');
    expect((err as AniListError).status).toBe(400);
    expect(fake.requestCount).toBe(1);
  });

  it('turns a wrongly shaped answer into a clear malformed error naming the fields', async () => {
    fake.malformNext(1, 'shape');
    const err = await client()
      .topCharacters(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AniListError);
    expect((err as AniListError).kind).toBe('malformed');
    expect((err as Error).message).toMatch(/TopCharacters answer has an unexpected shape/);
    expect((err as Error).message).toMatch(/Page\.characters\[0\]\.id/);
    expect((err as Error).message).toMatch(/hasNextPage/);
  });

  it('turns a body that is not JSON into a malformed error', async () => {
    fake.malformNext(1, 'json');
    const err = await client()
      .topCharacters(1)
      .catch((e: unknown) => e);
    expect((err as AniListError).kind).toBe('malformed');
  });

  it('reports GraphQL errors as such', async () => {
    fake.malformNext(1, 'graphql-error');
    const err = await client()
      .topCharacters(1)
      .catch((e: unknown) => e);
    expect((err as AniListError).kind).toBe('graphql');
    expect((err as Error).message).toMatch(/Validation error/);
  });

  it('reports a refused connection as a network error after retries', async () => {
    const clock = fakeClock();
    const c = new AniListClient({ url: 'http://127.0.0.1:1/', sleep: clock.sleep, now: clock.now, requestsPerMinute: 0, maxRetries: 2, backoffBaseMs: 10 });
    const err = await c.topCharacters(1).catch((e: unknown) => e);
    expect((err as AniListError).kind).toBe('network');
    expect(clock.sleeps).toEqual([10, 20]);
    expect(await c.reachable(500)).toBe(false);
  });

  it('stops waiting when the caller aborts', async () => {
    fake.rateLimitNext(1, '30');
    const ac = new AbortController();
    const c = new AniListClient({
      url: fake.url,
      requestsPerMinute: 0,
      sleep: (_ms, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    });
    const p = c.topCharacters(1, 50, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const err = await p.catch((e: unknown) => e);
    expect((err as AniListError).kind).toBe('aborted');
  });

  it('respects the request budget: never more than 3 in any minute', async () => {
    const clock = fakeClock();
    const sentAt: number[] = [];
    const c = new AniListClient({
      url: fake.url,
      sleep: clock.sleep,
      now: clock.now,
      requestsPerMinute: 3,
      fetch: (input, init) => {
        sentAt.push(clock.t);
        return fetch(input, init);
      },
    });
    for (let i = 0; i < 7; i++) await c.topCharacters(1, 1);
    const t0 = sentAt[0]!;
    expect(sentAt.map((t) => t - t0)).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
    for (const t of sentAt) expect(sentAt.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(3);
  });

  it('defaults to 30 requests a minute; 0 and Infinity mean unlimited', () => {
    expect(new AniListClient().budget.limit).toBe(30);
    expect(new AniListClient().url).toBe('https://graphql.anilist.co');
    expect(new AniListClient({ requestsPerMinute: 0 }).budget.unlimited).toBe(true);
    expect(new AniListClient({ requestsPerMinute: Infinity }).budget.unlimited).toBe(true);
  });
});

describe('request budget', () => {
  it('serialises concurrent takers within the window', async () => {
    const clock = fakeClock(0);
    const budget = new RequestBudget(2, 60_000, clock.now, clock.sleep);
    const times: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map(() => budget.take().then(() => times.push(clock.t))));
    expect(times).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('12', 0)).toBe(12);
    expect(parseRetryAfter(null, 0)).toBe(60);
    expect(parseRetryAfter('soon', 0)).toBe(60);
    expect(parseRetryAfter(new Date(90_000).toUTCString(), 0)).toBe(90);
  });
});
