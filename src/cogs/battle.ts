import { type ArgSpec, arg, truncate } from '../commands/args.js';
import { battleEmbed, battleImageJob, type Shown } from '../commands/battle-view.js';
import { ArgumentError } from '../commands/errors.js';
import { n } from '../commands/format.js';
import type { Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import {
  DIFFICULTIES,
  type Difficulty,
  type Fight,
  isDifficulty,
  NPC_DUPES,
  prepareNpcBattle,
  preparePvpBattle,
  replayBattle,
  saveBattle,
} from '../core/battle/index.js';
import { UserError } from '../core/errors.js';
import { RULES_VERSION } from '../core/skills/engine.js';
import { cmd, joinText, text } from '../core/text.js';

type Opponent = { kind: 'member'; id: string } | { kind: 'npc'; difficulty: Difficulty };

const MENTION = /^<@!?([\w.:-]{1,64})>$/;
const SNOWFLAKE = /^\d{5,25}$/;

/** `@member`, a raw user id, or a difficulty word. */
const opponentArg: ArgSpec<Opponent | undefined> = {
  label: `[@member|${DIFFICULTIES.join('|')}]`,
  take: 'one',
  isOptional: true,
  // Two options on the slash surface: `/battle difficulty:hard` or `/battle member:@someone`.
  slash: {
    options: [
      {
        type: 'string',
        name: 'difficulty',
        description: 'An NPC team of this difficulty (default: the Training Dummy)',
        required: false,
        choices: DIFFICULTIES,
      },
      { type: 'user', name: 'member', description: "Fight this member's battle team instead", required: false },
    ],
    toTokens: (v) => (v.member ? [`<@${v.member}>`] : v.difficulty ? [String(v.difficulty)] : []),
  },
  parse(tokens) {
    const t = tokens[0];
    if (t === undefined) return undefined;
    const word = t.toLowerCase();
    if (isDifficulty(word)) return { kind: 'npc', difficulty: word };
    const m = MENTION.exec(t);
    if (m) return { kind: 'member', id: m[1]! };
    if (SNOWFLAKE.test(t)) return { kind: 'member', id: t };
    throw new ArgumentError(`Battle a member (@someone) or a difficulty: ${DIFFICULTIES.map((d) => `\`${d}\``).join(', ')} (got \`${truncate(t)}\`).`);
  },
};

async function fightReply(ctx: CommandContext, fight: Fight): Promise<Reply> {
  const saved = await saveBattle(ctx.services.db, fight, { now: ctx.services.clock.now(), bossUserId: ctx.services.config.bossUserId });
  const extra: string[] = [];
  if (saved.task) extra.push(`✅ Daily task **${saved.task}** is complete for today — see ${ctx.voice.cmd('tasks')}.`);
  if (saved.bossKill) extra.push(`🐉 You beat the boss! Boss kills are counted toward **Ultimate Battler**.`);
  return {
    embeds: [battleEmbed(fight, extra, `Battle #${saved.id} · seed ${fight.result.seed} · replay with ${ctx.voice.plain('replay', saved.id)}`)],
    images: [battleImageJob(fight, ctx.services.pictures)],
  };
}

export default defineCog({
  name: 'battle',
  description: 'Battles against NPC teams and other players, and replays.',
  commands: [
    defineCommand({
      name: 'battle',
      description: 'Your battle team vs an NPC team of a difficulty, or vs another player’s team.',
      details: joinText(
        [
          text`${cmd('battle')} fights the Training Dummy (normal). ${cmd('battle', '<difficulty>')} fights an NPC team:`,
          '• easy — 5 R · normal — 3 R + 2 SR · hard — 5 SR',
          `• expert — 2 SSR + 2 SR + 1 R at dupe ${NPC_DUPES.expert} · nightmare — 3 SSR + 2 SR at dupe ${NPC_DUPES.nightmare} · hell — 5 top SSR at dupe ${NPC_DUPES.hell}`,
          text`${cmd('battle', '@member')} fights their battle team. A win completes that day’s task (\`pvp\` or the difficulty). Every battle gets an id you can ${cmd('replay')}.`,
        ],
        '\n',
      ),
      args: { opponent: opponentArg },
      async run(ctx, { opponent }) {
        const db = ctx.services.db;
        const player = { id: ctx.author.id, name: ctx.author.username };
        if (!opponent || opponent.kind === 'npc') {
          const fight = await prepareNpcBattle(db, {
            player,
            difficulty: opponent?.difficulty ?? 'normal',
            trainingDummy: !opponent,
            rng: ctx.services.rng(),
          });
          return fightReply(ctx, fight);
        }
        const member = await ctx.resolveMember(opponent.id);
        if (member?.bot)
          throw new UserError(
            `${member.displayName} is a bot and has no team to fight. Battle a player, or an NPC team with ${ctx.voice.cmd('battle', 'hard')}.`,
          );
        const fight = await preparePvpBattle(db, {
          player,
          opponent: { id: opponent.id, name: member?.displayName },
          rng: ctx.services.rng(),
        });
        return fightReply(ctx, fight);
      },
    }),
    defineCommand({
      name: 'replay',
      description: 'Re-runs a recorded battle from its seed and teams and checks it comes out the same.',
      details:
        'Every battle is stored with its random seed, both teams as they fought (powers and skills at the time) and the battle rules it was fought under, so a replay gives the same outcome, totals and final powers. ' +
        'A battle from before a rules change can’t be re-run exactly: the replay says so and shows how it goes under today’s rules.',
      args: { id: arg.int('battle id', { min: 1, max: Number.MAX_SAFE_INTEGER }) },
      async run(ctx, { id }) {
        const replay = await replayBattle(ctx.services.db, id);
        const r = replay.record;
        const shown: Shown = { attackerName: r.attackerName, defenderName: r.defenderName, attacker: r.attacker, defender: r.defender, result: replay.result };
        const verdict = !replay.sameRules
          ? `ℹ️ **Battle #${r.id} was fought under rule set ${r.rulesVersion}**: ${r.outcome}, ${n(r.totals.attacker)} vs ${n(r.totals.defender)}. ` +
            `The battle rules have changed since (now rule set ${RULES_VERSION}), so it can't be re-run exactly; below, the same teams and seed under today's rules.`
          : replay.matches
            ? `✅ **Replay matches the record**: ${replay.result.outcome}, ${n(r.totals.attacker)} vs ${n(r.totals.defender)}, every final power the same.`
            : `❌ **Replay differs from the record**: ${replay.differences.join('; ')}.`;
        const when = r.createdAt.toISOString().replace('T', ' ').slice(0, 16);
        return {
          embeds: [battleEmbed(shown, [verdict], `Replay of battle #${r.id} · fought ${when} UTC · seed ${r.seed}`)],
          images: [battleImageJob(shown, ctx.services.pictures)],
        };
      },
    }),
  ],
});
