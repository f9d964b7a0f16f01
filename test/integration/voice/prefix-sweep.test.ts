import { describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import type { PlaygroundMessage } from '../../../src/platform/playground/store.js';
import { useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';

const OWNER = '70000000';
const ALICE = '70000001';
const BOB = '70000002';
const GUILD = 'sweep-guild';

/** Every text a player can read in a message: content, embeds, footers, button labels, menu options. */
function readable(m: PlaygroundMessage): string[] {
  const out = [m.content];
  for (const e of m.embeds) out.push(e.title ?? '', e.description ?? '', e.footer ?? '', ...e.fields.flatMap((f) => [f.name, f.value]));
  for (const c of m.components) {
    if (c.type === 'button') out.push(c.label);
    else out.push(c.placeholder ?? '', ...c.options.flatMap((o) => [o.label, o.description ?? '']));
  }
  return out.filter(Boolean);
}

/**
 * Every command (and every button and menu on its replies) run on a server
 * whose prefix is `?`: no reply may name a command with any other prefix.
 */
describe.each(backends())('replies name commands with the server prefix (%s)', (backend) => {
  const game = useTestBot(backend, { env: { OWNER_IDS: OWNER }, seed: (db) => upsertCharacters(db, generateOfflineCatalog()) });

  it('every command, button and menu on a `?` server names commands as `?command`', async () => {
    const bot = game.bot;
    const seen: Array<{ from: string; text: string }> = [];
    const say = async (user: string, content: string) => {
      const replies = await bot.say(user, content, { guildId: GUILD, channelId: 'sweep' });
      for (const r of replies) for (const t of readable(r)) seen.push({ from: content, text: t });
      return replies;
    };
    const pressAll = async (user: string, content: string, replies: PlaygroundMessage[]) => {
      for (const r of replies) {
        let current = r;
        for (const c of r.components) {
          // A press may replace the message's controls: press only what is still there.
          const live = current.components.find((x) => x.customId === c.customId);
          if (!live || live.disabled) continue;
          const values = live.type === 'select' ? [live.options[0]!.value] : undefined;
          const res = await bot.click(user, r.id, live.customId, values);
          for (const m of [...res.replies, ...res.edits]) for (const t of readable(m)) seen.push({ from: `${content} → ${c.customId}`, text: t });
          current = res.edits.find((m) => m.id === r.id) ?? current;
        }
      }
    };

    expect((await say(OWNER, '!prefix ?'))[0]!.embeds[0]!.description).toContain('`?`');
    // First, the answers a newcomer gets before having anything.
    for (const c of [
      '?stb 1',
      '?team',
      '?battle',
      '?story 1-1',
      '?ex start',
      '?ex claim',
      '?hunt',
      '?fight',
      '?raid',
      '?raid attack',
      '?claim easy',
      '?inventory',
      '?load_team x',
      '?save_team x',
      '?use_token 1',
      '?restore 1',
      '?view 999999',
    ])
      await say(BOB, c);
    // The starter's ready line and its "Set as battle team" button.
    await pressAll(ALICE, '?starter', await say(ALICE, '?starter'));
    await bot.app.services.db.query('UPDATE players SET gems = 200000, coins = 10000 WHERE id = $1', [ALICE]);
    // Enough R units that the recycle bin has a second page after ?scrap_r.
    await bot.app.services.db.query(
      `INSERT INTO units (player_id, character_id) SELECT $1, id FROM characters WHERE rarity = 'R' ORDER BY rank DESC LIMIT 15 ON CONFLICT DO NOTHING`,
      [ALICE],
    );
    const ids = (await bot.get(`/api/players/${ALICE}`)).json.units.map((u: { id: number }) => u.id) as number[];
    const five = ids.slice(0, 5).join(' ');
    const script = [
      '?help',
      '?help stb',
      '?help ?pull',
      '?gmes',
      '?h',
      '?prefix',
      `?stb ${five}`,
      `?se ${ids.slice(5, 8).join(' ')}`,
      '?team',
      '?teambuilder',
      '?save_team main',
      '?presets',
      '?load_team main',
      '?delete_preset main',
      '?delete_preset nope',
      '?pull',
      '?pull 10',
      '?banner',
      '?spark',
      '?verify 1',
      '?verify 99999',
      '?inventory',
      `?view ${ids[0]}`,
      `?lock ${ids[0]}`,
      `?unlock ${ids[0]}`,
      '?items',
      '?gems',
      '?profile',
      '?ranks',
      '?history',
      '?scrap_r',
      '?scrap_sr',
      '?restore',
      `?restore ${ids[9]}`,
      '?use_token 1',
      '?battle easy',
      '?battle',
      `?battle <@${BOB}>`,
      `?battle <@${ALICE}>`,
      '?replay 1',
      '?story',
      '?story 1-1',
      '?story 1-5',
      '?story 9-9',
      '?checkin',
      '?daily',
      `?profile <@${BOB}>`,
      '?profile <@99999999>',
      '?prefix ?\u200B',
      '?tasks',
      '?claim easy',
      '?claimall',
      '?ex',
      '?ex start',
      '?ex status',
      '?ex claim',
      '?bounty',
      '?hunt',
      `?gift ${ids[0]} small 1`,
      '?gift 1',
      '?casino',
      '?fight',
      '?rank',
      '?shop',
      '?itemshop',
      '?buy_token',
      '?buy 1',
      '?raid',
      '?raid attack',
      '?raid lb',
      '?achievements',
      '?lookup a',
      '?whohas Surge',
      '?skills',
      '?skill_details',
      '?skill_details surge',
      '?skill_details nothing',
    ];
    for (const c of script) await pressAll(ALICE, c, await say(ALICE, c));
    // A shop purchase above 10,000 gems asks first: the question, Cancel, and Confirm.
    await bot.app.services.db.query('UPDATE players SET gems = 500000 WHERE id = $1', [ALICE]);
    for (const answer of ['shop:cancel', 'shop:confirm']) {
      const [shop] = await say(ALICE, '?shop');
      const menu = shop!.components.find((c) => c.customId === 'shop:buy');
      const sr = menu?.type === 'select' ? menu.options.find((o) => o.description?.startsWith('SR')) : undefined;
      expect(sr, 'an SR on the shop menu').toBeDefined();
      for (const [id, values] of [
        ['shop:buy', [sr!.value]],
        [answer, undefined],
      ] as const) {
        const res = await bot.click(ALICE, shop!.id, id, values ? [...values] : undefined);
        for (const m of [...res.replies, ...res.edits]) for (const t of readable(m)) seen.push({ from: `?shop → ${id}`, text: t });
      }
    }
    const ownerScript = [
      '?raid start gloomfang 1',
      '?raid attack',
      '?raid stop',
      '?raid',
      '?audit',
      '?catalog_sync',
      '?give gems <@70000001> 5',
      '?set_banner',
      '?override_unit 1 R 4000',
      '?add_skill 1 nope',
      '?end_event',
      '?apologems 1 test',
    ];
    for (const c of ownerScript) await pressAll(OWNER, c, await say(OWNER, c));
    await say(BOB, '?give gems <@70000001> 5');

    // The paths this sweep is meant to reach were reached.
    const reached = (from: string, text: RegExp) => seen.some((x) => x.from === from && text.test(x.text));
    expect(reached('?starter', /`\?stb [\d ]+`/)).toBe(true);
    expect(reached('?starter → starter:stb', /Battle team set/)).toBe(true);
    expect(reached('?restore → bin:next', /Restoring all of them would take back/)).toBe(true);
    expect(reached('?shop → shop:buy', /Confirm your purchase/)).toBe(true);
    expect(reached('?shop → shop:confirm', /`\?shop` again/)).toBe(true);
    expect(reached('?raid', /No raid is running in this server\. An owner can start one with `\?raid start <boss>`/)).toBe(true);
    expect(reached('?raid', /Last raid/)).toBe(true);
    expect(reached('?daily', /Checked in|already checked in/)).toBe(true);
    // Every command of the registry was run at least once.
    const ran = new Set([...script, ...ownerScript, '?starter', '?prefix'].map((c) => c.slice(1).split(' ')[0]!.toLowerCase()));
    const missing = bot.app.registry.cogs.flatMap((cog) => cog.commands).filter((c) => ![c.name, ...(c.aliases ?? [])].some((n) => ran.has(n)));
    expect(missing.map((c) => c.name)).toEqual([]);

    const names = bot.app.registry.cogs.flatMap((cog) => cog.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]));
    const other = new RegExp(`(?:^|[\\s\`(])[!/](?:${names.join('|')})(?![\\w])`, 'i');
    const wrong = seen.filter((s) => other.test(s.text));
    expect(wrong.map((w) => `${w.from}: ${w.text.slice(0, 160)}`)).toEqual([]);
    // And the replies do name commands, with `?`.
    expect(seen.filter((s) => /`\?[a-z_]+/.test(s.text)).length).toBeGreaterThan(40);
  }, 240_000);
});
