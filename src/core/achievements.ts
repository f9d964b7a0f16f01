/**
 * Achievements (SPEC §14). After every command one query reads every counter
 * the 32 conditions need plus what the player already earned; the conditions
 * are then plain data checked in memory. Only when something new is met does
 * a transaction insert it (primary key: once per player) and pay its reward
 * through the ledger, so twenty commands at once award it once.
 */
import type { Db, Queryable } from './db/index.js';
import { changeBalance } from './economy.js';

export interface AchievementStats {
  units: number;
  ssrUnits: number;
  /** Σ (dupe + 1) over units: copies pulled, duplicates included. */
  copies: number;
  maxDupe: number;
  maxSsrDupe: number;
  maxBond: number;
  lockedUnits: number;
  totalPulls: number;
  totalScrapped: number;
  totalBounties: number;
  expeditionGemsTotal: number;
  expeditionsClaimed: number;
  teamLevel: number;
  coins: number;
  checkinStreak: number;
  bossKills: number;
  /** Most spark points held on one banner. */
  sparkMax: number;
  bountyR: number;
  bountySR: number;
  bountySSR: number;
  bountyUR: number;
  /** Total effective power of the battle team (SPEC §2 formula). */
  battlePower: number;
  battleSsr: number;
}

export type AchievementStat = keyof AchievementStats;

export interface AchievementDef {
  id: string;
  name: string;
  description: string;
  gems: number;
  coins: number;
  /** Met when `stats[stat] >= threshold`. */
  stat: AchievementStat;
  threshold: number;
  emoji: string;
}

const a = (
  id: string,
  name: string,
  description: string,
  stat: AchievementStat,
  threshold: number,
  gems: number,
  coins: number,
  emoji: string,
): AchievementDef => ({
  id,
  name,
  description,
  stat,
  threshold,
  gems,
  coins,
  emoji,
});

/** The table of SPEC §14, in its order. */
export const ACHIEVEMENTS: readonly AchievementDef[] = [
  a('FIRST_PULL', 'First Contact', 'Own your first unit.', 'units', 1, 500, 0, '✨'),
  a('COLLECTOR_100', 'Centurion', 'Own 100 units.', 'units', 100, 10_000, 100, '💯'),
  a('UPSTART', 'Upstart', 'Own 5 SSR units.', 'ssrUnits', 5, 1_000, 0, '🌠'),
  a('THE_ELITE', 'The Elite', 'Own 10 SSR units.', 'ssrUnits', 10, 5_000, 0, '🌟'),
  a('SUPERNOVAE', 'Supernovae', 'Own 50 SSR units.', 'ssrUnits', 50, 20_000, 0, '💥'),
  a('ARMY_OF_MANY', 'Army of Many', 'Collect 500 copies, duplicates included (Σ dupe + 1).', 'copies', 500, 5_000, 0, '🪖'),
  a('PERFECT_COPY', 'Perfect Copy', 'Raise a unit to dupe 10.', 'maxDupe', 10, 5_000, 0, '🪞'),
  a('PRISMATIC_TRANSCENDENCE', 'Prismatic Transcendence', 'Raise an SSR unit to dupe 10.', 'maxSsrDupe', 10, 50_000, 1_000, '🌈'),
  a('DEEP_POCKETS', 'Deep Pockets', 'Hold 300 spark points on one banner.', 'sparkMax', 300, 10_000, 0, '👛'),
  a('NOVICE_GAMBLER', 'Novice Gambler', 'Make 100 pulls.', 'totalPulls', 100, 1_000, 0, '🎲'),
  a('BIG_PLAYER', 'Big Player', 'Make 500 pulls.', 'totalPulls', 500, 5_000, 0, '🎰'),
  a('THOUSAND_PULL_CLUB', 'Thousand-Pull Club', 'Make 1,000 pulls.', 'totalPulls', 1_000, 10_000, 0, '🏛️'),
  a('R_TAKEDOWN', 'R-Tier Takedown', 'Beat an R bounty.', 'bountyR', 1, 500, 0, '🥉'),
  a('SR_TAKEDOWN', 'SR-Tier Takedown', 'Beat an SR bounty.', 'bountySR', 1, 2_000, 0, '🥈'),
  a('SSR_TAKEDOWN', 'SSR-Tier Takedown', 'Beat an SSR bounty.', 'bountySSR', 1, 10_000, 0, '🥇'),
  a('UR_TAKEDOWN', 'UR-Tier Takedown', 'Beat a UR bounty.', 'bountyUR', 1, 25_000, 0, '🔱'),
  a('VETERAN_HUNTER', 'Veteran Hunter', 'Win 100 bounties.', 'totalBounties', 100, 10_000, 0, '🏹'),
  a('FORMIDABLE_TEAM', 'Formidable Team', 'Field a battle team of 50,000 power.', 'battlePower', 50_000, 5_000, 0, '🛡️'),
  a('TITAN_SQUAD', 'Titan Squad', 'Field a battle team of 100,000 power.', 'battlePower', 100_000, 20_000, 0, '🗿'),
  a('GOLDEN_VANGUARD', 'Golden Vanguard', 'Field a battle team of 5 SSR units.', 'battleSsr', 5, 5_000, 0, '👑'),
  a('BOND_INITIATE', 'Bond Initiate', 'Raise a unit to bond 10.', 'maxBond', 10, 1_000, 0, '💞'),
  a('SOUL_BOUND', 'Soul Bound', 'Raise a unit to bond 50 (a soulmate).', 'maxBond', 50, 10_000, 0, '💍'),
  a('COMMANDING_OFFICER', 'Commanding Officer', 'Reach team level 10.', 'teamLevel', 10, 5_000, 0, '🎖️'),
  a('SUPREME_COMMANDER', 'Supreme Commander', 'Reach team level 50.', 'teamLevel', 50, 50_000, 0, '⭐'),
  a('FIRST_VOYAGE', 'First Voyage', 'Claim an expedition.', 'expeditionsClaimed', 1, 500, 0, '⛵'),
  a('TREASURE_HUNTER', 'Treasure Hunter', 'Earn 500,000 gems from expeditions.', 'expeditionGemsTotal', 500_000, 15_000, 0, '🗺️'),
  a('EFFICIENT_SCRAPPER', 'Efficient Scrapper', 'Scrap 100 units.', 'totalScrapped', 100, 5_000, 0, '♻️'),
  a('SAFE_KEEPING', 'Safe Keeping', 'Lock 10 units.', 'lockedUnits', 10, 1_000, 0, '🔐'),
  a('COIN_COLLECTOR', 'Coin Collector', 'Hold 5,000 coins.', 'coins', 5_000, 2_000, 0, '🪙'),
  a('WEEKLY_HABIT', 'Weekly Habit', 'Reach a 7-day check-in streak.', 'checkinStreak', 7, 5_000, 0, '📅'),
  a('MONTHLY_DEVOTION', 'Monthly Devotion', 'Reach a 30-day check-in streak.', 'checkinStreak', 30, 50_000, 0, '🗓️'),
  a('ULTIMATE_BATTLER', 'Ultimate Battler', 'Beat the boss user in battle.', 'bossKills', 1, 50_000, 1_000, '⚔️'),
];

export const ACHIEVEMENT_BY_ID: ReadonlyMap<string, AchievementDef> = new Map(ACHIEVEMENTS.map((d) => [d.id, d]));

/** The conditions met by `stats` that aren't in `earned`, in table order. */
export function newlyMet(stats: AchievementStats, earned: ReadonlySet<string>): AchievementDef[] {
  return ACHIEVEMENTS.filter((d) => !earned.has(d.id) && stats[d.stat] >= d.threshold);
}

interface StatsRow {
  total_pulls: number;
  total_scrapped: number;
  total_bounties: number;
  expedition_gems_total: number;
  expeditions_claimed: number;
  team_level: number;
  coins: number;
  checkin_streak: number;
  boss_kills: number;
  units: number;
  ssr_units: number;
  copies: number;
  max_dupe: number;
  max_ssr_dupe: number;
  max_bond: number;
  locked_units: number;
  battle_power: number;
  battle_ssr: number;
  bounty_r: number;
  bounty_sr: number;
  bounty_ssr: number;
  bounty_ur: number;
  spark_max: number;
  earned: string[];
}

/**
 * Every counter the conditions read, and the ids already earned — one query:
 * `achievement_stats` (migration 007) holds the SQL so its plan is cached.
 */
export async function achievementStats(db: Queryable, playerId: string): Promise<{ stats: AchievementStats; earned: Set<string> } | null> {
  const r = await db.query<StatsRow>('SELECT * FROM achievement_stats($1)', [playerId]);
  const x = r.rows[0];
  if (!x) return null;
  const num = Number;
  return {
    stats: {
      units: x.units,
      ssrUnits: x.ssr_units,
      copies: x.copies,
      maxDupe: x.max_dupe,
      maxSsrDupe: x.max_ssr_dupe,
      maxBond: x.max_bond,
      lockedUnits: x.locked_units,
      totalPulls: x.total_pulls,
      totalScrapped: x.total_scrapped,
      totalBounties: x.total_bounties,
      expeditionGemsTotal: num(x.expedition_gems_total),
      expeditionsClaimed: x.expeditions_claimed,
      teamLevel: x.team_level,
      coins: num(x.coins),
      checkinStreak: x.checkin_streak,
      bossKills: x.boss_kills,
      sparkMax: x.spark_max,
      bountyR: x.bounty_r,
      bountySR: x.bounty_sr,
      bountySSR: x.bounty_ssr,
      bountyUR: x.bounty_ur,
      battlePower: num(x.battle_power),
      battleSsr: x.battle_ssr,
    },
    earned: new Set(x.earned ?? []),
  };
}

/**
 * Awards the given achievements: only the ones this call inserts are paid,
 * in the same transaction. Returns those.
 */
export async function awardAchievements(db: Db, playerId: string, defs: readonly AchievementDef[], now: Date): Promise<AchievementDef[]> {
  if (defs.length === 0) return [];
  return db.transaction(async (tx) => {
    const r = await tx.query<{ achievement_id: string }>(
      `INSERT INTO player_achievements (player_id, achievement_id, earned_at)
       SELECT $1, id, $3 FROM unnest($2::text[]) AS id
       ON CONFLICT (player_id, achievement_id) DO NOTHING RETURNING achievement_id`,
      [playerId, defs.map((d) => d.id), now],
    );
    const won = new Set(r.rows.map((x) => x.achievement_id));
    const awarded = defs.filter((d) => won.has(d.id));
    for (const d of awarded) {
      if (d.gems || d.coins) await changeBalance(tx, playerId, { gems: d.gems, coins: d.coins }, 'achievement', d.id);
    }
    return awarded;
  });
}

/**
 * The after-command check: one query when nothing is new (the usual case).
 * Rewards can meet another condition (coins for Coin Collector), so after an
 * award it looks once more.
 */
export async function checkAchievements(db: Db, playerId: string, now: Date): Promise<AchievementDef[]> {
  const out: AchievementDef[] = [];
  for (let round = 0; round < 3; round++) {
    const s = await achievementStats(db, playerId);
    if (!s) break;
    const fresh = newlyMet(s.stats, s.earned);
    if (fresh.length === 0) break;
    const awarded = await awardAchievements(db, playerId, fresh, now);
    out.push(...awarded);
    if (awarded.length === 0) break;
  }
  return out;
}

export interface EarnedAchievement {
  def: AchievementDef;
  earnedAt: Date | null;
}

/** Every achievement with when the player earned it (null = locked). */
export async function playerAchievements(db: Queryable, playerId: string): Promise<EarnedAchievement[]> {
  const r = await db.query<{ achievement_id: string; earned_at: Date }>('SELECT achievement_id, earned_at FROM player_achievements WHERE player_id = $1', [
    playerId,
  ]);
  const at = new Map(r.rows.map((x) => [x.achievement_id, new Date(x.earned_at)]));
  return ACHIEVEMENTS.map((def) => ({ def, earnedAt: at.get(def.id) ?? null }));
}
