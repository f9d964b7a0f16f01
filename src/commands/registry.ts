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

  /** The closest known name or alias, if it is close enough to be a typo; `allowed` filters the commands considered. */
  closest(name: string, allowed: (cmd: Command) => boolean = () => true): string | undefined {
    const n = name.toLowerCase().slice(0, 40);
    let best: string | undefined;
    let bestD = Infinity;
    for (const [k, cmd] of this.byName) {
      if (!allowed(cmd)) continue;
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

/**
 * Edit distance where a swap of two neighbouring letters counts as one edit
 * (optimal string alignment), so `gmes` is one typo away from `gems`.
 */
export function editDistance(a: string, b: string): number {
  const w = b.length + 1;
  const d = new Array<number>((a.length + 1) * w);
  for (let i = 0; i <= a.length; i++) d[i * w] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * w + j]! + 1, d[i * w + j - 1]! + 1, d[(i - 1) * w + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * w + j - 2]! + 1);
      d[i * w + j] = v;
    }
  }
  return d[a.length * w + b.length]!;
}
