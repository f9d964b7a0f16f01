import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AdjustableClock, Clock } from '../core/clock.js';
import type { Db } from '../core/db/index.js';
import { errorId } from '../core/errors.js';
import { getPlayer } from '../core/players.js';
import type { Logger } from '../log.js';
import { PlaygroundInputError, type PlaygroundTransport } from './playground/transport.js';

export interface HealthReport {
  status: 'ok' | 'starting' | 'degraded' | 'stopping';
  database: 'ok' | 'down' | 'unknown';
  transport: Record<string, unknown>;
  uptimeSeconds: number;
}

export interface HttpDeps {
  log: Logger;
  health(): Promise<HealthReport>;
  playground?: {
    transport: PlaygroundTransport;
    /** The game clock; an AdjustableClock can be moved by POST /api/clock, any other clock can't (Discord runs on real time). */
    clock: Clock | AdjustableClock;
    /** PLAYGROUND_TOKEN: when set, every /api/ route but attachments needs `Authorization: Bearer <token>`. */
    token?: string;
    db: Db;
    /** Units of a player for GET /api/players/:id (kept out of this layer's SQL). */
    playerUnits(playerId: string): Promise<unknown[]>;
    /** The command prefix in a server (its own, else COMMAND_PREFIX), or in DMs (null). */
    prefixOf(guildId: string | null): Promise<string>;
  };
}

const id = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_.:-]+$/u, 'letters, digits, _ . : - only');

const messageBody = z.object({
  userId: id,
  username: z.string().trim().min(1).max(32).optional(),
  channelId: id.default('playground'),
  guildId: id.nullable().optional(),
  content: z.string().max(8000),
});

const interactionBody = z.object({
  userId: id,
  username: z.string().trim().min(1).max(32).optional(),
  messageId: z.string().regex(/^\d{1,30}$/),
  customId: z.string().min(1).max(100),
  values: z.array(z.string().max(100)).max(25).optional(),
});

const clockBody = z.object({
  advanceSeconds: z
    .number()
    .finite()
    .min(0)
    .max(10 * 365 * 86400),
});

const PAGE_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'playground/page.html');

/** The largest JSON body the playground API reads; a bigger one gets 413. */
export const MAX_BODY = '64kb';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Express middleware that lets a request through only with `Authorization:
 * Bearer <token>`. Both sides are hashed first, so the comparison is of
 * equal-length digests in constant time (nothing learned from timing,
 * not even the token's length).
 */
export function requireBearer(token: string): express.RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    if (m && timingSafeEqual(digest(m[1]!), expected)) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="stardust-playground"')
      .json({ error: m ? 'That playground token is wrong.' : 'This playground needs its token (PLAYGROUND_TOKEN), sent as Authorization: Bearer <token>.' });
  };
}

const isAdjustable = (c: Clock | AdjustableClock): c is AdjustableClock => typeof (c as AdjustableClock).advance === 'function';

/** GET /health for the hosting platform, plus the playground page and JSON API when enabled. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

  const health = async (_req: Request, res: Response) => {
    const h = await deps.health();
    res.status(h.status === 'ok' ? 200 : 503).json(h);
  };
  app.get('/health', health);

  const pg = deps.playground;
  if (!pg) {
    app.get('/', health);
  } else {
    let page: string | undefined;
    app.get('/', async (_req, res) => {
      page ??= await readFile(PAGE_PATH, 'utf8');
      res.type('html').send(page);
    });

    // Images are fetched by <img> tags, which can't send a token: their ids are random (128 bits) instead.
    app.get('/api/attachments/:fileId/:name', (req, res) => {
      const file = pg.transport.store.file(String(req.params.fileId));
      if (!file) {
        res.status(404).json({ error: 'That image is no longer kept.' });
        return;
      }
      const headers = { 'Content-Type': file.contentType, 'Cache-Control': 'private, max-age=86400' };
      if (file.data) {
        res.set(headers).send(file.data);
        return;
      }
      res.sendFile(file.path!, { headers, cacheControl: false, lastModified: false, dotfiles: 'allow' }, (err) => {
        // Deleted between the lookup and the read: it is gone, as if it had been a moment earlier.
        if (err && !res.headersSent) res.status(404).json({ error: 'That image is no longer kept.' });
      });
    });

    // Checked before the body is read: without the token nothing is parsed, let alone run.
    if (pg.token) app.use('/api', requireBearer(pg.token));
    app.use('/api', express.json({ limit: MAX_BODY }));

    app.post('/api/messages', async (req, res) => {
      const body = messageBody.parse(req.body);
      const replies = await pg.transport.postMessage({
        userId: body.userId,
        username: body.username ?? body.userId,
        channelId: body.channelId,
        guildId: body.guildId === undefined ? 'playground' : body.guildId,
        content: body.content,
      });
      res.json({ replies });
    });

    app.post('/api/interactions', async (req, res) => {
      const body = interactionBody.parse(req.body);
      res.json(await pg.transport.interact(body));
    });

    app.post('/api/clock', (req, res) => {
      const body = clockBody.parse(req.body);
      if (!isAdjustable(pg.clock)) {
        res.status(403).json({ error: "The game clock can't be moved while the bot is connected to Discord: it runs on real time." });
        return;
      }
      const now = pg.clock.advance(body.advanceSeconds);
      res.json({ now: now.toISOString() });
    });
    app.get('/api/clock', (_req, res) => {
      res.json({ now: pg.clock.now().toISOString() });
    });

    app.get('/api/players/:userId', async (req, res) => {
      const userId = id.parse(req.params.userId);
      const p = await getPlayer(pg.db, userId);
      if (!p) {
        res.status(404).json({ error: 'No such player.' });
        return;
      }
      res.json({ id: p.id, username: p.username, gems: p.gems, coins: p.coins, teamLevel: p.teamLevel, teamXp: p.teamXp, units: await pg.playerUnits(userId) });
    });

    // The page's input hint names commands with the server's prefix (`?starter` where it is `?`).
    app.get('/api/prefix', async (req, res) => {
      const guildId = typeof req.query.guildId === 'string' && req.query.guildId !== '' ? id.parse(req.query.guildId) : null;
      res.json({ prefix: await pg.prefixOf(guildId) });
    });

    app.get('/api/channels/:channelId/events', (req, res) => {
      const channelId = id.parse(req.params.channelId);
      const after = Number(req.query.after ?? 0) || 0;
      const viewer = typeof req.query.viewer === 'string' ? req.query.viewer : undefined;
      res.json(pg.transport.store.eventsAfter(channelId, after, viewer));
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found.' });
  });

  // One place for API errors: bad input is a 400 with the reason; anything else is logged with an id.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof z.ZodError) {
      const i = err.issues[0]!;
      res.status(400).json({ error: `${i.path.join('.') || 'body'}: ${i.message}` });
      return;
    }
    if (err instanceof PlaygroundInputError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    // body-parser's own errors: malformed JSON, a body over MAX_BODY, an unknown encoding or charset.
    const type = err && typeof err === 'object' && 'type' in err ? String((err as { type: unknown }).type) : '';
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The body must be JSON.' });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: `The body is too large (at most ${MAX_BODY}).` });
      return;
    }
    const status = err && typeof err === 'object' && 'status' in err ? Number((err as { status: unknown }).status) : 0;
    if (status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
      res.status(status).json({ error: (err as Error).message });
      return;
    }
    const eid = errorId();
    deps.log.error({ err, errorId: eid }, 'http request failed');
    res.status(500).json({ error: `Something went wrong (error id ${eid}).` });
  });
  return app;
}
