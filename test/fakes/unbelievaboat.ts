/**
 * A local stand-in for UnbelievaBoat's economy API (node:http on 127.0.0.1,
 * random port), under `/api/v1` like the real one:
 *   GET   /api/v1/guilds/:guild/users/:user          → { rank, user_id, cash, bank, total }
 *   PATCH /api/v1/guilds/:guild/users/:user  {bank?, cash?} → the new balance
 * It checks the Authorization header against its token (401 otherwise) and
 * keeps balances in memory; like the real API it lets a bank go negative (the
 * client checks funds first). It can be told to misbehave for the next N
 * requests: answer 401 or 500, or hang (never answer) until closed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUbRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

type Misbehaviour = { kind: 'status'; status: number } | { kind: 'hang' };

export class FakeUnbelievaBoat {
  readonly requests: FakeUbRequest[] = [];
  private readonly balances = new Map<string, { cash: number; bank: number }>();
  private readonly plan: Array<{ method: string | null; what: Misbehaviour }> = [];
  private readonly hung = new Set<http.ServerResponse>();
  private server: http.Server;
  private port = 0;

  private constructor(readonly token: string) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  static async start(token = 'ub-test-token'): Promise<FakeUnbelievaBoat> {
    const fake = new FakeUnbelievaBoat(token);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The base URL to configure (UNBELIEVABOAT_URL). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  setBalance(guildId: string, userId: string, bank: number, cash = 0): void {
    this.balances.set(`${guildId}/${userId}`, { cash, bank });
  }

  balance(guildId: string, userId: string): { cash: number; bank: number } {
    return { ...(this.balances.get(`${guildId}/${userId}`) ?? { cash: 0, bank: 0 }) };
  }

  /** The next `n` requests (of `method`, or any) answer this HTTP status. */
  failNext(n: number, status: number, method: 'GET' | 'PATCH' | null = null): void {
    for (let i = 0; i < n; i++) this.plan.push({ method, what: { kind: 'status', status } });
  }

  /** The next `n` requests (of `method`, or any) never get an answer. */
  hangNext(n: number, method: 'GET' | 'PATCH' | null = null): void {
    for (let i = 0; i < n; i++) this.plan.push({ method, what: { kind: 'hang' } });
  }

  patches(): FakeUbRequest[] {
    return this.requests.filter((r) => r.method === 'PATCH');
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      return this.json(res, 400, { message: 'Invalid JSON' });
    }
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.requests.push({ method, path, authorization: req.headers.authorization, body });

    const i = this.plan.findIndex((p) => p.method === null || p.method === method);
    if (i >= 0) {
      const what = this.plan.splice(i, 1)[0]!.what;
      if (what.kind === 'hang') {
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
      }
      return this.json(res, what.status, { message: `fake failure ${what.status}` });
    }
    if (req.headers.authorization !== this.token) return this.json(res, 401, { message: '401: Unauthorized' });
    const m = /^\/api\/v1\/guilds\/([^/]+)\/users\/([^/]+)$/.exec(path);
    if (!m) return this.json(res, 404, { message: 'Not found' });
    const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    const bal = this.balances.get(key) ?? { cash: 0, bank: 0 };
    if (method === 'PATCH') {
      const b = (body ?? {}) as { bank?: unknown; cash?: unknown };
      if ((b.bank !== undefined && typeof b.bank !== 'number') || (b.cash !== undefined && typeof b.cash !== 'number'))
        return this.json(res, 400, { message: 'bank and cash must be numbers' });
      bal.bank += (b.bank as number | undefined) ?? 0;
      bal.cash += (b.cash as number | undefined) ?? 0;
      this.balances.set(key, bal);
    } else if (method !== 'GET') {
      return this.json(res, 405, { message: 'Method not allowed' });
    }
    return this.json(res, 200, { rank: '1', user_id: decodeURIComponent(m[2]!), cash: bal.cash, bank: bal.bank, total: bal.cash + bal.bank });
  }
}
