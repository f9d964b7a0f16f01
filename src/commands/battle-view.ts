/**
 * How a battle is shown, for every command that fights (battle, story,
 * bounty, raid): the embed with both sides, totals and skill highlights, and
 * the battle image.
 */

import type { SnapshotUnit } from '../core/battle/snapshot.js';
import type { BattleImageInput, CardInfo, Pictures } from '../core/images/index.js';
import type { BattleResult, BattleUnit, Side } from '../core/skills/engine.js';
import { formatLogLines, type LogEntry } from '../core/skills/log.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../core/skills/registry.js';
import { n } from './format.js';
import { image } from './images.js';
import { Colors, type Embed, type EmbedField, type ImageJob } from './reply.js';

/** A unit as a card: a player's unit, a snapshot, or an NPC (dupe 0, drawn portrait unless it has art). */
export function cardOf(u: BattleUnit & { dupeLevel?: number }): CardInfo {
  return { characterId: u.characterId, name: u.name, rarity: u.rarity, power: u.power, dupeLevel: u.dupeLevel ?? 0, imageUrl: u.imageUrl ?? null };
}

/** What the battle image needs: both sides in battle order and the result. */
export interface Drawn {
  attackerName: string;
  defenderName: string;
  attacker: readonly (BattleUnit & { dupeLevel?: number })[];
  defender: readonly (BattleUnit & { dupeLevel?: number })[];
  result: BattleResult;
}

/** What the embed needs too: snapshots, which know the player's unit ids. */
export interface Shown extends Drawn {
  attacker: SnapshotUnit[];
  defender: SnapshotUnit[];
}

/** The battle picture as a reply's image job (drawn after the fight is saved). */
export function battleImageJob(b: Drawn, pictures: Pictures): ImageJob {
  // The data is taken now: the job may run after the caller has moved on.
  const input = battleImageInput(b);
  return image('battle', 'the battle picture', () => pictures.draw('battle', input));
}

export function battleImageInput(b: Drawn): BattleImageInput {
  return {
    attackerName: b.attackerName,
    defenderName: b.defenderName,
    attacker: b.attacker.map(cardOf),
    defender: b.defender.map(cardOf),
    attackerFinal: b.result.finalPowers.attacker,
    defenderFinal: b.result.finalPowers.defender,
    attackerTotal: b.result.totals.attacker,
    defenderTotal: b.result.totals.defender,
    outcome: b.result.outcome,
  };
}

/** "Revive", "Queen of the Zodiacs (Snake)". */
export function skillName(e: LogEntry): string {
  return e.effect !== '' ? `${e.skill} (${e.effect})` : e.skill;
}

/** Whose skill it was, from the attacker's seat (every fighting command's attacker is the player who typed it). */
export function whoseSkill(e: LogEntry): string {
  return e.side === 'attacker' ? `your ${skillName(e)}` : `the enemy's ${skillName(e)}`;
}

function unitOf(b: Drawn, e: LogEntry): string {
  return b[e.side][e.slot]?.name ?? 'a unit';
}

/** The result line; a draw names whose skill made it, and which way it turned. */
export function headline(b: Drawn): string {
  const by = b.result.drawnBy;
  switch (b.result.outcome) {
    case 'WIN':
      return `🏆 **${b.attackerName}** wins!`;
    case 'LOSS':
      return `💀 **${b.defenderName}** wins.`;
    case 'DRAW':
      if (by === null) return '🤝 **Draw!**';
      return by.side === 'attacker'
        ? `🤝 **Draw** — ${whoseSkill(by)} turned the loss into a draw (${unitOf(b, by)}).`
        : `🤝 **Draw** — ${whoseSkill(by)} held on (${unitOf(b, by)}): a win for **${b.attackerName}** became a draw.`;
  }
}

/** "🔁 Fought again twice: your Second Wind, then the enemy's Second Wind." */
function retryNote(b: Drawn): string {
  const r = b.result.retries;
  const times = r === 1 ? 'once' : r === 2 ? 'twice' : `${r} times`;
  const who = b.result.retriedBy.map((e) => `${whoseSkill(e)} (${unitOf(b, e)})`);
  return `🔁 Fought again ${times}${who.length ? `: ${who.join(', then ')}` : ''}.`;
}

function sideField(b: Shown, side: Side): EmbedField {
  const name = side === 'attacker' ? b.attackerName : b.defenderName;
  const units = b[side];
  const finals = b.result.finalPowers[side];
  const lines = units.map((u, i) => `${u.unitId !== null ? `\`#${u.unitId}\` ` : ''}${u.name} — ${n(u.power)} → **${n(finals[i] ?? 0)}**`);
  return { name: `${side === 'attacker' ? '⚔️' : '🛡️'} ${name} — ${n(b.result.totals[side])}`, value: lines.join('\n') || '—', inline: true };
}

/** Embed field values are capped at 1,024 characters; the lines are chosen to fit whole. */
const FIELD_CHARS = 1024;

function logField(b: Shown, side: Side): EmbedField | null {
  const lines = formatLogLines(b.result, side, 10, FIELD_CHARS);
  if (lines.length === 0) return null;
  const name = side === 'attacker' ? b.attackerName : b.defenderName;
  return { name: `📜 ${name}'s skills`, value: lines.join('\n') };
}

export function battleEmbed(b: Shown, extra: string[], footer: string, opts: { royaltyPays?: boolean } = {}): Embed {
  const fields: EmbedField[] = [sideField(b, 'attacker'), sideField(b, 'defender')];
  for (const side of ['attacker', 'defender'] as const) {
    const f = logField(b, side);
    if (f) fields.push(f);
  }
  const notes = [headline(b), `**${n(b.result.totals.attacker)}** vs **${n(b.result.totals.defender)}**`];
  if (b.result.retries > 0) notes.push(retryNote(b));
  if (b.result.royalty.attacker) {
    notes.push(
      opts.royaltyPays
        ? `👑 Royalty on ${b.attackerName}'s team — gems and coins from this win ×${ROYALTY_REWARD_MULTIPLIER}.`
        : `👑 Royalty on ${b.attackerName}'s team — a win where rewards are paid pays ×${ROYALTY_REWARD_MULTIPLIER} (this battle pays no currency).`,
    );
  }
  notes.push(...extra);
  return {
    title: `⚔️ ${b.attackerName} vs ${b.defenderName}`,
    description: notes.join('\n'),
    fields,
    footer,
    color: b.result.outcome === 'WIN' ? Colors.success : b.result.outcome === 'LOSS' ? Colors.error : Colors.warning,
  };
}
