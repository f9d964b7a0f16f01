/**
 * A randomized, concurrent player workload over the playground HTTP API, and
 * the invariants the database must satisfy after any such workload. Used by
 * the invariant, fault, kill -9 and memory/bench runs.
 */
import type { Queryable } from '../../src/core/db/index.js';
import { Rng } from '../../src/core/rng.js';
import type { PlaygroundMessage } from '../../src/platform/playground/store.js';
import { textOf } from './app.js';

/** The playground API as a client sees it (a TestBot, or a bot in another process). */
export interface BotClient {
  say(userId: string, content: string, opts?: { channelId?: string; guildId?: string | null; username?: string }): Promise<PlaygroundMessage[]>;
  click(userId: string, messageId: string, customId: string, values?: string[]): Promise<{ replies: PlaygroundMessage[]; edits: PlaygroundMessage[] }>;
  post(path: string, body: unknown): Promise<{ status: number; json: any }>;
  get(path: string): Promise<{ status: number; json: any }>;
}

/** A client for a bot at `baseUrl` (e.g. a child process). Non-200 answers throw. */
export function httpBot(baseUrl: string, opts: { timeoutMs?: number } = {}): BotClient {
  const timeout = opts.timeoutMs ?? 60_000;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    return { status: res.status, json: await res.json() };
  };
  const get = async (path: string) => {
    const res = await fetch(baseUrl + path, { signal: AbortSignal.timeout(timeout) });
    return { status: res.status, json: await res.json() };
  };
  return {
    post,
    get,
    async say(userId, content, o = {}) {
      const r = await post('/api/messages', {
        userId,
        username: o.username ?? userId,
        channelId: o.channelId ?? 'test',
        guildId: o.guildId === undefined ? 'guild-1' : o.guildId,
        content,
      });
      if (r.status !== 200) throw new Error(`POST /api/messages ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json.replies as PlaygroundMessage[];
    },
    async click(userId, messageId, customId, values) {
      const r = await post('/api/interactions', { userId, messageId, customId, values });
      if (r.status !== 200) throw new Error(`POST /api/interactions ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json;
    },
  };
}

export const APOLOGY_TITLE = 'Something went wrong';

/** True when a reply is the dispatcher's apology for an unexpected error (it carries an error id). */
export function isApology(m: PlaygroundMessage): boolean {
  return m.embeds.some((e) => e.title === APOLOGY_TITLE);
}

/** True when a reply is a ⚠️ warning (a UserError or bad input: nothing should have changed). */
export function isWarning(m: PlaygroundMessage): boolean {
  return m.content.startsWith('⚠️') || m.embeds.some((e) => (e.description ?? '').startsWith('⚠️'));
}

/** Things a reply text must never show a player: stacks, SQL, source paths, driver errors. */
export const LEAK =
  /\n\s+at |node_modules|\.ts:\d+|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bERROR:|ECONNREFUSED|ECONNRESET|terminating connection|duplicate key|violates|syntax error/;

/** Something a reply said was done, to check it survived (kill -9). */
export type Acked =
  | { kind: 'pull'; playerId: string; pullId: number }
  | { kind: 'checkin'; playerId: string }
  | { kind: 'claim'; playerId: string; task: string }
  | { kind: 'give'; playerId: string; gems: number };

export interface WorkloadOptions {
  players: number;
  /** Messages plus button/select presses to send in all. */
  commands: number;
  concurrency: number;
  seed: number;
  /** An owner (OWNER_IDS) who starts raids, ends the casino event and hands out gems. */
  ownerId: string;
  guildId?: string;
  /** Player id prefix (digits keep them valid as raw member ids). */
  idPrefix?: string;
  /** Move the game clock about every this many commands (0: never). */
  clockEvery?: number;
  /** Stop early when this returns true (fault injection finished, process killed…). */
  shouldStop?: () => boolean;
  /** Called after each command with the number sent so far. */
  onProgress?: (sent: number) => void;
}

export interface Incident {
  userId: string;
  input: string;
  text: string;
}

export interface WorkloadReport {
  sent: number;
  byCommand: Record<string, number>;
  warnings: number;
  apologies: Incident[];
  /** Requests that failed at the HTTP level (connection refused, 500, timeout). */
  httpErrors: Incident[];
  /** Replies that showed a stack, SQL or a driver error. */
  leaks: Incident[];
  acked: Acked[];
  clockMoves: number;
  /** Presses on controls a finished view had already removed (the second of a double press). */
  pressesRefused: number;
  ms: number;
}

interface PlayerState {
  id: string;
  units: Array<{ id: number; rarity: string; dupe: number; bond: number; locked: boolean; power: number }>;
  fetchedAt: number;
  presets: string[];
}

const DIFFICULTIES = ['easy', 'normal', 'hard', 'expert', 'nightmare', 'hell'] as const;
const TASKS = ['pvp', ...DIFFICULTIES] as const;
const BOSSES = ['gloomfang', 'seraphine', 'null'] as const;
const GIFT_ITEMS = ['small', 'med', 'large', 'ur'] as const;

export function playerIds(n: number, prefix = '70000000'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
}

/**
 * Runs `commands` commands from `players` players with `concurrency` in
 * flight. Each action is one command, or a command and the presses on its
 * reply (confirm buttons, shop and bounty selects, sometimes pressed twice at
 * once). Never throws for what the bot answers; collects it in the report.
 */
export async function runWorkload(bot: BotClient, opts: WorkloadOptions): Promise<WorkloadReport> {
  const rng = new Rng(opts.seed);
  const guildId = opts.guildId ?? 'guild-1';
  const ids = playerIds(opts.players, opts.idPrefix);
  const players = new Map<string, PlayerState>(ids.map((id) => [id, { id, units: [], fetchedAt: -1, presets: [] }]));
  const report: WorkloadReport = {
    sent: 0,
    byCommand: {},
    warnings: 0,
    apologies: [],
    httpErrors: [],
    leaks: [],
    acked: [],
    clockMoves: 0,
    pressesRefused: 0,
    ms: 0,
  };
  const started = Date.now();
  let budget = opts.commands;
  let tick = 0;
  let nextClock = opts.clockEvery ? opts.clockEvery : Infinity;

  const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;
  const chance = (p: number) => rng.next() < p;

  const look = (userId: string, input: string, replies: PlaygroundMessage[]) => {
    for (const m of replies) {
      const text = textOf(m);
      if (isApology(m)) report.apologies.push({ userId, input, text });
      else if (isWarning(m)) report.warnings++;
      if (LEAK.test(text)) report.leaks.push({ userId, input, text });
    }
  };

  const say = async (userId: string, content: string): Promise<PlaygroundMessage[] | null> => {
    if (budget <= 0) return null;
    budget--;
    report.sent++;
    tick++;
    opts.onProgress?.(report.sent);
    const name = content.split(/\s+/)[0]!;
    report.byCommand[name] = (report.byCommand[name] ?? 0) + 1;
    try {
      const replies = await bot.say(userId, content, { guildId, username: `u${userId.slice(-4)}` });
      look(userId, content, replies);
      return replies;
    } catch (err) {
      report.httpErrors.push({ userId, input: content, text: err instanceof Error ? err.message : String(err) });
      return null;
    }
  };

  const click = async (userId: string, m: PlaygroundMessage, customId: string, values?: string[]): Promise<PlaygroundMessage[] | null> => {
    if (budget <= 0) return null;
    budget--;
    report.sent++;
    tick++;
    const label = `[click ${customId}]`;
    report.byCommand[label] = (report.byCommand[label] ?? 0) + 1;
    try {
      const r = await bot.click(userId, m.id, customId, values);
      const all = [...r.replies, ...r.edits];
      look(userId, `${label} ${values?.join(',') ?? ''}`, all);
      return all;
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      // The other press of a double press finished the view and removed its controls: the API refuses, as Discord would.
      if (/ 400: .*no such button or menu/.test(text)) report.pressesRefused++;
      else report.httpErrors.push({ userId, input: label, text });
      return null;
    }
  };

  const withComponent = (replies: PlaygroundMessage[] | null, customId: string) =>
    replies?.find((m) => m.components.some((c) => c.customId === customId && !c.disabled));

  /** Presses once, or twice at the same moment (the second must be dropped or refused). */
  const press = async (userId: string, m: PlaygroundMessage, customId: string, values?: string[]) => {
    if (chance(0.3)) return (await Promise.all([click(userId, m, customId, values), click(userId, m, customId, values)]))[0];
    return click(userId, m, customId, values);
  };

  const refresh = async (p: PlayerState, force = false) => {
    if (!force && p.fetchedAt >= 0 && tick - p.fetchedAt < 40) return;
    try {
      const r = await bot.get(`/api/players/${p.id}`);
      if (r.status === 200) {
        p.units = (r.json.units as PlayerState['units']).map((u) => ({
          id: Number(u.id),
          rarity: u.rarity,
          dupe: u.dupe,
          bond: u.bond,
          locked: u.locked,
          power: Number(u.power),
        }));
        p.fetchedAt = tick;
      }
    } catch {
      // A fault run may have the bot away; the next refresh tries again.
    }
  };

  const someIds = (p: PlayerState, min: number, max: number): number[] => {
    const pool = [...p.units];
    const k = Math.min(pool.length, rng.int(min, max));
    const out: number[] = [];
    for (let i = 0; i < k; i++) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!.id);
    // Now and then an id the player doesn't own (or that was just scrapped).
    if (chance(0.05)) out.push(rng.int(1, 5_000_000));
    return out;
  };

  const ack = (p: PlayerState, input: string, replies: PlaygroundMessage[] | null) => {
    if (!replies) return;
    for (const m of replies) {
      if (isApology(m) || isWarning(m)) continue;
      const t = textOf(m);
      const pull = /Pull #(\d+) · /.exec(t);
      if (pull && /^!(pull|starter)/.test(input)) report.acked.push({ kind: 'pull', playerId: p.id, pullId: Number(pull[1]) });
      if (input === '!checkin' && t.includes('Checked in')) report.acked.push({ kind: 'checkin', playerId: p.id });
      const give = /^!give gems <@\d+> (\d+)$/.exec(input);
      if (give && t.includes('Gave')) report.acked.push({ kind: 'give', playerId: p.id, gems: Number(give[1]) });
      const claim = /Claimed `(\w+)`/.exec(t);
      if (claim) report.acked.push({ kind: 'claim', playerId: p.id, task: claim[1]! });
    }
  };

  type Action = [weight: number, run: (p: PlayerState) => Promise<void>];
  const actions: Action[] = [
    [3, async (p) => ack(p, '!starter', await say(p.id, '!starter'))],
    [6, async (p) => ack(p, '!pull', await say(p.id, '!pull'))],
    [5, async (p) => ack(p, '!pull 10', await say(p.id, '!pull 10'))],
    [2, async (p) => void (await say(p.id, '!scrap_r'))],
    [
      2,
      async (p) => {
        const m = withComponent(await say(p.id, '!scrap_sr'), 'scrap:confirm');
        if (m) await press(p.id, m, chance(0.9) ? 'scrap:confirm' : 'scrap:cancel');
      },
    ],
    [
      3,
      async (p) => {
        const m = withComponent(await say(p.id, '!shop'), 'shop:buy');
        const sel = m?.components.find((c) => c.customId === 'shop:buy');
        if (m && sel?.type === 'select') {
          // Above 10,000 gems the shop asks first: mostly confirm, sometimes cancel.
          const asked = withComponent(await press(p.id, m, 'shop:buy', [pick(sel.options).value]), 'shop:confirm');
          if (asked) await press(p.id, asked, chance(0.9) ? 'shop:confirm' : 'shop:cancel');
        }
      },
    ],
    [3, async (p) => ack(p, '!checkin', await say(p.id, '!checkin'))],
    [1, async (p) => void (await say(p.id, '!tasks'))],
    [3, async (p) => ack(p, '!claim', await say(p.id, `!claim ${pick(TASKS)}`))],
    [2, async (p) => ack(p, '!claimall', await say(p.id, '!claimall'))],
    [8, async (p) => void (await say(p.id, `!battle ${pick(DIFFICULTIES.slice(0, chance(0.7) ? 3 : 6))}`))],
    [2, async (p) => void (await say(p.id, `!battle <@${pick(ids)}>`))],
    [
      4,
      async (p) => {
        await refresh(p);
        // Mostly the strongest five (battles get won, tasks completed), sometimes a random mix.
        const team = chance(0.6)
          ? [...p.units]
              .sort((a, b) => b.power - a.power)
              .slice(0, 5)
              .map((u) => u.id)
          : someIds(p, 1, 5);
        if (team.length) await say(p.id, `!stb ${team.join(' ')}`);
      },
    ],
    [
      2,
      async (p) => {
        await refresh(p);
        await say(p.id, `!se ${someIds(p, 1, 5).join(' ')}`.trim());
      },
    ],
    [
      1,
      async (p) => {
        const name = `t${rng.int(1, 3)}`;
        const r = await say(p.id, `!save_team ${name}`);
        if (r && !r.some(isWarning) && !p.presets.includes(name)) p.presets.push(name);
      },
    ],
    [1, async (p) => void (await say(p.id, `!load_team ${p.presets.length && chance(0.8) ? pick(p.presets) : 'nope'}`))],
    [3, async (p) => void (await say(p.id, '!expedition start'))],
    [3, async (p) => void (await say(p.id, '!expedition claim'))],
    [1, async (p) => void (await say(p.id, '!ex status'))],
    [
      2,
      async (p) => {
        await refresh(p);
        const u = p.units.length ? pick(p.units) : null;
        if (u) await say(p.id, `!gift ${u.id} ${pick(GIFT_ITEMS)} ${rng.int(1, 3)}`);
      },
    ],
    [
      3,
      async (p) => {
        const m = withComponent(await say(p.id, '!hunt'), 'bounty:pick');
        const sel = m?.components.find((c) => c.customId === 'bounty:pick');
        if (!m || sel?.type !== 'select') return;
        const after = await click(p.id, m, 'bounty:pick', [pick(sel.options).value]);
        if (after?.some((x) => x.components.some((c) => c.customId === 'bounty:fight' && !c.disabled))) await press(p.id, m, 'bounty:fight');
      },
    ],
    [1, async (p) => void (await say(p.id, '!bounty'))],
    [4, async (p) => void (await say(p.id, chance(0.5) ? '!raid attack' : '!raid a'))],
    [1, async (p) => void (await say(p.id, '!raid'))],
    [0.5, async () => void (await say(opts.ownerId, `!raid start ${pick(BOSSES)} ${rng.int(1, 3)}`))],
    [
      4,
      async (p) => {
        const chapter = chance(0.8) ? 1 : rng.int(2, 4);
        await say(p.id, `!story ${chapter}-${rng.int(1, 5)}`);
      },
    ],
    [1, async (p) => void (await say(p.id, '!story'))],
    [3, async (p) => void (await say(p.id, '!fight'))],
    [1, async (p) => void (await say(p.id, pick(['!casino', '!rank', '!lb'])))],
    [0.3, async () => void (await say(opts.ownerId, '!end_event'))],
    [
      1.5,
      async (p) => {
        const cmd = `!give gems <@${p.id}> ${pick([5_000, 20_000, 50_000])}`;
        ack(p, cmd, await say(opts.ownerId, cmd));
      },
    ],
    [
      2,
      async (p) => {
        await refresh(p);
        const u = p.units.length ? pick(p.units) : null;
        if (!u) return;
        const cmd = pick(['view', 'lock', 'unlock', 'use_token', 'restore']);
        await say(p.id, `!${cmd} ${u.id}`);
      },
    ],
    [
      1,
      async (p) => {
        const r = await say(p.id, '!restore');
        const id = r ? /`#(\d+)`/.exec(r.map(textOf).join('\n'))?.[1] : undefined;
        if (id) await say(p.id, `!restore ${id}`);
      },
    ],
    [1, async (p) => void (await say(p.id, pick(['!buy_token', '!itemshop', '!items'])))],
    [
      2,
      // The same once-only command several times at the same moment (spam, double-clicks, two shards).
      async (p) => {
        const cmd = pick([
          '!checkin',
          '!claimall',
          '!expedition claim',
          '!story 1-1',
          '!raid attack',
          '!fight',
          '!pull 10',
          '!scrap_r',
          `!claim ${pick(TASKS)}`,
        ]);
        await Promise.all(Array.from({ length: rng.int(3, 6) }, async () => ack(p, cmd, await say(p.id, cmd))));
      },
    ],
    [
      3,
      async (p) =>
        void (await say(p.id, pick(['!gems', '!inventory', '!profile', '!history', '!team', '!presets', '!tasks', '!achievements', '!banner', '!spark']))),
    ],
  ];
  const totalWeight = actions.reduce((s, a) => s + a[0], 0);
  const pickAction = () => {
    let x = rng.next() * totalWeight;
    for (const a of actions) {
      x -= a[0];
      if (x < 0) return a[1];
    }
    return actions[actions.length - 1]![1];
  };

  // Everyone starts with their starter pack (and a few send it twice at once).
  const openers = ids.map((id) => async () => {
    const p = players.get(id)!;
    const n = chance(0.2) ? 3 : 1;
    await Promise.all(Array.from({ length: n }, async () => ack(p, '!starter', await say(id, '!starter'))));
    // A battle team from the pack, so battles, tasks, story and raids get going.
    await refresh(p, true);
    const best = [...p.units].sort((a, b) => b.power - a.power).slice(0, 5);
    if (best.length) await say(id, `!stb ${best.map((u) => u.id).join(' ')}`);
  });

  const queue = [...openers];
  const worker = async () => {
    while (budget > 0 && !opts.shouldStop?.()) {
      if (report.sent >= nextClock) {
        nextClock += opts.clockEvery!;
        // Mostly short steps; sometimes past midnight (check-ins, tasks, tickets reset).
        const seconds = chance(0.2) ? rng.int(6, 26) * 3600 : rng.int(60, 3 * 3600);
        try {
          await bot.post('/api/clock', { advanceSeconds: seconds });
          report.clockMoves++;
        } catch {
          // bot away (fault runs)
        }
      }
      const next = queue.shift();
      if (next) {
        await next();
        continue;
      }
      await pickAction()(players.get(pick(ids))!);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  report.ms = Date.now() - started;
  return report;
}

export interface InvariantReport {
  violations: string[];
  counts: Record<string, number>;
}

async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(sql, params)).rows;
}

/** Ledger reasons whose (player, reason, ref, currency) must appear at most once. */
const ONCE_REASONS = ['checkin', 'achievement', 'story first clear', 'raid_reward', 'event_reward', 'expedition', 'bounty'];

/**
 * Everything that must hold after any workload, whatever ran concurrently or
 * failed: returns one line per violation (empty when all hold).
 */
export async function checkInvariants(db: Queryable): Promise<InvariantReport> {
  const v: string[] = [];
  const add = (what: string, list: unknown[]) => {
    for (const x of list.slice(0, 20)) v.push(`${what}: ${JSON.stringify(x)}`);
    if (list.length > 20) v.push(`${what}: … and ${list.length - 20} more`);
  };

  add('balance below zero', await rows(db, 'SELECT id, gems, coins FROM players WHERE gems < 0 OR coins < 0'));
  add(
    'Σ ledger ≠ balance',
    await rows(
      db,
      `SELECT p.id, p.gems, p.coins, COALESCE(l.g, 0)::bigint AS ledger_gems, COALESCE(l.c, 0)::bigint AS ledger_coins
         FROM players p
         LEFT JOIN (SELECT player_id, SUM(delta) FILTER (WHERE currency = 'gems') AS g, SUM(delta) FILTER (WHERE currency = 'coins') AS c
                      FROM ledger GROUP BY player_id) l ON l.player_id = p.id
        WHERE p.gems <> COALESCE(l.g, 0) OR p.coins <> COALESCE(l.c, 0)`,
    ),
  );
  add(
    'last ledger balance_after ≠ balance',
    await rows(
      db,
      `SELECT DISTINCT ON (l.player_id, l.currency) l.player_id, l.currency, l.balance_after, p.gems, p.coins
         FROM ledger l JOIN players p ON p.id = l.player_id
        ORDER BY l.player_id, l.currency, l.id DESC`,
    ).then((xs) =>
      (xs as Array<{ currency: string; balance_after: number; gems: number; coins: number }>).filter(
        (x) => Number(x.balance_after) !== Number(x.currency === 'gems' ? x.gems : x.coins),
      ),
    ),
  );
  add(
    'unit out of range (dupe 0–10, bond 1–50)',
    await rows(db, 'SELECT id, player_id, dupe_level, bond_level FROM units WHERE dupe_level NOT BETWEEN 0 AND 10 OR bond_level NOT BETWEEN 1 AND 50'),
  );
  add(
    'two units of one character for one player',
    await rows(db, 'SELECT player_id, character_id, count(*)::int AS n FROM units GROUP BY 1, 2 HAVING count(*) > 1'),
  );
  add('negative item quantity', await rows(db, 'SELECT player_id, item_id, quantity FROM player_items WHERE quantity < 0'));

  add('starter pack more than once', await rows(db, `SELECT player_id, count(*)::int AS n FROM pulls WHERE kind = 'starter' GROUP BY 1 HAVING count(*) > 1`));
  add(
    'starter pulled without being marked claimed',
    await rows(
      db,
      `SELECT p.id FROM players p WHERE p.starter_claimed_at IS NULL AND EXISTS (SELECT 1 FROM pulls x WHERE x.player_id = p.id AND x.kind = 'starter')`,
    ),
  );
  add(
    'paid more than once',
    await rows(
      db,
      `SELECT player_id, reason, ref, currency, count(*)::int AS n FROM ledger
        WHERE reason = ANY($1::text[]) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
      [ONCE_REASONS],
    ),
  );
  add(
    'daily task paid more than once',
    await rows(
      db,
      `SELECT l.player_id, split_part(l.ref, ':', 1) AS day, t.task, count(*)::int AS n
         FROM ledger l, unnest(string_to_array(split_part(l.ref, ':', 2), ',')) AS t (task)
        WHERE l.reason = 'daily_task' AND l.currency = 'gems'
        GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    ),
  );
  add(
    'daily task paid but not recorded as claimed',
    await rows(
      db,
      `SELECT l.player_id, split_part(l.ref, ':', 1) AS day, t.task
         FROM ledger l, unnest(string_to_array(split_part(l.ref, ':', 2), ',')) AS t (task)
        WHERE l.reason = 'daily_task' AND l.currency = 'gems'
          AND NOT EXISTS (SELECT 1 FROM daily_tasks d WHERE d.player_id = l.player_id AND d.day = split_part(l.ref, ':', 1)::date AND d.task = t.task AND d.claimed_at IS NOT NULL)`,
    ),
  );
  add(
    'achievement paid without being recorded',
    await rows(
      db,
      `SELECT l.player_id, l.ref FROM ledger l WHERE l.reason = 'achievement'
          AND NOT EXISTS (SELECT 1 FROM player_achievements a WHERE a.player_id = l.player_id AND a.achievement_id = l.ref)`,
    ),
  );
  add(
    'story first clear paid without progress',
    await rows(
      db,
      `SELECT l.player_id, l.ref FROM ledger l WHERE l.reason = 'story first clear'
          AND NOT EXISTS (SELECT 1 FROM story_progress s WHERE s.player_id = l.player_id AND l.ref = 'story:' || s.chapter || '-' || s.stage)`,
    ),
  );
  add(
    'raid reward paid ≠ recorded',
    await rows(
      db,
      `SELECT r.raid_id, r.player_id, r.gems, COALESCE(SUM(l.delta), 0)::bigint AS ledger
         FROM raid_rewards r LEFT JOIN ledger l ON l.player_id = r.player_id AND l.reason = 'raid_reward' AND l.ref = 'raid:' || r.raid_id AND l.currency = 'gems'
        GROUP BY 1, 2, 3 HAVING COALESCE(SUM(l.delta), 0) <> r.gems`,
    ),
  );
  add('raid paid while still active', await rows(db, 'SELECT DISTINCT r.id FROM raids r JOIN raid_rewards w ON w.raid_id = r.id WHERE r.active'));
  add('raid with more than one last hit', await rows(db, 'SELECT raid_id, count(*)::int AS n FROM raid_attacks WHERE last_hit GROUP BY 1 HAVING count(*) > 1'));
  add('raid HP out of range', await rows(db, 'SELECT id, hp, max_hp FROM raids WHERE hp < 0 OR hp > max_hp'));
  add(
    'casino round paid while open',
    await rows(
      db,
      `SELECT DISTINCT l.ref FROM ledger l JOIN event_rounds e ON l.ref = 'event:' || e.id WHERE l.reason = 'event_reward' AND e.ended_at IS NULL`,
    ),
  );
  add(
    'casino score not paid as it stood when the round closed',
    await rows(
      db,
      `SELECT s.round_id, s.player_id, s.score FROM event_scores s JOIN event_rounds e ON e.id = s.round_id
        WHERE e.ended_at IS NOT NULL AND s.player_id IS DISTINCT FROM e.winner_id AND floor(s.score * 0.01) > 0
          AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.player_id = s.player_id AND l.reason = 'event_reward' AND l.ref = 'event:' || e.id
                             AND l.currency = 'gems' AND l.delta = floor(s.score * 0.01))`,
    ),
  );
  add(
    'scrapped unit still in a team or preset',
    await rows(
      db,
      `SELECT r.unit_id, r.player_id FROM recycle_bin r JOIN players p ON p.id = r.player_id
        WHERE r.unit_id = ANY (p.battle_team) OR r.unit_id = ANY (p.expedition_team)
           OR EXISTS (SELECT 1 FROM team_presets t WHERE t.player_id = r.player_id AND r.unit_id = ANY (t.unit_ids))`,
    ),
  );
  add('scrapped unit still owned', await rows(db, 'SELECT r.unit_id FROM recycle_bin r JOIN units u ON u.id = r.unit_id'));
  add(
    'team names a unit the player does not own',
    await rows(
      db,
      `SELECT p.id, t.unit_id, t.kind FROM players p,
              LATERAL (SELECT x AS unit_id, 'battle' AS kind FROM unnest(p.battle_team) x
                       UNION ALL SELECT x, 'expedition' FROM unnest(p.expedition_team) x) t
        WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.id = t.unit_id AND u.player_id = p.id)`,
    ),
  );

  const count = async (sql: string) => Number((await rows<{ n: number }>(db, sql))[0]?.n ?? 0);
  const counts = {
    players: await count('SELECT count(*)::int AS n FROM players'),
    units: await count('SELECT count(*)::int AS n FROM units'),
    ledgerRows: await count('SELECT count(*)::int AS n FROM ledger'),
    pulls: await count('SELECT count(*)::int AS n FROM pulls'),
    starters: await count(`SELECT count(*)::int AS n FROM pulls WHERE kind = 'starter'`),
    battles: await count('SELECT count(*)::int AS n FROM battles'),
    scrapped: await count('SELECT count(*)::int AS n FROM recycle_bin'),
    achievements: await count('SELECT count(*)::int AS n FROM player_achievements'),
    taskClaims: await count('SELECT count(*)::int AS n FROM daily_tasks WHERE claimed_at IS NOT NULL'),
    checkins: await count(`SELECT count(*)::int AS n FROM ledger WHERE reason = 'checkin'`),
    expeditionClaims: await count(`SELECT count(*)::int AS n FROM ledger WHERE reason = 'expedition'`),
    storyClears: await count('SELECT count(*)::int AS n FROM story_progress'),
    bountyAttempts: await count('SELECT count(*)::int AS n FROM bounty_attempts'),
    raids: await count('SELECT count(*)::int AS n FROM raids'),
    raidAttacks: await count('SELECT count(*)::int AS n FROM raid_attacks'),
    raidPayouts: await count('SELECT count(*)::int AS n FROM raid_rewards'),
    casinoRounds: await count('SELECT count(*)::int AS n FROM event_rounds WHERE ended_at IS NOT NULL'),
    casinoPayouts: await count(`SELECT count(*)::int AS n FROM ledger WHERE reason = 'event_reward'`),
    shopBuys: await count(`SELECT count(*)::int AS n FROM ledger WHERE reason = 'shop'`),
    gifts: await count('SELECT count(*)::int AS n FROM units WHERE bond_level > 1 OR bond_xp > 0'),
  };
  return { violations: v, counts };
}

/** Checks that everything the bot acknowledged is in the database (after a crash and restart). */
export async function checkAcked(db: Queryable, acked: Acked[]): Promise<string[]> {
  const missing: string[] = [];
  const pullIds = acked.filter((a): a is Extract<Acked, { kind: 'pull' }> => a.kind === 'pull');
  if (pullIds.length) {
    const have = new Set(
      (await rows<{ id: number; player_id: string }>(db, 'SELECT id, player_id FROM pulls WHERE id = ANY($1::bigint[])', [pullIds.map((p) => p.pullId)])).map(
        (r) => `${r.player_id}:${Number(r.id)}`,
      ),
    );
    for (const p of pullIds) if (!have.has(`${p.playerId}:${p.pullId}`)) missing.push(`pull #${p.pullId} of ${p.playerId}`);
  }
  const perPlayer = (kind: Acked['kind']) => {
    const m = new Map<string, number>();
    for (const a of acked) if (a.kind === kind) m.set(a.playerId, (m.get(a.playerId) ?? 0) + 1);
    return m;
  };
  for (const [playerId, n] of perPlayer('checkin')) {
    const have = Number(
      (await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM ledger WHERE player_id = $1 AND reason = 'checkin'`, [playerId]))[0]?.n ?? 0,
    );
    if (have < n) missing.push(`${n} check-ins of ${playerId} acknowledged, ${have} recorded`);
  }
  for (const [playerId, n] of perPlayer('give')) {
    const have = Number(
      (await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM ledger WHERE player_id = $1 AND reason = 'admin-give'`, [playerId]))[0]?.n ?? 0,
    );
    if (have < n) missing.push(`${n} gifts of gems to ${playerId} acknowledged, ${have} recorded`);
  }
  for (const a of acked) {
    if (a.kind !== 'claim') continue;
    const r = await rows(db, 'SELECT 1 FROM daily_tasks WHERE player_id = $1 AND task = $2 AND claimed_at IS NOT NULL', [a.playerId, a.task]);
    if (r.length === 0) missing.push(`claim ${a.task} of ${a.playerId}`);
  }
  return missing;
}

/** Prints the lines of a report worth reading when a run fails. */
export function describeReport(r: WorkloadReport): string {
  const top = Object.entries(r.byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
  return [
    `${r.sent} commands in ${(r.ms / 1000).toFixed(1)} s (${((r.sent / r.ms) * 1000).toFixed(0)}/s), ${r.warnings} warnings, ${r.apologies.length} apologies, ${r.httpErrors.length} HTTP errors, ${r.leaks.length} leaks, ${r.clockMoves} clock moves, ${r.pressesRefused} presses on removed controls`,
    top,
    ...r.apologies.slice(0, 10).map((a) => `APOLOGY ${a.userId} ${a.input}: ${a.text.replace(/\s+/g, ' ').slice(0, 200)}`),
    ...r.httpErrors.slice(0, 10).map((a) => `HTTP ${a.userId} ${a.input}: ${a.text.slice(0, 200)}`),
    ...r.leaks.slice(0, 10).map((a) => `LEAK ${a.userId} ${a.input}: ${a.text.slice(0, 300)}`),
  ].join('\n');
}

/** The real bot (`src/main.ts`) in a child process, for kill -9 and memory runs. */
export interface ChildBot {
  baseUrl: string;
  port: number;
  pid: number;
  /** Resolves with the exit code or signal. */
  exited: Promise<string>;
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let built: Promise<void> | undefined;

/** Keeps the last ~100-200 KB of a child's stdout and stderr together, for error messages. */
export function captureOutput(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }): () => string {
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

/** The environment package.json's start script sets before `node` (glibc malloc settings). */
export const START_SCRIPT_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * The V8 flags `npm start` and the Dockerfile give node: the baseline compiler
 * only (see src/core/db/pglite.ts), and a young generation of 4 MB semi-spaces
 * instead of 16 (V8 keeps it committed once grown: ~24 MB less at a peak).
 */
export const START_NODE_FLAGS = ['--liftoff-only', '--max-semi-space-size=4'];

/**
 * Starts the bot as `npm start` does: `node scripts/build.mjs` (once per
 * process), then `node <START_NODE_FLAGS> dist/main.js` with the start script's
 * malloc settings (no npm in between, so a signal reaches the bot itself);
 * waits until /health answers 200.
 */
export async function spawnBot(env: Record<string, string>, opts: { port?: number; readyTimeoutMs?: number } = {}): Promise<ChildBot> {
  const { spawn, execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const port = opts.port ?? (await freePort());
  built ??= promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: root }).then(() => undefined);
  await built;
  const child = spawn(process.execPath, [...START_NODE_FLAGS, 'dist/main.js'], {
    cwd: root,
    // Like testConfig: no spam guard and no bound on a player's command queue unless the caller sets them.
    env: {
      ...process.env,
      ...START_SCRIPT_ENV,
      PLAYGROUND: 'on',
      STARDUST_OFFLINE: '1',
      COMMAND_BURST: '0',
      COMMAND_QUEUE_PER_PLAYER: '0',
      COMMAND_QUEUE_MAX: '0',
      COMMAND_QUEUE_WAIT_MS: '0',
      COMMAND_QUEUE_SHED_MS: '0',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const baseUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  let gone: string | null = null;
  void exited.then((s) => (gone = s));
  for (;;) {
    if (gone !== null) throw new Error(`the bot exited (${gone}) before it was ready:\n${output().slice(-3000)}`);
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the bot was not ready in time:\n${output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, port, pid: child.pid!, exited, output, kill: (s) => void child.kill(s) };
}
