/** Team level and bond math (SPEC §2). */

export const MAX_BOND_LEVEL = 50;

/** XP to go from team level L to L+1: L² × 100. */
export function teamXpToNext(level: number): number {
  return level * level * 100;
}

/** Adds team XP, applying as many level-ups as it covers. */
export function addTeamXp(level: number, xp: number, gained: number): { level: number; xp: number; levelsGained: number } {
  let l = level;
  let x = xp + gained;
  while (x >= teamXpToNext(l)) {
    x -= teamXpToNext(l);
    l++;
  }
  return { level: l, xp: x, levelsGained: l - level };
}

/** Bond XP to go from bond level L to L+1: 50 + 50 × (L − 1). */
export function bondXpToNext(level: number): number {
  return 50 + 50 * (level - 1);
}

/** Adds bond XP with level-ups; at level 50 XP resets to 0 and stays there. */
export function addBondXp(level: number, xp: number, gained: number): { level: number; xp: number; levelsGained: number } {
  let l = level;
  let x = xp + gained;
  while (l < MAX_BOND_LEVEL && x >= bondXpToNext(l)) {
    x -= bondXpToNext(l);
    l++;
  }
  if (l >= MAX_BOND_LEVEL) return { level: MAX_BOND_LEVEL, xp: 0, levelsGained: MAX_BOND_LEVEL - level };
  return { level: l, xp: x, levelsGained: l - level };
}
