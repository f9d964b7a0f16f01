/**
 * Structured battle log (SPEC §6). The engine only appends entries; turning
 * them into the lines a player reads happens here, given unit names, so the
 * engine stays free of presentation. Entries say what kind of thing happened
 * (an effect's shape), never which skill did it: a new skill that produces a
 * known shape of effect needs nothing here.
 *
 * Every skill that fires leaves a line — also when it fired and found nothing
 * to act on (the kinds listed in NOTHING_KINDS: "… but nothing happened"). A
 * chance that misses its roll is not a firing and leaves none.
 */
import type { BattleResult, Side } from './engine.js';

/** What happened: an effect and whom it touched. */
export type EffectKind =
  /** `target` unit's multiplier × `value` (the holder itself for Surge and the like). */
  | 'multiplier'
  /** Holder gets `value` flat power (Lucky 7). */
  | 'flat'
  /** Every unit of `targetSide` × `value` (Guard, Tiger, Rabbit, …). */
  | 'teamMultiplier'
  /** `target` and the holder drop to multiplier 0 (Kamikaze). */
  | 'knockout'
  /** Skill `detail` silenced on `targetSide`; `target` carried it and got × `value` (1: silenced only). */
  | 'suppress'
  /** The skill picked its effect for the battle: `effect` (a zodiac sign). */
  | 'pick'
  /** `target`'s variance fixed at `value` (Dragon). */
  | 'lockVariance'
  /** Holder's final power := `value`, copied from `target` (Sheep, Dog). */
  | 'copy'
  /** Holder swapped final power with `target`; holder now has `value` (Monkey). */
  | 'swap'
  /** After the roll, `target`'s final power × `value` (SPEC §6: post-calculation may set finals). */
  | 'finalMultiplier'
  /** The holder's side's loss became a draw; `value` is the chance it had (1 = certain). */
  | 'draw'
  /** The battle is fought again; `value` is the retry number (1–3). */
  | 'retry';

/** The skill fired but found nothing to act on — why. */
export type NothingKind =
  /** No enemy (or nobody on `targetSide`) it could act on. */
  | 'noTarget'
  /** No teammate to carry (Horse); the holder's own part still happened. */
  | 'noTeammate'
  /** Its partner character (`detail`) isn't on the team. */
  | 'noPartner'
  /** No skill left on `targetSide` that can be silenced. */
  | 'nothingToSilence'
  /** Another copy on its side already did it (Guard: once per side). */
  | 'alreadyActive'
  /** The holder already has its side's highest final power (Dog). */
  | 'alreadyStrongest'
  /** The loss was too wide to save: the side had `value` of the winner's total (SPEC §6 needs 75%). */
  | 'notClose';

export type LogKind = EffectKind | NothingKind;

export const NOTHING_KINDS: ReadonlySet<LogKind> = new Set<NothingKind>([
  'noTarget',
  'noTeammate',
  'noPartner',
  'nothingToSilence',
  'alreadyActive',
  'alreadyStrongest',
  'notClose',
]);

/** Kinds that decided (or tried to decide) the outcome: always shown, whatever the cap. */
const OUTCOME_KINDS: ReadonlySet<LogKind> = new Set<LogKind>(['draw', 'retry', 'notClose']);

export interface LogEntry {
  /** Who acted: the holder of the skill. */
  side: Side;
  slot: number;
  skill: string;
  kind: LogKind;
  /** Multiplier, flat bonus, power, chance, ratio or retry number, per `kind`; 0 when unused. */
  value: number;
  /** Whom it affected; `targetSlot` is -1 for a whole team or nobody in particular. */
  targetSide: Side;
  targetSlot: number;
  /** The named effect the skill produced (a zodiac sign, The Onyx Moon's Eclipse or Umbra), or ''. */
  effect: string;
  /** Per kind: the silenced skill, the missing partner; '' otherwise. */
  detail: string;
}

export type UnitNames = Readonly<Record<Side, readonly string[]>>;

const nf = new Intl.NumberFormat('en-US');

/** Multiplier as a signed percentage: 1.25 → "+25%", 0.975 → "−2.5%", 8.77 → "+777%". */
export function formatPercent(multiplier: number): string {
  const pct = Math.round((multiplier - 1) * 1000) / 10;
  return pct >= 0 ? `+${pct}%` : `−${-pct}%`;
}

/** A fraction as a percentage: 0.4375 → "44%", 0.625 → "62.5%". */
function share(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

function nameOf(names: UnitNames, side: Side, slot: number): string {
  return names[side][slot] ?? `unit ${slot + 1}`;
}

/** "Queen of the Zodiacs: Horse", "The Onyx Moon: Eclipse", "Surge". */
function skillLabel(e: LogEntry): string {
  return e.effect !== '' ? `${e.skill}: ${e.effect}` : e.skill;
}

function teamOf(e: LogEntry): string {
  return e.targetSide === e.side ? 'own team' : 'enemy team';
}

function whyNothing(e: LogEntry, names: UnitNames): string {
  switch (e.kind) {
    case 'noTarget':
      return e.targetSide === e.side ? 'nobody to act on' : 'no enemy to act on';
    case 'noTeammate':
      return 'no teammate to carry';
    case 'noPartner':
      return `${e.detail || 'its partner'} isn't on the team`;
    case 'nothingToSilence':
      return 'no enemy skill left to silence';
    case 'alreadyActive':
      return 'one per team, and it is already up';
    case 'alreadyStrongest':
      return `${nameOf(names, e.side, e.slot)} is already the strongest`;
    case 'notClose':
      return `the loss was too wide to save: ${share(e.value)} of the winner's total, a close loss needs 75%`;
    default:
      return '';
  }
}

/** One player-facing line, e.g. "⚡ Alice activated Surge (+25%)". */
export function formatLogEntry(e: LogEntry, names: UnitNames): string {
  const who = nameOf(names, e.side, e.slot);
  const label = skillLabel(e);
  const target = (): string => nameOf(names, e.targetSide, e.targetSlot);
  switch (e.kind) {
    case 'multiplier':
      if (e.targetSide === e.side && e.targetSlot === e.slot) return `⚡ ${who} activated ${label} (${formatPercent(e.value)})`;
      return `⚡ ${who}'s ${label}: ${target()} ${formatPercent(e.value)}`;
    case 'flat':
      return `⚡ ${who} activated ${label} (+${nf.format(e.value)} power)`;
    case 'teamMultiplier':
      return `🛡️ ${who}'s ${label}: ${teamOf(e)} ${formatPercent(e.value)}`;
    case 'knockout':
      return `💥 ${who}'s ${label} took out ${target()} — and ${who} with it`;
    case 'suppress': {
      const where = e.targetSide === e.side ? 'its own team' : 'the enemy team';
      const hit = e.value !== 1 ? `; ${target()} ${formatPercent(e.value)}` : '';
      return `🔇 ${who}'s ${label} silenced ${e.detail} on ${where}${hit}`;
    }
    case 'pick':
      return `✨ ${who}'s ${e.skill} drew the ${e.effect}`;
    case 'lockVariance': {
      const whose = e.targetSide === e.side && e.targetSlot === e.slot ? 'variance' : `${target()}'s variance`;
      return `🎯 ${who}'s ${label}: ${whose} fixed at ×${e.value}`;
    }
    case 'copy':
      return `🪞 ${who}'s ${label} copied ${target()}'s power (${nf.format(e.value)})`;
    case 'swap':
      return `🔀 ${who}'s ${label} swapped power with ${target()} (now ${nf.format(e.value)})`;
    case 'finalMultiplier':
      return `💣 ${who}'s ${label}: ${target()} ${formatPercent(e.value)} after the roll`;
    case 'draw':
      return `🛟 ${who}'s ${label} turned the loss into a draw${e.value < 1 ? ` (${share(e.value)} chance)` : ''}`;
    case 'retry':
      return `🔁 ${who}'s ${label}: the battle is fought again (retry ${e.value})`;
    default:
      return `💨 ${who}'s ${label} — but nothing happened (${whyNothing(e, names)})`;
  }
}

export function unitNames(result: Pick<BattleResult, 'units'>): UnitNames {
  return {
    attacker: result.units.attacker.map((u) => u.name),
    defender: result.units.defender.map((u) => u.name),
  };
}

/** Keep order when there is room; past the cap, outcome lines first, then effects, then "nothing happened". */
function rank(kind: LogKind): number {
  return OUTCOME_KINDS.has(kind) ? 0 : NOTHING_KINDS.has(kind) ? 2 : 1;
}

/**
 * Lines for what `side`'s skills did, at most `max` of them and at most
 * `maxChars` characters joined by newlines (a Discord embed field holds 1,024).
 * Identical lines in a row are merged ("… ×4"). When not everything fits, the
 * lines that decided the outcome are kept first, then effects, then the
 * "nothing happened" lines, in battle order, and the last line says how many
 * were left out.
 */
export function formatLogLines(result: Pick<BattleResult, 'log' | 'units'>, side: Side, max = 10, maxChars = Number.POSITIVE_INFINITY): string[] {
  if (max <= 0) return [];
  const names = unitNames(result);
  const lines: { text: string; rank: number; count: number }[] = [];
  for (const e of result.log) {
    if (e.side !== side) continue;
    const text = formatLogEntry(e, names);
    const last = lines[lines.length - 1];
    if (last !== undefined && last.text === text) last.count++;
    else lines.push({ text, rank: rank(e.kind), count: 1 });
  }
  const render = (l: { text: string; count: number }): string => (l.count > 1 ? `${l.text} ×${l.count}` : l.text);
  const rendered = lines.map(render);
  const total = rendered.reduce((n, t) => n + t.length, 0) + Math.max(0, rendered.length - 1);
  if (rendered.length <= max && total <= maxChars) return rendered;

  // Choose by rank, keep battle order; leave room for the "… and N more" line.
  const entries = lines.reduce((n, l) => n + l.count, 0);
  const room = (kept: number): string => `… and ${entries - kept} more`;
  const chosen = new Set<number>();
  let used = 0;
  let keptEntries = 0;
  const order = lines.map((_l, i) => i).sort((a, b) => lines[a]!.rank - lines[b]!.rank || a - b);
  for (const i of order) {
    if (chosen.size >= max - 1) break;
    const len = rendered[i]!.length + 1;
    // The tail line is at most "… and NNN more" long.
    if (used + len + room(0).length > maxChars) continue;
    chosen.add(i);
    used += len;
    keptEntries += lines[i]!.count;
  }
  const out = rendered.filter((_t, i) => chosen.has(i));
  out.push(room(keptEntries));
  return out;
}
