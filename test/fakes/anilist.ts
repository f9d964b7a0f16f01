/**
 * A local stand-in for AniList's GraphQL API (node:http on 127.0.0.1, random
 * port). It answers the three operations the client sends — TopCharacters,
 * CharacterById, SearchCharacters — from a generated list ordered by
 * favourites, and can be told to misbehave: 429 with Retry-After, hang, return
 * malformed data, or fail with 5xx, each for the next N requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCharacter {
  id: number;
  name: string;
  image: string | null;
  favourites: number;
}

export interface FakeRequest {
  operationName: string;
  variables: Record<string, unknown>;
}

export type Malformation = 'shape' | 'json' | 'graphql-error';

/** `total` characters, favourites strictly descending, ids spread out like AniList's. */
export function generateFakeCharacters(total: number, idOffset = 0): FakeCharacter[] {
  const out: FakeCharacter[] = [];
  for (let i = 0; i < total; i++) {
    const rank = i + 1;
    out.push({
      id: 100_000 + idOffset + rank * 13,
      name: `Fake Character ${rank}`,
      image: `https://img.example/character/${rank}.png`,
      // steep at the top, a few hundred at 10,000; +(total - i) keeps it strictly descending
      favourites: Math.floor(300_000 / rank ** 0.72) + (total - i),
    });
  }
  return out;
}

export class FakeAniList {
  /** Every request received, in order (including refused ones). */
  readonly requests: FakeRequest[] = [];
  characters: FakeCharacter[];
  private server: http.Server;
  private port = 0;
  private rateLimited = 0;
  private retryAfter: string | null = '1';
  private hanging = 0;
  private malformed = 0;
  private malformation: Malformation = 'shape';
  private failing = 0;
  private failStatus = 500;
  private readonly hung = new Set<http.ServerResponse>();
  /** Top-characters pages that always fail, with the HTTP status to answer. */
  readonly failingPages = new Map<number, number>();
  /** Every answer waits this long (a slow AniList, so two syncs would overlap). */
  delayMs = 0;

  private constructor(characters: FakeCharacter[]) {
    this.characters = characters;
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  static async start(opts: { total?: number; characters?: FakeCharacter[] } = {}): Promise<FakeAniList> {
    const fake = new FakeAniList(opts.characters ?? generateFakeCharacters(opts.total ?? 10_000));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get requestCount(): number {
    return this.requests.length;
  }

  /** The next `n` requests get HTTP 429 with this Retry-After (null = no header). */
  rateLimitNext(n: number, retryAfter: string | null = '1'): void {
    this.rateLimited = n;
    this.retryAfter = retryAfter;
  }

  /** The next `n` requests never get an answer (until the client gives up or the fake closes). */
  hangNext(n: number): void {
    this.hanging = n;
  }

  /** The next `n` requests get a 200 whose body is wrong in the given way. */
  malformNext(n: number, how: Malformation = 'shape'): void {
    this.malformed = n;
    this.malformation = how;
  }

  /** The next `n` requests get this HTTP status (default 500). */
  failNext(n: number, status = 500): void {
    this.failing = n;
    this.failStatus = status;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof body;
    } catch {
      return this.json(res, 400, { errors: [{ message: 'Invalid JSON body', status: 400 }] });
    }
    const operationName = body.operationName ?? /query (\w+)/.exec(body.query ?? '')?.[1] ?? 'unknown';
    const variables = body.variables ?? {};
    this.requests.push({ operationName, variables });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));

    if (this.rateLimited > 0) {
      this.rateLimited--;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.retryAfter !== null) headers['retry-after'] = this.retryAfter;
      res.writeHead(429, headers);
      res.end(JSON.stringify({ errors: [{ message: 'Too Many Requests.', status: 429 }] }));
      return;
    }
    if (this.hanging > 0) {
      this.hanging--;
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    if (this.failing > 0) {
      this.failing--;
      return this.json(res, this.failStatus, { errors: [{ message: 'Internal Server Error', status: this.failStatus }] });
    }
    if (this.malformed > 0) {
      this.malformed--;
      if (this.malformation === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>502 Bad Gateway</html>');
        return;
      }
      if (this.malformation === 'graphql-error') {
        return this.json(res, 200, { data: null, errors: [{ message: 'Validation error: field "favourites"' }] });
      }
      return this.json(res, 200, { data: { Page: { pageInfo: { hasNextPage: 'yes' }, characters: [{ id: 'seven', name: null }] } } });
    }

    switch (operationName) {
      case 'TopCharacters': {
        const page = Number(variables.page ?? 1);
        const status = this.failingPages.get(page);
        if (status !== undefined) return this.json(res, status, { errors: [{ message: `page ${page} is broken`, status }] });
        const perPage = Math.min(50, Number(variables.perPage ?? 50));
        const start = (page - 1) * perPage;
        const slice = this.characters.slice(start, start + perPage);
        return this.json(res, 200, {
          data: {
            Page: {
              pageInfo: { currentPage: page, hasNextPage: start + perPage < this.characters.length },
              characters: slice.map(toGraphql),
            },
          },
        });
      }
      case 'CharacterById': {
        const found = this.characters.find((c) => c.id === Number(variables.id));
        // AniList answers a missing character with 404 and a GraphQL error.
        if (!found) return this.json(res, 404, { data: { Character: null }, errors: [{ message: 'Not Found.', status: 404 }] });
        return this.json(res, 200, { data: { Character: toGraphql(found) } });
      }
      case 'SearchCharacters': {
        const needle = String(variables.search ?? '').toLowerCase();
        const perPage = Math.min(50, Number(variables.perPage ?? 10));
        const hits = this.characters.filter((c) => c.name.toLowerCase().includes(needle)).slice(0, perPage);
        return this.json(res, 200, { data: { Page: { characters: hits.map(toGraphql) } } });
      }
      default:
        return this.json(res, 400, { errors: [{ message: `Unknown operation ${operationName}` }] });
    }
  }

  private json(res: http.ServerResponse, status: number, payload: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }
}

function toGraphql(c: FakeCharacter) {
  return { id: c.id, name: { full: c.name, native: null }, image: { large: c.image }, favourites: c.favourites };
}

/**
 * Run alone (`node --import tsx test/fakes/anilist.ts [total]`) it serves in
 * its own process and prints its URL on the first line — so a benchmark's
 * client and database don't share a CPU with the server.
 */
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const fake = await FakeAniList.start({ total: Number(process.argv[2] ?? 10_000) });
  process.stdout.write(`${fake.url}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  process.stdin.resume();
}
