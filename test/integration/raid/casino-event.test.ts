import { describe, expect, it } from 'vitest';
import event from '../../../src/cogs/event.js';
import { listUnits } from '../../../src/core/units.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { ledgerMismatches, playerWithTeam, seedCatalog } from './helpers.js';

describe.each(backends())('casino event (!casino, !fight, !rank, !end_event) on %s', (backend) => {
  const game = useTestBot(backend, { db: { poolSize: 10 }, seed: seedCatalog, cogs: [event], env: { OWNER_IDS: 'owner' } });

  it('fights spend tickets (3 a day, back at 00:00 UTC), add team power to the score and rank players', async () => {
    expect(textOf(await game.bot.say('ann', '!fight'))).toMatch(/no battle team yet/);
    await playerWithTeam(game.db, 'ann', [5000, 5001, 5002]);
    await playerWithTeam(game.db, 'ben', [6000]);
    await playerWithTeam(game.db, 'cat', [6001, 6002]);
    const power = (await listUnits(game.db, 'ann')).reduce((s, u) => s + u.power, 0);
    const info = textOf(await game.bot.say('ann', '!casino'));
    expect(info).toMatch(/Jackpot Slime[\s\S]*Your tickets\n3\/3 🎟️\n/);
    // A full hand has nothing coming back: no "back in".
    expect(info).not.toMatch(/back in/);
    // Six at once: exactly three go through.
    const tries = await Promise.all(Array.from({ length: 6 }, () => game.bot.say('ann', '!fight')));
    const texts = tries.map((t) => textOf(t));
    expect(texts.filter((t) => /You hit the Jackpot Slime/.test(t))).toHaveLength(3);
    expect(texts.filter((t) => /no casino tickets left today \(3 a day\)/.test(t))).toHaveLength(3);
    expect(textOf(await game.bot.say('ann', '!casino'))).toMatch(new RegExp(`0/3 🎟️ \\(back in [\\dhms ]+\\)[\\s\\S]*${(3 * power).toLocaleString('en-US')}`));
    await game.bot.say('ben', '!fight');
    await game.bot.say('cat', '!fight');
    const board = textOf(await game.bot.say('ben', '!lb'));
    expect(board).toMatch(/🥇 ann[\s\S]*🥈 cat[\s\S]*🥉 ben/);
    expect(textOf(await game.bot.say('ben', '!leaderboard'))).toBe(textOf(await game.bot.say('ben', '!rank')));
    // Tickets come back the next UTC day.
    const now = new Date((await game.bot.get('/api/clock')).json.now);
    const toMidnight = Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000) + 1;
    await game.bot.post('/api/clock', { advanceSeconds: toMidnight });
    expect(textOf(await game.bot.say('ann', '!casino'))).toMatch(/Your tickets\n3\/3 🎟️\n/);
  });

  it('!end_event is owner-only, pays once when sent twice at once: The Dealer to rank 1, 1% of the score to the rest', async () => {
    expect(textOf(await game.bot.say('ann', '!end_event'))).toMatch(/`!end_event` is for the bot's owners only/);
    const scores = await game.db.query<{ player_id: string; score: number }>('SELECT player_id, score FROM event_scores');
    const score = Object.fromEntries(scores.rows.map((r) => [r.player_id, Number(r.score)]));
    const [a, b] = await Promise.all([game.bot.say('owner', '!end_event'), game.bot.say('owner', '!end_event')]);
    const texts = [textOf(a!), textOf(b!)];
    expect(texts.filter((t) => /Jackpot Slime is over/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /No event is running/.test(t))).toHaveLength(1);
    expect(texts.join('\n')).toMatch(/ann\*\* \([\d,]+\) wins \*\*The Dealer\*\*/);
    const dealer = (await listUnits(game.db, 'ann')).filter((u) => u.characterId === 77777);
    expect(dealer).toHaveLength(1);
    const ben = (await game.bot.get('/api/players/ben')).json;
    const cat = (await game.bot.get('/api/players/cat')).json;
    expect(ben.gems).toBe(Math.floor(score.ben! * 0.01));
    expect(cat.gems).toBe(Math.floor(score.cat! * 0.01));
    expect((await game.bot.get('/api/players/ann')).json.gems).toBe(0);
    const ledger = await game.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger WHERE reason = 'event_reward'");
    expect(ledger.rows[0]!.n).toBe(2);
    expect(await ledgerMismatches(game.db)).toEqual([]);
    // Scores reset: a new round.
    expect(textOf(await game.bot.say('ben', '!rank'))).toMatch(/No scores yet/);
    const audit = await game.db.query<{ action: string }>("SELECT action FROM admin_audit WHERE action = 'end_event'");
    expect(audit.rows).toHaveLength(1);
  });

  it('winning again gives The Dealer +1 dupe', async () => {
    await game.bot.say('ann', '!fight');
    expect(textOf(await game.bot.say('owner', '!end_event'))).toMatch(/another copy of \*\*The Dealer\*\* \(now \+1\)/);
  });
});
