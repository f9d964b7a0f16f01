/**
 * Structured battle log (SPEC §6). The engine only appends entries; turning
 * them into the lines a player reads happens here, given unit names, so the
 * engine stays free of presentation.
 */
import type { BattleResult, Side } from './engine.js';

export type LogKind =
  /** `target` unit's multiplier × `value` (the holder itself for Surge and the like). */
  | 'multiplier'
  /** Holder gets `value` flat power (Lucky 7). */
  | 'flat'
  /** Every unit of `targetSide` × `value` (Guard, Tiger, Rabbit, …). */
  | 'teamMultiplier'
  /** Kamikaze: `target` and the holder drop to multiplier 0. */
  | 'knockout'
  /** Skill `detail` silenced on `targetSide`; `target` carried it and got × `value` (1 = Umbra). */
  | 'suppress'
  /** Queen of the Zodiacs / Entwined Souls drew sign `detail`. */
  | 'zodiac'
  /** Holder's variance fixed at `value` (Dragon). */
  | 'lockVariance'
  /** Holder's final power := `value`, copied from `target` (Sheep, Dog). */
  | 'copy'
  /** Holder swapped final power with `target`; holder now has `value` (Monkey). */
  | 'swap'
  /** The holder's side's loss became a draw. */
  | 'draw'
  /** The battle is fought again; `value` is the retry number (1–3). */
  | 'retry';

export interface LogEntry {
  /** Who acted: the holder of the skill. */
  side: Side;
  slot: number;
  skill: string;
  kind: LogKind;
  /** Multiplier, flat bonus, power or retry number, per `kind`; 0 when unused. */
  value: number;
  /** Whom it affected; `targetSlot` is -1 for a whole team or nobody in particular. */
  targetSide: Side;
  targetSlot: number;
  /** Suppressed skill name, zodiac sign, or '' when none. */
  detail: string;
}

export type UnitNames = Readonly<Record<Side, readonly string[]>>;

const nf = new Intl.NumberFormat('en-US');

/** Multiplier as a signed percentage: 1.25 → "+25%", 0.975 → "−2.5%", 8.77 → "+777%". */
export function formatPercent(multiplier: number): string {
  const pct = Math.round((multiplier - 1) * 1000) / 10;
  return pct >= 0 ? `+${pct}%` : `−${-pct}%`;
}

function nameOf(names: UnitNames, side: Side, slot: number): string {
  return names[side][slot] ?? `unit ${slot + 1}`;
}

function skillLabel(e: LogEntry): string {
  // Zodiac effects carry the sign so "Queen of the Zodiacs: Rat" reads naturally.
  return e.detail !== '' && e.kind !== 'suppress' && e.kind !== 'zodiac' ? `${e.skill}: ${e.detail}` : e.skill;
}

/** One player-facing line, e.g. "⚡ Alice activated Surge (+25%)". */
export function formatLogEntry(e: LogEntry, names: UnitNames): string {
  const who = nameOf(names, e.side, e.slot);
  const label = skillLabel(e);
  const team = e.targetSide === e.side ? 'own team' : 'enemy team';
  switch (e.kind) {
    case 'multiplier':
      if (e.targetSide === e.side && e.targetSlot === e.slot) return `⚡ ${who} activated ${label} (${formatPercent(e.value)})`;
      return `⚡ ${who}'s ${label}: ${nameOf(names, e.targetSide, e.targetSlot)} ${formatPercent(e.value)}`;
    case 'flat':
      return `⚡ ${who} activated ${label} (+${nf.format(e.value)} power)`;
    case 'teamMultiplier':
      return `🛡️ ${who}'s ${label}: ${team} ${formatPercent(e.value)}`;
    case 'knockout':
      return `💥 ${who}'s ${label} took out ${nameOf(names, e.targetSide, e.targetSlot)} — and ${who} with it`;
    case 'suppress': {
      const carrier = nameOf(names, e.targetSide, e.targetSlot);
      if (e.skill === 'The Onyx Moon') {
        return e.value < 1
          ? `🌑 ${who}'s The Onyx Moon (Eclipse) silenced ${e.detail} on the enemy team; ${carrier} ${formatPercent(e.value)}`
          : `🌑 ${who}'s The Onyx Moon (Umbra) silenced ${e.detail} on the enemy team`;
      }
      return `🐖 ${who}'s ${e.skill}: Pig silenced ${e.detail} on the enemy team`;
    }
    case 'zodiac':
      return `✨ ${who}'s ${e.skill} drew the ${e.detail}`;
    case 'lockVariance':
      return `🐉 ${who}'s ${label}: variance fixed at ×${e.value}`;
    case 'copy':
      return `🪞 ${who}'s ${label} copied ${nameOf(names, e.targetSide, e.targetSlot)}'s power (${nf.format(e.value)})`;
    case 'swap':
      return `🐒 ${who}'s ${label} swapped power with ${nameOf(names, e.targetSide, e.targetSlot)} (now ${nf.format(e.value)})`;
    case 'draw':
      return `🛟 ${who}'s ${label} turned the loss into a draw`;
    case 'retry':
      return `🔁 ${who}'s ${label}: the battle is fought again (retry ${e.value})`;
  }
}

export function unitNames(result: Pick<BattleResult, 'units'>): UnitNames {
  return {
    attacker: result.units.attacker.map((u) => u.name),
    defender: result.units.defender.map((u) => u.name),
  };
}

/**
 * Lines for what `side`'s skills did, at most `max` of them; when there are more,
 * the last line says how many were left out.
 */
export function formatLogLines(result: Pick<BattleResult, 'log' | 'units'>, side: Side, max = 10): string[] {
  if (max <= 0) return [];
  const names = unitNames(result);
  const mine = result.log.filter((e) => e.side === side);
  if (mine.length <= max) return mine.map((e) => formatLogEntry(e, names));
  const lines = mine.slice(0, max - 1).map((e) => formatLogEntry(e, names));
  lines.push(`… and ${mine.length - (max - 1)} more`);
  return lines;
}
