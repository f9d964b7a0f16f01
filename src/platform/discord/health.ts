import { Status } from 'discord.js';

export type GatewayState = 'ready' | 'connecting' | 'down';

export interface ShardView {
  id: number;
  status: Status;
  ping: number;
}

export interface ShardReport {
  id: number;
  status: string;
  ping: number | null;
  downForSeconds?: number;
}

/**
 * Tracks how long each shard's gateway connection has not been Ready.
 * discord.js reconnects and resumes by itself; this only answers "has it been
 * gone too long?" for /health (503 after the grace period, so a host can
 * restart a process whose connection is stuck).
 */
export class GatewayHealth {
  /** shard id → when it stopped being ready (null: it is or was last seen ready). */
  private readonly downSince = new Map<number, number | null>();
  private stopped = false;

  constructor(
    private readonly graceMs: number,
    private readonly startedAt: number = Date.now(),
    private readonly now: () => number = Date.now,
  ) {}

  up(shardId: number): void {
    this.downSince.set(shardId, null);
  }

  down(shardId: number): void {
    if (!this.downSince.get(shardId)) this.downSince.set(shardId, this.now());
  }

  markStopped(): void {
    this.stopped = true;
  }

  /** Milliseconds a shard has not been ready (0 when ready). */
  private downFor(s: ShardView): number {
    if (s.status === Status.Ready) return 0;
    const since = this.downSince.get(s.id);
    if (since === undefined) return this.now() - this.startedAt; // never ready since boot
    if (since === null) {
      // Went down without an event we saw (status read directly): count from now.
      this.downSince.set(s.id, this.now());
      return 0;
    }
    return this.now() - since;
  }

  state(shards: ShardView[]): GatewayState {
    if (this.stopped) return 'down';
    if (shards.length > 0 && shards.every((s) => s.status === Status.Ready)) return 'ready';
    return this.healthy(shards) ? 'connecting' : 'down';
  }

  healthy(shards: ShardView[]): boolean {
    if (this.stopped) return false;
    if (shards.length === 0) return this.now() - this.startedAt <= this.graceMs;
    return shards.every((s) => this.downFor(s) <= this.graceMs);
  }

  report(shards: ShardView[]): ShardReport[] {
    return shards.map((s) => {
      const down = this.downFor(s);
      return {
        id: s.id,
        status: Status[s.status] ?? String(s.status),
        ping: s.ping >= 0 ? s.ping : null,
        ...(down > 0 ? { downForSeconds: Math.round(down / 1000) } : {}),
      };
    });
  }
}
