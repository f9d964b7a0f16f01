import type { Cog, Command } from './types.js';

/** Commands by name and alias (case-insensitive), in cog order for `!help`. */
export class CommandRegistry {
  readonly cogs: Cog[] = [];
  private readonly byName = new Map<string, Command>();
  private readonly cogOf = new Map<Command, Cog>();

  add(cog: Cog): void {
    for (const cmd of cog.commands) {
      for (const key of [cmd.name, ...(cmd.aliases ?? [])]) {
        const k = key.toLowerCase();
        const clash = this.byName.get(k);
        if (clash) throw new Error(`command name "${key}" of cog ${cog.name} is already used by ${clash.name}`);
        this.byName.set(k, cmd);
      }
      this.cogOf.set(cmd, cog);
    }
    this.cogs.push(cog);
  }

  get(name: string): Command | undefined {
    return this.byName.get(name.toLowerCase());
  }

  cogFor(cmd: Command): Cog | undefined {
    return this.cogOf.get(cmd);
  }

  /** The closest known name or alias, if it is close enough to be a typo. */
  closest(name: string): string | undefined {
    const n = name.toLowerCase().slice(0, 40);
    let best: string | undefined;
    let bestD = Infinity;
    for (const k of this.byName.keys()) {
      const d = editDistance(n, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    const limit = Math.max(1, Math.min(3, Math.floor(n.length / 3)));
    return bestD <= limit ? best : undefined;
  }
}

/** Levenshtein distance (two rows). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
