import { arg, truncate, type ArgSpec } from '../commands/args.js';
import { ArgumentError } from '../commands/errors.js';
import { n } from '../commands/format.js';
import { Colors, type Embed, type EmbedField, type Reply } from '../commands/reply.js';
import { defineCog, defineCommand, type CommandContext } from '../commands/types.js';
import {
  DIFFICULTIES,
  isDifficulty,
  prepareNpcBattle,
  preparePvpBattle,
  replayBattle,
  saveBattle,
  type Difficulty,
  type Fight,
  type SnapshotUnit,
} from '../core/battle/index.js';
import { UserError } from '../core/errors.js';
import { renderBattle, type CardInfo } from '../core/images/index.js';
import { formatLogLines } from '../core/skills/log.js';
import type { BattleResult, Side } from '../core/skills/engine.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../core/skills/registry.js';

type Opponent = { kind: 'member'; id: string } | { kind: 'npc'; difficulty: Difficulty };

const MENTION = /^<@!?([\w.:-]{1,64})>$/;
const SNOWFLAKE = /^\d{5,25}$/;

/** `@member`, a raw user id, or a difficulty word. */
const opponentArg: ArgSpec<Opponent | undefined> = {
  label: `[@member|${DIFFICULTIES.join('|')}]`,
  take: 'one',
  isOptional: true,
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

function cardOf(u: SnapshotUnit): CardInfo {
  return { characterId: u.characterId, name: u.name, rarity: u.rarity, power: u.power, dupeLevel: u.dupeLevel, imageUrl: u.imageUrl };
}

interface Shown {
  attackerName: string;
  defenderName: string;
  attacker: SnapshotUnit[];
  defender: SnapshotUnit[];
  result: BattleResult;
}

function battleImage(b: Shown): Promise<Buffer> {
  return renderBattle({
    attackerName: b.attackerName,
    defenderName: b.defenderName,
    attacker: b.attacker.map(cardOf),
    defender: b.defender.map(cardOf),
    attackerFinal: b.result.finalPowers.attacker,
    defenderFinal: b.result.finalPowers.defender,
    attackerTotal: b.result.totals.attacker,
    defenderTotal: b.result.totals.defender,
    outcome: b.result.outcome,
  });
}

function headline(b: Shown): string {
  switch (b.result.outcome) {
    case 'WIN':
      return `🏆 **${b.attackerName}** wins!`;
    case 'LOSS':
      return `💀 **${b.defenderName}** wins.`;
    case 'DRAW':
      return '🤝 **Draw!** A skill turned the loss around.';
  }
}

function sideField(b: Shown, side: Side): EmbedField {
  const name = side === 'attacker' ? b.attackerName : b.defenderName;
  const units = b[side];
  const finals = b.result.finalPowers[side];
  const lines = units.map((u, i) => `${u.unitId !== null ? `\`#${u.unitId}\` ` : ''}${u.name} — ${n(u.power)} → **${n(finals[i] ?? 0)}**`);
  return { name: `${side === 'attacker' ? '⚔️' : '🛡️'} ${name} — ${n(b.result.totals[side])}`, value: lines.join('\n') || '—', inline: true };
}

function logField(b: Shown, side: Side): EmbedField | null {
  const lines = formatLogLines(b.result, side, 10);
  if (lines.length === 0) return null;
  const name = side === 'attacker' ? b.attackerName : b.defenderName;
  // Embed field values are capped at 1,024 characters.
  let value = lines.join('\n');
  if (value.length > 1024) value = `${value.slice(0, 1020)}…`;
  return { name: `📜 ${name}'s skills`, value };
}

function battleEmbed(b: Shown, extra: string[], footer: string): Embed {
  const fields: EmbedField[] = [sideField(b, 'attacker'), sideField(b, 'defender')];
  for (const side of ['attacker', 'defender'] as const) {
    const f = logField(b, side);
    if (f) fields.push(f);
  }
  const notes = [headline(b), `**${n(b.result.totals.attacker)}** vs **${n(b.result.totals.defender)}**`];
  if (b.result.retries > 0) notes.push(`🔁 Fought again ${b.result.retries === 1 ? 'once' : `${b.result.retries} times`} (Second Wind).`);
  if (b.result.royalty.attacker) {
    notes.push(`👑 Royalty on ${b.attackerName}'s team — a win where rewards are paid pays ×${ROYALTY_REWARD_MULTIPLIER} (this battle pays no currency).`);
  }
  notes.push(...extra);
  return {
    title: `⚔️ ${b.attackerName} vs ${b.defenderName}`,
    description: notes.join('\n'),
    fields,
    image: 'attachment://battle.png',
    footer,
    color: b.result.outcome === 'WIN' ? Colors.success : b.result.outcome === 'LOSS' ? Colors.error : Colors.warning,
  };
}

async function fightReply(ctx: CommandContext, fight: Fight): Promise<Reply> {
  // Render before saving: if the image fails, nothing is recorded.
  const png = await battleImage(fight);
  const saved = await saveBattle(ctx.services.db, fight, { now: ctx.services.clock.now(), bossUserId: ctx.services.config.bossUserId });
  const extra: string[] = [];
  if (saved.task) extra.push(`✅ Daily task **${saved.task}** is complete for today — see \`${ctx.prefix}tasks\`.`);
  if (saved.bossKill) extra.push(`🐉 You beat the boss! Boss kills are counted toward **Ultimate Battler**.`);
  return {
    embeds: [battleEmbed(fight, extra, `Battle #${saved.id} · seed ${fight.result.seed} · replay with ${ctx.prefix}replay ${saved.id}`)],
    attachments: [{ name: 'battle.png', data: png, contentType: 'image/png' }],
  };
}

export default defineCog({
  name: 'battle',
  description: 'Battles against NPC teams and other players, and replays.',
  commands: [
    defineCommand({
      name: 'battle',
      description: 'Your battle team vs an NPC team of a difficulty, or vs another player’s team.',
      details: [
        '`!battle` fights the Training Dummy (normal). `!battle <difficulty>` fights an NPC team:',
        '• easy — 5 R · normal — 3 R + 2 SR · hard — 5 SR',
        '• expert — 2 SSR + 2 SR + 1 R · nightmare — 3 SSR + 2 SR · hell — 5 top SSR',
        '`!battle @member` fights their battle team. A win completes that day’s task (`pvp` or the difficulty). Every battle gets an id you can `!replay`.',
      ].join('\n'),
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
            prefix: ctx.prefix,
          });
          return fightReply(ctx, fight);
        }
        if (opponent.id === ctx.author.id) {
          throw new UserError(`You can't battle yourself — try \`${ctx.prefix}battle normal\` for a practice fight.`);
        }
        const member = await ctx.resolveMember(opponent.id);
        if (member?.bot) throw new UserError(`${member.displayName} is a bot and has no team to fight. Battle a player, or an NPC team with \`${ctx.prefix}battle hard\`.`);
        const fight = await preparePvpBattle(db, {
          player,
          opponent: { id: opponent.id, name: member?.displayName },
          rng: ctx.services.rng(),
          prefix: ctx.prefix,
        });
        return fightReply(ctx, fight);
      },
    }),
    defineCommand({
      name: 'replay',
      description: 'Re-runs a recorded battle from its seed and teams and checks it comes out the same.',
      details: 'Every battle is stored with its random seed and both teams as they fought (powers and skills at the time), so a replay gives the same outcome, totals and final powers.',
      args: { id: arg.int('battle id', { min: 1, max: Number.MAX_SAFE_INTEGER }) },
      async run(ctx, { id }) {
        const replay = await replayBattle(ctx.services.db, id);
        const r = replay.record;
        const shown: Shown = { attackerName: r.attackerName, defenderName: r.defenderName, attacker: r.attacker, defender: r.defender, result: replay.result };
        const png = await battleImage(shown);
        const verdict = replay.matches
          ? `✅ **Replay matches the record**: ${replay.result.outcome}, ${n(r.totals.attacker)} vs ${n(r.totals.defender)}, every final power the same.`
          : `❌ **Replay differs from the record**: ${replay.differences.join('; ')}.`;
        const when = r.createdAt.toISOString().replace('T', ' ').slice(0, 16);
        return {
          embeds: [battleEmbed(shown, [verdict], `Replay of battle #${r.id} · fought ${when} UTC · seed ${r.seed}`)],
          attachments: [{ name: 'battle.png', data: png, contentType: 'image/png' }],
        };
      },
    }),
  ],
});
