import { loadImage } from '@napi-rs/canvas';
import { beforeEach, describe, expect, it } from 'vitest';
import battleCog from '../../../src/cogs/battle.js';
import help from '../../../src/cogs/help.js';
import teambuilder from '../../../src/cogs/teambuilder.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { listPresets } from '../../../src/core/presets.js';
import type { PlaygroundComponent, PlaygroundMessage } from '../../../src/platform/playground/store.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { battleTeam, expeditionTeam, giveUnits, plainCharacters } from './helpers.js';

type Select = Extract<PlaygroundComponent, { type: 'select' }>;
function select(m: PlaygroundMessage, customId: string): Select {
  const c = m.components.find((x) => x.customId === customId);
  if (c?.type !== 'select') throw new Error(`no select ${customId}`);
  return c;
}
function button(m: PlaygroundMessage, customId: string) {
  const c = m.components.find((x) => x.customId === customId);
  if (c?.type !== 'button') throw new Error(`no button ${customId}`);
  return c;
}

describe.each(backends())('teams, presets and the team builder through the playground on %s', (backend) => {
  let ssr: number[];
  let sr: number[];
  let r: number[];

  const game = useTestBot(backend, {
    seed: async (db) => {
      await upsertCharacters(db, generateOfflineCatalog({ size: 2000 }));
      ssr = await plainCharacters(db, 'SSR', 6);
      sr = await plainCharacters(db, 'SR', 10);
      r = await plainCharacters(db, 'R', 30);
    },
    cogs: [help, battleCog, teambuilder],
    timeout: 60_000,
  });
  beforeEach(async () => game.tdb.reset());

  describe('!set_team_battle', () => {
    it('sets 1–5 of your units in order, with the aliases stb, sbt and st', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 5));
      const t = textOf(await game.bot.say('alice', `!set_team_battle ${ids[2]} #${ids[0]} ${ids[1]}`));
      expect(t).toContain('Battle team set');
      expect(t).toMatch(/Total power:/);
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[2], ids[0], ids[1]]);
      await game.bot.say('alice', `!stb ${ids.join(' ')}`);
      expect(await battleTeam(game.db, 'alice')).toEqual(ids);
      await game.bot.say('alice', `!sbt ${ids[4]}`);
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[4]]);
      await game.bot.say('alice', `!st ${ids[3]} ${ids[4]}`);
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[3], ids[4]]);
    });

    it('refuses duplicates, more than 5, ids not yours and non-numbers, and changes nothing', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 5));
      const more = await giveUnits(game.db, 'alice', [sr[0]!]);
      const bobs = await giveUnits(game.db, 'bob', [sr[1]!]);
      await game.bot.say('alice', `!stb ${ids[0]} ${ids[1]}`);
      const before = await battleTeam(game.db, 'alice');
      expect(textOf(await game.bot.say('alice', `!stb ${ids[0]} ${ids[0]}`))).toMatch(new RegExp(`Unit #${ids[0]} is listed twice`));
      expect(textOf(await game.bot.say('alice', `!stb ${[...ids, ...more].join(' ')}`))).toMatch(/At most 5 `id` \(got 6\)/);
      expect(textOf(await game.bot.say('alice', `!stb ${ids[0]} ${bobs[0]}`))).toMatch(new RegExp(`Unit #${bobs[0]} isn't yours`));
      expect(textOf(await game.bot.say('alice', '!stb 987654'))).toMatch(/Unit #987654 isn't yours/);
      expect(textOf(await game.bot.say('alice', `!stb ${ids[0]} abc`))).toMatch(/`id` must be a whole number \(got `abc`\)/);
      expect(textOf(await game.bot.say('alice', '!stb'))).toMatch(/Give at least one `id`/);
      expect(textOf(await game.bot.say('alice', '!stb 0'))).toMatch(/from 1 to/);
      expect(await battleTeam(game.db, 'alice')).toEqual(before);
    });
  });

  describe('!set_expedition', () => {
    it('sets 0–5 owned ids (alias se); none clears it', async () => {
      const ids = await giveUnits(game.db, 'alice', r.slice(0, 6));
      expect(textOf(await game.bot.say('alice', `!set_expedition ${ids[0]} ${ids[1]}`))).toContain('Expedition team set');
      expect(await expeditionTeam(game.db, 'alice')).toEqual([ids[0], ids[1]]);
      await game.bot.say('alice', `!se ${ids.slice(1, 6).join(' ')}`);
      expect(await expeditionTeam(game.db, 'alice')).toEqual(ids.slice(1, 6));
      expect(textOf(await game.bot.say('alice', `!se ${ids.join(' ')}`))).toMatch(/At most 5/);
      expect(textOf(await game.bot.say('alice', `!se ${ids[0]} ${ids[0]}`))).toMatch(/listed twice/);
      expect(await expeditionTeam(game.db, 'alice')).toEqual(ids.slice(1, 6));
      expect(textOf(await game.bot.say('alice', '!se'))).toContain('Expedition team cleared');
      expect(await expeditionTeam(game.db, 'alice')).toEqual([]);
      // The battle team is a separate list.
      expect(await battleTeam(game.db, 'alice')).toEqual([]);
    });
  });

  describe('!team', () => {
    it('shows the five slots as an image with powers, skills and the total; also for a member', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 3), { dupe: 2 });
      await game.bot.say('alice', `!stb ${ids.join(' ')}`);
      const [m] = await game.bot.say('alice', '!team');
      expect(m!.attachments.map((a) => a.name)).toEqual(['team.jpg']);
      const t = textOf(m!);
      expect(t).toContain("alice's battle team");
      for (const id of ids) expect(t).toContain(`#${id}`);
      expect(t).toMatch(/Total power:\*\* [\d,]+/);
      const sent = await fetch(game.bot.baseUrl + m!.attachments[0]!.url);
      const img = await loadImage(Buffer.from(await sent.arrayBuffer()));
      // 1200 wide; at most 550 high (SPEC §18), as tall as its rows of skills need.
      expect(img.width).toBe(1200);
      expect(img.height).toBeGreaterThanOrEqual(450);
      expect(img.height).toBeLessThanOrEqual(550);

      const other = textOf(await game.bot.say('bob', '!team @alice'));
      expect(other).toContain("alice's battle team");
      expect(textOf(await game.bot.say('bob', '!team'))).toMatch(/Your battle team is empty.*!stb/);
      expect(textOf(await game.bot.say('bob', '!team <@nobody>'))).toMatch(/hasn't started playing/);
    });
  });

  describe('presets', () => {
    it('saves the battle team (≤ 15 chars, case-insensitive) and loads it back (alias equip_team)', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 5));
      await game.bot.say('alice', `!stb ${ids[0]} ${ids[1]} ${ids[2]}`);
      expect(textOf(await game.bot.say('alice', '!save_team Main Squad'))).toContain('Preset `main squad` saved');
      await game.bot.say('alice', `!stb ${ids[3]}`);
      const t = textOf(await game.bot.say('alice', '!load_team MAIN squad'));
      expect(t).toContain('Preset `main squad` equipped');
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[0], ids[1], ids[2]]);
      // Saving under the same name (any case) replaces it.
      await game.bot.say('alice', `!stb ${ids[4]} ${ids[3]}`);
      expect(textOf(await game.bot.say('alice', '!save_team MAIN SQUAD'))).toContain('updated');
      await game.bot.say('alice', `!stb ${ids[0]}`);
      await game.bot.say('alice', '!equip_team main squad');
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[4], ids[3]]);
      expect((await listPresets(game.db, 'alice')).map((p) => p.name)).toEqual(['main squad']);
      // A 15-character name is fine.
      expect(textOf(await game.bot.say('alice', '!save_team abcdefghijklmno'))).toContain('saved');
    });

    it('refuses a 16-character or empty name, an empty team and unknown presets, changing nothing', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 2));
      expect(textOf(await game.bot.say('alice', '!save_team x'))).toMatch(/battle team is empty/);
      await game.bot.say('alice', `!stb ${ids.join(' ')}`);
      expect(textOf(await game.bot.say('alice', '!save_team abcdefghijklmnop'))).toMatch(/at most 15 characters/);
      expect(textOf(await game.bot.say('alice', '!save_team'))).toMatch(/Missing `name`/);
      expect(textOf(await game.bot.say('alice', '!save_team "   "'))).toMatch(/Missing `name`|Give the preset a name/);
      expect(textOf(await game.bot.say('alice', '!save_team a`b'))).toMatch(/can't contain/);
      expect(await listPresets(game.db, 'alice')).toEqual([]);
      expect(textOf(await game.bot.say('alice', '!load_team nope'))).toMatch(/no preset called `nope`/);
      expect(await battleTeam(game.db, 'alice')).toEqual(ids);
    });

    it('loading a preset whose units were scrapped loads the rest and names the gone ones; all gone changes nothing', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 4));
      await game.bot.say('alice', `!stb ${ids[0]} ${ids[1]} ${ids[2]}`);
      await game.bot.say('alice', '!save_team trio');
      await game.bot.say('alice', `!stb ${ids[3]}`);
      await game.db.query('DELETE FROM units WHERE id = $1', [ids[1]]);
      const t = textOf(await game.bot.say('alice', '!load_team trio'));
      expect(t).toContain('Preset `trio` equipped');
      expect(t).toContain(`Unit #${ids[1]} from this preset is gone`);
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[0], ids[2]]);

      await game.bot.say('alice', `!stb ${ids[3]}`);
      await game.db.query('DELETE FROM units WHERE id = ANY($1::bigint[])', [[ids[0], ids[2]]]);
      const gone = textOf(await game.bot.say('alice', '!load_team trio'));
      expect(gone).toMatch(/Every unit in preset `trio` is gone/);
      expect(await battleTeam(game.db, 'alice')).toEqual([ids[3]]);
      // The preset is left for the player to delete.
      expect(textOf(await game.bot.say('alice', '!delete_preset TRIO'))).toContain('Preset `trio` deleted');
      expect(await listPresets(game.db, 'alice')).toEqual([]);
      expect(textOf(await game.bot.say('alice', '!delete_preset trio'))).toMatch(/no preset called/);
    });

    it('!presets lists 5 a page with names and units, Prev/Next turns pages', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 2));
      await game.bot.say('alice', `!stb ${ids.join(' ')}`);
      const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
      for (const name of names) await game.bot.say('alice', `!save_team ${name}`);
      const [m] = await game.bot.say('alice', '!presets');
      const t = textOf(m!);
      for (const name of names.slice(0, 5)) expect(t).toContain(`📋 ${name}`);
      expect(t).not.toContain('foxtrot');
      expect(t).toContain(`#${ids[0]}`);
      expect(t).toMatch(/7 presets · Page 1 of 2/);
      expect(button(m!, 'presets:prev').disabled).toBe(true);
      // Only the owner may turn the pages.
      const stranger = await game.bot.click('bob', m!.id, 'presets:next');
      expect(textOf(stranger.replies)).toMatch(/belong to someone else/);
      const next = await game.bot.click('alice', m!.id, 'presets:next');
      const t2 = textOf(next.edits);
      expect(t2).toContain('foxtrot');
      expect(t2).toContain('golf');
      expect(t2).not.toContain('alpha');
      expect(t2).toMatch(/Page 2 of 2/);
      const back = await game.bot.click('alice', m!.id, 'presets:prev');
      expect(textOf(back.edits)).toContain('alpha');
      expect(textOf(await game.bot.say('bob', '!presets'))).toMatch(/no presets yet/);
    });
  });

  describe('!teambuilder', () => {
    it('filters by rarity, picks up to 5 (25 a page, Prev/Next), removes, clears, and sets either team', async () => {
      const ssrIds = await giveUnits(game.db, 'alice', ssr.slice(0, 3));
      const srIds = await giveUnits(game.db, 'alice', sr.slice(0, 4));
      const rIds = await giveUnits(game.db, 'alice', r.slice(0, 25));
      const all = [...ssrIds, ...srIds, ...rIds];
      const [m] = await game.bot.say('alice', '!tb');
      const id = m!.id;
      expect(textOf(m!)).toContain('Team builder');
      expect(textOf(m!)).toContain('Picked (0/5)');
      // 32 units: 25 on the first page, 7 on the second.
      expect(select(m!, 'tb:pick').options).toHaveLength(25);
      expect(button(m!, 'tb:prev').disabled).toBe(true);
      expect(button(m!, 'tb:stb').disabled).toBe(true);
      const page2 = (await game.bot.click('alice', id, 'tb:next')).edits[0]!;
      expect(select(page2, 'tb:pick').options).toHaveLength(7);
      expect(button(page2, 'tb:next').disabled).toBe(true);

      // Filter SSR: only the three SSRs remain, page reset.
      const f = (await game.bot.click('alice', id, 'tb:filter', ['SSR'])).edits[0]!;
      expect(
        select(f, 'tb:pick')
          .options.map((o) => Number(o.value))
          .sort((a, b) => a - b),
      ).toEqual([...ssrIds].sort((a, b) => a - b));
      expect(textOf(f)).toMatch(/Filter: SSR · page 1\/1/);

      // Pick two SSRs, then switch to SR and pick three more.
      let cur = (await game.bot.click('alice', id, 'tb:pick', [String(ssrIds[0]), String(ssrIds[1])])).edits[0]!;
      expect(textOf(cur)).toContain('Picked (2/5)');
      expect(select(cur, 'tb:pick').options.map((o) => Number(o.value))).toEqual([ssrIds[2]]);
      await game.bot.click('alice', id, 'tb:filter', ['SR']);
      cur = (await game.bot.click('alice', id, 'tb:pick', srIds.slice(0, 3).map(String))).edits[0]!;
      const five = [ssrIds[0], ssrIds[1], ...srIds.slice(0, 3)];
      expect(textOf(cur)).toContain('Picked (5/5)');
      expect(textOf(cur)).toContain(`!stb ${five.join(' ')}`);
      expect(textOf(cur)).toContain(`!se ${five.join(' ')}`);
      expect(select(cur, 'tb:pick').disabled).toBe(true);

      // A sixth is refused (the picker is disabled in the page; a crafted press gets a message).
      const sixth = await game.bot.click('alice', id, 'tb:remove', [String(srIds[2])]);
      cur = sixth.edits[0]!;
      expect(textOf(cur)).toContain('Picked (4/5)');
      const tooMany = await game.bot.click('alice', id, 'tb:pick', [String(srIds[3]), String(rIds[0])]);
      expect(textOf(tooMany.replies)).toMatch(/at most 5 units/);

      // Someone else can't use it.
      expect(textOf((await game.bot.click('bob', id, 'tb:clear')).replies)).toMatch(/belong to someone else/);

      // Set the battle team from the builder.
      cur = (await game.bot.click('alice', id, 'tb:stb')).edits[0]!;
      const four = [ssrIds[0], ssrIds[1], srIds[0], srIds[1]];
      expect(textOf(cur)).toContain(`Battle team set to ${four.map((x) => `#${x}`).join(' ')}`);
      expect(await battleTeam(game.db, 'alice')).toEqual(four);

      // Clear, pick one R, set the expedition team.
      cur = (await game.bot.click('alice', id, 'tb:clear')).edits[0]!;
      expect(textOf(cur)).toContain('Picked (0/5)');
      await game.bot.click('alice', id, 'tb:filter', ['R']);
      await game.bot.click('alice', id, 'tb:pick', [String(rIds[5])]);
      cur = (await game.bot.click('alice', id, 'tb:se')).edits[0]!;
      expect(textOf(cur)).toContain(`Expedition team set to #${rIds[5]}`);
      expect(await expeditionTeam(game.db, 'alice')).toEqual([rIds[5]]);
      expect(await battleTeam(game.db, 'alice')).toEqual(four);
      // Ids that aren't the player's are ignored by the picker.
      cur = (await game.bot.click('alice', id, 'tb:pick', ['999999', 'abc'])).edits[0]!;
      expect(textOf(cur)).toContain('Picked (1/5)');
      expect(all).toHaveLength(32);
    });

    it('starts from the current battle team; no units gets a clear message', async () => {
      const ids = await giveUnits(game.db, 'alice', ssr.slice(0, 2));
      await game.bot.say('alice', `!stb ${ids[1]} ${ids[0]}`);
      const [m] = await game.bot.say('alice', '!teambuilder');
      expect(textOf(m!)).toContain('Picked (2/5)');
      expect(textOf(m!)).toContain(`!stb ${ids[1]} ${ids[0]}`);
      expect(textOf(await game.bot.say('bob', '!tb'))).toMatch(/no units yet/);
    });
  });

  it('every command has help text', async () => {
    for (const cmd of ['set_team_battle', 'set_expedition', 'team', 'save_team', 'load_team', 'delete_preset', 'presets', 'teambuilder', 'battle', 'replay']) {
      const t = textOf(await game.bot.say('alice', `!help ${cmd}`));
      expect(t).toContain(`!${cmd}`);
      expect(t).toContain('Usage');
    }
    expect(textOf(await game.bot.say('alice', '!help stb'))).toContain('Aliases');
  });
});
