/**
 * Buying pulls with UnbelievaBoat credits (SPEC §16, issue #8).
 *
 * Order of events, each step undone if a later one fails before money moves:
 * 1. reserve the day's allowance in SQL (conditional: reserved + bought + n ≤ 10),
 *    and write a `pending` purchase row;
 * 2. check the UnbelievaBoat bank, then take the credits (PATCH bank −cost);
 *    any failure here releases the reservation and marks the purchase `failed`;
 * 3. one transaction: move the reservation to `bought`, pay the gems through the
 *    ledger, mark the purchase `granted`.
 * If step 3 fails after the credits were taken, the purchase is marked
 * `grant_failed` and everything needed for a refund is logged with an error id
 * the player is shown.
 */
import type { Logger } from '../log.js';
import { formatDuration, nextUtcMidnight, utcDay } from './clock.js';
import type { Db, Queryable } from './db/index.js';
import { changeBalance } from './economy.js';
import { errorId, UserError } from './errors.js';
import { type UnbelievaBoatClient, UnbelievaBoatError } from './unbelievaboat.js';

export const UB_CREDITS_PER_PULL = 100_000_000;
export const UB_GEMS_PER_PULL = 1_000;
export const UB_MAX_PULLS_PER_DAY = 10;

export interface BuyDeps {
  db: Db;
  log: Logger;
  now: Date;
  /** Null when UnbelievaBoat isn't configured. */
  client: UnbelievaBoatClient | null;
  /** The guild whose UnbelievaBoat economy pays (config), else the guild the command came from. */
  economyGuildId?: string | null;
}

export interface BuyResult {
  purchaseId: number;
  pulls: number;
  credits: number;
  gems: number;
  gemsBalance: number;
  boughtToday: number;
  leftToday: number;
  bankAfter: number;
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

export async function buyPulls(deps: BuyDeps, input: { playerId: string; guildId: string | null; pulls: number }): Promise<BuyResult> {
  const { db, log, now, client } = deps;
  const { playerId, pulls } = input;
  if (!input.guildId) throw new UserError('Buying pulls works in a server channel, not in DMs.');
  if (!Number.isInteger(pulls) || pulls < 1 || pulls > UB_MAX_PULLS_PER_DAY) throw new UserError(`You can buy 1 to ${UB_MAX_PULLS_PER_DAY} pulls at a time.`);
  if (!client) throw new UserError("Buying pulls with UnbelievaBoat credits isn't set up on this bot.");
  const guildId = deps.economyGuildId || input.guildId;
  const day = utcDay(now);
  const credits = pulls * UB_CREDITS_PER_PULL;
  const gems = pulls * UB_GEMS_PER_PULL;

  // 1. Reserve the allowance (the limit is in the statement: concurrent buys can't exceed it).
  const reserved = await db.query<{ reserved: number; bought: number }>(
    `INSERT INTO ub_daily AS d (player_id, day, reserved) VALUES ($1, $2::date, $3)
     ON CONFLICT (player_id, day) DO UPDATE SET reserved = d.reserved + EXCLUDED.reserved
      WHERE d.reserved + d.bought + EXCLUDED.reserved <= $4
     RETURNING reserved, bought`,
    [playerId, day, pulls, UB_MAX_PULLS_PER_DAY],
  );
  if (!reserved.rows[0]) {
    const used = await allowanceUsed(db, playerId, day);
    const left = Math.max(0, UB_MAX_PULLS_PER_DAY - used);
    throw new UserError(
      `You can buy at most ${UB_MAX_PULLS_PER_DAY} pulls a day with UnbelievaBoat credits; ${left === 0 ? 'you have none left today' : `you have ${left} left today`}. It resets in ${formatDuration(nextUtcMidnight(now).getTime() - now.getTime())} (00:00 UTC).`,
    );
  }
  const purchase = await db.query<{ id: number }>(
    `INSERT INTO ub_purchases (player_id, guild_id, day, pulls, credits, gems, status, created_at)
     VALUES ($1, $2, $3::date, $4, $5, $6, 'pending', $7) RETURNING id`,
    [playerId, guildId, day, pulls, credits, gems, now],
  );
  const purchaseId = Number(purchase.rows[0]!.id);

  const release = async (reason: string): Promise<void> => {
    await db.query('UPDATE ub_daily SET reserved = reserved - $3 WHERE player_id = $1 AND day = $2::date AND reserved >= $3', [playerId, day, pulls]);
    await db.query("UPDATE ub_purchases SET status = 'failed', error = $2, settled_at = $3 WHERE id = $1 AND status = 'pending'", [
      purchaseId,
      reason.slice(0, 500),
      now,
    ]);
  };

  // 2. Take the credits.
  let bankAfter: number;
  try {
    const balance = await client.getBalance(guildId, playerId);
    if (balance.bank < credits) {
      await release('insufficient funds');
      throw new UserError(
        `You need ${n(credits)} credits in your UnbelievaBoat bank for ${pulls === 1 ? '1 pull' : `${pulls} pulls`}; you have ${n(balance.bank)}. Nothing was charged.`,
      );
    }
    const after = await client.changeBank(guildId, playerId, -credits).catch((e: unknown) => {
      // A 2xx answer means the charge went through even if its body can't be read: grant the gems.
      if (e instanceof UnbelievaBoatError && e.status !== undefined && e.status >= 200 && e.status < 300) {
        log.warn({ err: e, userId: playerId, guildId, credits, purchaseId }, 'UnbelievaBoat took the credits but its answer was unreadable; granting the gems');
        return { ...balance, bank: balance.bank - credits, total: balance.total - credits };
      }
      throw e;
    });
    if (after.bank < 0) {
      // Spent elsewhere between the check and the charge: give it back.
      await release('insufficient funds after charge');
      try {
        await client.changeBank(guildId, playerId, credits);
      } catch (e) {
        const id = errorId();
        log.error(
          { err: e, errorId: id, userId: playerId, guildId, credits, purchaseId, refund: { body: { bank: credits } } },
          'could not give back UnbelievaBoat credits after an overdraft: refund needed',
        );
        throw new UserError(
          `Your UnbelievaBoat bank went below zero and giving the credits back failed. An admin can fix it — give them the error id \`${id}\`.`,
        );
      }
      throw new UserError(`Your UnbelievaBoat bank no longer holds ${n(credits)} credits. Nothing was charged.`);
    }
    bankAfter = after.bank;
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (!(err instanceof UnbelievaBoatError)) {
      await release(String(err));
      throw err;
    }
    await release(`${err.kind}: ${err.message}`);
    throw new UserError(ubFailureMessage(err, client.timeoutMs, log, { playerId, guildId, credits, purchaseId }));
  }

  // 3. Grant the gems with the daily counter, in one transaction.
  try {
    return await db.transaction(async (tx) => {
      const moved = await tx.query<{ bought: number }>(
        'UPDATE ub_daily SET reserved = reserved - $3, bought = bought + $3 WHERE player_id = $1 AND day = $2::date AND reserved >= $3 RETURNING bought',
        [playerId, day, pulls],
      );
      if (!moved.rows[0]) throw new Error(`ub_daily reservation of ${pulls} missing for ${playerId} on ${day}`);
      const bal = await changeBalance(tx, playerId, { gems }, 'ub_purchase', `ub:${purchaseId}`);
      const settled = await tx.query("UPDATE ub_purchases SET status = 'granted', settled_at = $2 WHERE id = $1 AND status = 'pending'", [purchaseId, now]);
      if (settled.rowCount !== 1) throw new Error(`purchase ${purchaseId} was not pending`);
      const bought = moved.rows[0].bought;
      return {
        purchaseId,
        pulls,
        credits,
        gems,
        gemsBalance: bal.gems,
        boughtToday: bought,
        leftToday: UB_MAX_PULLS_PER_DAY - bought - (await reservedNow(tx, playerId, day)),
        bankAfter,
      };
    });
  } catch (err) {
    const id = errorId();
    log.error(
      {
        err,
        errorId: id,
        userId: playerId,
        guildId,
        credits,
        pulls,
        gems,
        purchaseId,
        refund: { method: 'PATCH', path: `/guilds/${guildId}/users/${playerId}`, body: { bank: credits } },
      },
      'UnbelievaBoat credits were taken but granting gems failed: refund needed',
    );
    await db
      .query("UPDATE ub_purchases SET status = 'grant_failed', error = $2, settled_at = $3 WHERE id = $1", [
        purchaseId,
        `error id ${id}: ${String(err).slice(0, 400)}`,
        now,
      ])
      .catch((e: unknown) => log.error({ err: e, errorId: id, purchaseId }, 'could not mark the purchase grant_failed'));
    throw new UserError(
      `Your ${n(credits)} UnbelievaBoat credits were taken, but adding the gems failed on our side. An admin can refund you — give them the error id \`${id}\`.`,
    );
  }
}

function ubFailureMessage(
  err: UnbelievaBoatError,
  timeoutMs: number,
  log: Logger,
  ctx: { playerId: string; guildId: string; credits: number; purchaseId: number },
): string {
  if (err.kind === 'unauthorized') return `UnbelievaBoat refused this bot's token (HTTP ${err.status ?? 401}) — tell an admin. Nothing was charged.`;
  // Any other failure may have happened after UnbelievaBoat took the credits: keep what an admin needs to check.
  const id = errorId();
  log.warn(
    { err, errorId: id, userId: ctx.playerId, guildId: ctx.guildId, credits: ctx.credits, purchaseId: ctx.purchaseId },
    `UnbelievaBoat request failed (${err.kind})`,
  );
  const what =
    err.kind === 'timeout'
      ? `UnbelievaBoat didn't answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : formatDuration(timeoutMs)}`
      : err.kind === 'http'
        ? `UnbelievaBoat had a problem (HTTP ${err.status})`
        : err.kind === 'network'
          ? "Couldn't reach UnbelievaBoat"
          : 'UnbelievaBoat answered something unexpected';
  return `${what}. No gems were added and your allowance is untouched; try again later. If your credits were taken anyway, tell an admin the error id \`${id}\`.`;
}

async function allowanceUsed(db: Queryable, playerId: string, day: string): Promise<number> {
  const r = await db.query<{ used: number }>('SELECT reserved + bought AS used FROM ub_daily WHERE player_id = $1 AND day = $2::date', [playerId, day]);
  return r.rows[0]?.used ?? 0;
}

async function reservedNow(db: Queryable, playerId: string, day: string): Promise<number> {
  const r = await db.query<{ reserved: number }>('SELECT reserved FROM ub_daily WHERE player_id = $1 AND day = $2::date', [playerId, day]);
  return r.rows[0]?.reserved ?? 0;
}

/** Pulls bought (or being bought) today, for `!buy` without an amount. */
export async function pullsBoughtToday(db: Queryable, playerId: string, now: Date): Promise<number> {
  return allowanceUsed(db, playerId, utcDay(now));
}
