import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AdjustableClock } from '../core/clock.js';
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
    clock: AdjustableClock;
    db: Db;
    /** Units of a player for GET /api/players/:id (kept out of this layer's SQL). */
    playerUnits(playerId: string): Promise<unknown[]>;
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

/** GET /health for the hosting platform, plus the playground page and JSON API when enabled. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

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

    app.get('/api/channels/:channelId/events', (req, res) => {
      const channelId = id.parse(req.params.channelId);
      const after = Number(req.query.after ?? 0) || 0;
      const viewer = typeof req.query.viewer === 'string' ? req.query.viewer : undefined;
      res.json(pg.transport.store.eventsAfter(channelId, after, viewer));
    });

    app.get('/api/attachments/:fileId/:name', (req, res) => {
      const file = pg.transport.store.file(String(req.params.fileId));
      if (!file) {
        res.status(404).json({ error: 'That image is no longer kept.' });
        return;
      }
      res.type(file.contentType).set('Cache-Control', 'private, max-age=86400').send(file.data);
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
    if (err && typeof err === 'object' && 'type' in err && (err as { type: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The body must be JSON.' });
      return;
    }
    const eid = errorId();
    deps.log.error({ err, errorId: eid }, 'http request failed');
    res.status(500).json({ error: `Something went wrong (error id ${eid}).` });
  });
  return app;
}
