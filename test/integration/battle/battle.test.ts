import { beforeEach, describe, expect, it } from 'vitest';
import battleCog from '../../../src/cogs/battle.js';
import help from '../../../src/cogs/help.js';
import teambuilder from '../../../src/cogs/teambuilder.js';
import type { Reply } from '../../../src/commands/reply.js';
import { DIFFICULTIES, getBattle, NPC_LINEUPS, npcPowerRange } from '../../../src/core/battle/index.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { RULES_VERSION } from '../../../src/core/skills/engine.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { count, giveUnits, plainCharacters } from './helpers.js';

function replyText(replies: Reply[]): string {
  return replies
    .flatMap((r) => [r.content, ...(r.embeds ?? []).flatMap((e) => [e.title, e.description])])
    .filter(Boolean)
    .join('\n');
}

describe.each(backends())('battles through the playground on %s', (backend) => {
  let strongSsr: number[];
  let weakR: number[];

  const game = useTestBot(backend, {
    seed: async (db) => {
      await upsertCharacters(db, generateOfflineCatalog({ size: 2000 }));
      strongSsr = await plainCharacters(db, 'SSR', 5);
      weakR = await plainCharacters(db, 'R', 5, 400);
    },
    cogs: [help, battleCog, teambuilder],
    env: { BOSS_USER_ID: 'boss' },
    timeout: 60_000,
  });
  beforeEach(async () => game.tdb.reset());

  /** A team of five plain SSRs at dupe 10 (~18k each, 90k): beats every NPC team (hell averages 72k; its luckiest draw, 90k, is a 5-sigma freak). */
  async function strongTeam(player: string): Promise<number[]> {
    const ids = await giveUnits(game.db, player, strongSsr, { dupe: 10 });
    await game.bot.say(player, `!stb ${ids.join(' ')}`);
    return ids;
  }
  async function weakTeam(player: string): Promise<number[]> {
    const ids = await giveUnits(game.db, player, weakR.slice(0, 1));
    await game.bot.say(player, `!stb ${ids.join(' ')}`);
    return ids;
  }
  const battles = () => count(game.db, 'SELECT 1 FROM battles');
  const tasks = (player: string) =>
    game.db.query<{ task: string }>('SELECT task FROM daily_tasks WHERE player_id = $1 ORDER BY task', [player]).then((r) => r.rows.map((x) => x.task));

  it('an empty battle team gets a clear error pointing at !stb, and nothing is recorded', async () => {
    const t = textOf(await game.bot.say('alice', '!battle easy'));
    expect(t).toMatch(/no battle team yet/);
    expect(t).toContain('!stb');
    expect(await battles()).toBe(0);
  });

  it('a strong team wins easy with an image, totals and a battle id; the task row is recorded once for two wins', async () => {
    await strongTeam('alice');
    const replies = await game.bot.say('alice', '!battle easy');
    const m = replies[0]!;
    const t = textOf(m);
    expect(t).toContain('alice** wins!');
    expect(t).toContain('Meadow Slimes');
    expect(t).toMatch(/Battle #1 · seed \d+ · replay with !replay 1/);
    expect(t).toContain('Daily task **easy** is complete');
    expect(m.attachments.map((a) => a.name)).toEqual(['battle.jpg']);
    expect(m.embeds[0]!.image).toBe(m.attachments[0]!.url);
    const png = await fetch(game.bot.baseUrl + m.attachments[0]!.url);
    expect(png.headers.get('content-type')).toBe('image/jpeg');

    await game.bot.say('alice', '!battle easy');
    expect(await battles()).toBe(2);
    expect(await tasks('alice')).toEqual(['easy']);

    const rec = (await getBattle(game.db, 1))!;
    expect(rec).toMatchObject({ kind: 'npc', attackerId: 'alice', difficulty: 'easy', defenderId: null, outcome: 'WIN' });
    expect(rec.attacker.map((u) => u.characterId)).toEqual(strongSsr);
    expect(rec.totals.attacker).toBe(rec.finalPowers.attacker.reduce((a, b) => a + b, 0));
    expect(rec.totals.attacker).toBeGreaterThan(rec.totals.defender);
  });

  it("every difficulty fights its SPEC line-up; a win records that difficulty's task", async () => {
    await strongTeam('alice');
    for (const d of DIFFICULTIES) {
      const t = textOf(await game.bot.say('alice', `!battle ${d.toUpperCase()}`));
      expect(t).toContain('alice** wins!');
    }
    const r = await game.db.query<{ id: string }>('SELECT id FROM battles ORDER BY id');
    expect(r.rows).toHaveLength(DIFFICULTIES.length);
    for (const [i, row] of r.rows.entries()) {
      const rec = (await getBattle(game.db, Number(row.id)))!;
      const d = DIFFICULTIES[i]!;
      expect(rec.difficulty).toBe(d);
      expect(rec.defender).toHaveLength(5);
      rec.defender.forEach((u, slot) => {
        const rule = NPC_LINEUPS[d][slot]!;
        const [lo, hi] = npcPowerRange(rule);
        expect(u.rarity).toBe(rule.rarity);
        expect(u.power).toBeGreaterThanOrEqual(lo);
        expect(u.power).toBeLessThanOrEqual(hi);
        expect(u.skills).toEqual([]);
      });
    }
    expect(await tasks('alice')).toEqual([...DIFFICULTIES].sort());
  });

  it('a loss is recorded but completes no task', async () => {
    await weakTeam('bob');
    const t = textOf(await game.bot.say('bob', '!battle hell'));
    expect(t).toContain('Lords of the Abyss** wins.');
    expect(t).not.toContain('Daily task');
    expect(await battles()).toBe(1);
    expect(await tasks('bob')).toEqual([]);
  });

  it('no argument fights the Training Dummy at normal', async () => {
    await strongTeam('alice');
    const t = textOf(await game.bot.say('alice', '!battle'));
    expect(t).toContain('alice vs Training Dummy');
    expect(t).toContain('Training Dummy 1');
    const rec = (await getBattle(game.db, 1))!;
    expect(rec).toMatchObject({ difficulty: 'normal', defenderName: 'Training Dummy' });
    expect(await tasks('alice')).toEqual(['normal']);
  });

  it('PvP: your team vs theirs at effective powers; a win completes the pvp task', async () => {
    await strongTeam('alice');
    const bobUnits = await weakTeam('bob');
    const t = textOf(await game.bot.say('alice', '!battle @bob'));
    expect(t).toContain('alice vs bob');
    expect(t).toContain('alice** wins!');
    expect(t).toContain(`#${bobUnits[0]}`);
    const rec = (await getBattle(game.db, 1))!;
    expect(rec).toMatchObject({ kind: 'pvp', attackerId: 'alice', defenderId: 'bob', difficulty: null, outcome: 'WIN' });
    // Effective power: base × (1 + 0.05 × dupe) × (1 + 0.01 × team level) × (1 + 0.005 × bond).
    const base = await game.db.query<{ base_power: number }>('SELECT base_power FROM characters WHERE id = $1', [strongSsr[0]]);
    expect(rec.attacker[0]!.power).toBe(Math.floor(base.rows[0]!.base_power * 1.5 * 1.01 * 1.005));
    expect(await tasks('alice')).toEqual(['pvp']);
    expect(await tasks('bob')).toEqual([]);
    // A raw mention works too.
    expect(textOf(await game.bot.say('alice', '!battle <@bob>'))).toContain('alice vs bob');
  });

  it('beating the configured boss user counts a boss kill; losing to it does not', async () => {
    await strongTeam('alice');
    await weakTeam('boss');
    await weakTeam('bob');
    await strongTeam('carol');
    await game.bot.say('alice', '!battle @boss');
    await game.bot.say('alice', '!battle @boss');
    await game.bot.say('boss', '!battle @carol');
    const kills = async (id: string) => (await game.db.query<{ k: number }>('SELECT boss_kills AS k FROM players WHERE id = $1', [id])).rows[0]!.k;
    expect(await kills('alice')).toBe(2);
    expect(await kills('boss')).toBe(0);
    expect(await kills('carol')).toBe(0);
    // Beating someone else is not a boss kill.
    await game.bot.say('alice', '!battle @bob');
    expect(await kills('alice')).toBe(2);
    const t = textOf(await game.bot.say('carol', '!battle @boss'));
    expect(t).toContain('You beat the boss');
    expect(await kills('carol')).toBe(1);
  });

  it('bad opponents get clear messages and nothing is recorded', async () => {
    await strongTeam('alice');
    await giveUnits(game.db, 'noteam', weakR.slice(0, 1));
    expect(textOf(await game.bot.say('alice', '!battle <@alice>'))).toMatch(/can't battle yourself/);
    expect(textOf(await game.bot.say('alice', '!battle <@noteam>'))).toMatch(/noteam has no battle team yet/);
    expect(textOf(await game.bot.say('alice', '!battle <@stranger>'))).toMatch(/hasn't started playing yet/);
    const unknown = textOf(await game.bot.say('alice', '!battle legendary'));
    expect(unknown).toMatch(/Battle a member \(@someone\) or a difficulty: `easy`, `normal`, `hard`, `expert`, `nightmare`, `hell` \(got `legendary`\)/);
    expect(unknown).toContain('Usage: `!battle [@member|easy|normal|hard|expert|nightmare|hell]`');
    // A member the platform says is a bot (Discord); the playground has none, so ask the dispatcher directly.
    const replies = await game.bot.app.dispatcher.handleMessage({
      author: { id: 'alice', username: 'alice' },
      channelId: 'test',
      guildId: 'guild-1',
      content: '!battle <@robo>',
      platform: 'discord',
      resolveMember: async (id) => ({ id, displayName: 'RoboHelper', bot: true }),
    });
    expect(replyText(replies)).toMatch(/RoboHelper is a bot/);
    expect(await battles()).toBe(0);
    expect(await tasks('alice')).toEqual([]);
  });

  it('!replay re-runs a battle from its seed and snapshots and shows it comes out the same', async () => {
    const ids = await strongTeam('alice');
    await weakTeam('bob');
    const first = textOf(await game.bot.say('alice', '!battle nightmare'));
    await game.bot.say('alice', '!battle @bob');
    // Change everything a fresh fight would read: the teams, dupes, even delete a unit.
    await game.db.query('UPDATE units SET dupe_level = 0 WHERE player_id = $1', ['alice']);
    await game.db.query('DELETE FROM units WHERE id = $1', [ids[4]]);
    await game.bot.say('alice', `!stb ${ids[0]}`);
    for (const id of [1, 2]) {
      const replies = await game.bot.say('bob', `!replay ${id}`);
      const t = textOf(replies);
      expect(t).toContain('Replay matches the record');
      expect(replies[0]!.attachments.map((a) => a.name)).toEqual(['battle.jpg']);
      const rec = (await getBattle(game.db, id))!;
      expect(t).toContain(`${rec.totals.attacker.toLocaleString('en-US')} vs ${rec.totals.defender.toLocaleString('en-US')}`);
    }
    // The replay's totals are the ones the original reply showed.
    const rec1 = (await getBattle(game.db, 1))!;
    expect(first).toContain(`**${rec1.totals.attacker.toLocaleString('en-US')}** vs **${rec1.totals.defender.toLocaleString('en-US')}**`);
    expect(textOf(await game.bot.say('bob', '!replay 999'))).toContain('There is no battle #999.');
    expect(textOf(await game.bot.say('bob', '!replay abc'))).toMatch(/must be a whole number/);
  });

  it('a battle records its rule set; one from an older rule set replays with a note, not a claimed mismatch', async () => {
    await strongTeam('alice');
    await game.bot.say('alice', '!battle hard');
    const stored = await game.db.query<{ v: number }>('SELECT rules_version AS v FROM battles WHERE id = 1');
    expect(stored.rows[0]!.v).toBe(RULES_VERSION);
    expect(RULES_VERSION).toBeGreaterThan(1);
    // As a battle stored before this rule set looks after migration 011.
    await game.db.query("UPDATE battles SET rules_version = 1, outcome = 'DRAW' WHERE id = 1");
    const t = textOf(await game.bot.say('alice', '!replay 1'));
    expect(t).toContain('Battle #1 was fought under rule set 1');
    expect(t).toContain(`now rule set ${RULES_VERSION}`);
    expect(t).toContain("can't be re-run exactly");
    expect(t).not.toMatch(/Replay (differs|matches)/);
  });

  it('many wins at once record one task row and a battle each', async () => {
    await strongTeam('alice');
    const N = 12;
    const all = await Promise.all(Array.from({ length: N }, () => game.bot.say('alice', '!battle hard')));
    for (const r of all) expect(textOf(r)).toContain('alice** wins!');
    expect(await battles()).toBe(N);
    expect(await tasks('alice')).toEqual(['hard']);
    const ids = await game.db.query<{ id: string }>('SELECT id FROM battles ORDER BY id');
    expect(new Set(ids.rows.map((x) => x.id)).size).toBe(N);
  });
});
